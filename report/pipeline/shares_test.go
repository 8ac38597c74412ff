package pipeline

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report/jsonl"
)

// share is the part of a capture one socket of a fanout group reads: a
// flow hash over addresses and ports, the same both ways, as the kernel's.
type share struct {
	pkts []sharedPacket
	next int
}

type sharedPacket struct {
	data  []byte
	ci    gopacket.CaptureInfo
	lt    layers.LinkType
	frame int64
}

func (s *share) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	if s.next == len(s.pkts) {
		return nil, gopacket.CaptureInfo{}, 0, io.EOF
	}
	s.next++
	p := s.pkts[s.next-1]
	return p.data, p.ci, p.lt, nil
}

func (s *share) Frame() int64 { return s.pkts[s.next-1].frame }

// fanout splits the capture at path into n shares.
func fanout(t *testing.T, path string, n int) []reassembly.Framed {
	t.Helper()
	src, err := capfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	shares := make([]*share, n)
	for i := range shares {
		shares[i] = &share{}
	}
	for frame := int64(1); ; frame++ {
		data, ci, lt, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := sharedPacket{bytes.Clone(data), ci, lt, frame}
		s := shares[flowHash(p)%uint32(n)]
		s.pkts = append(s.pkts, p)
	}
	out := make([]reassembly.Framed, n)
	for i, s := range shares {
		out[i] = s
	}
	return out
}

func flowHash(p sharedPacket) uint32 {
	pkt := gopacket.NewPacket(p.data, p.lt, gopacket.NoCopy)
	nl, tl := pkt.NetworkLayer(), pkt.TransportLayer()
	if nl == nil {
		return 0
	}
	ends := []string{string(nl.NetworkFlow().Src().Raw()), string(nl.NetworkFlow().Dst().Raw())}
	if tl != nil {
		ends[0] += string(tl.TransportFlow().Src().Raw())
		ends[1] += string(tl.TransportFlow().Dst().Raw())
	}
	sort.Strings(ends)
	h := fnv.New32a()
	h.Write([]byte(ends[0] + "|" + ends[1]))
	return binary.BigEndian.Uint32(h.Sum(nil))
}

var (
	sessionID = regexp.MustCompile(`\bs[0-9]+\b`)
	// A recipient is named from the certificates output before it: live
	// output of several shares is not in capture order, so a certificate
	// another share shows may come after the encrypted message.
	recipientName = regexp.MustCompile(`,"email":"[^"]*","cert_source":"[^"]*","cert_frame":[0-9]+`)
)

// liveLines are the records of a live analysis as sorted JSON lines, each
// session id replaced by its session's ends and start; ids lists the ids.
func liveLines(t *testing.T, run func(opt Options) (*Result, error)) (lines []string, ids []string, res *Result) {
	t.Helper()
	var recs []record.Record
	res, err := run(Options{Reveal: true, OnRecord: func(r record.Record) { recs = append(recs, r) }})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, r := range recs {
		if s, ok := r.(*record.Session); ok {
			names[s.ID] = fmt.Sprintf("%s>%s@%d", s.Client, s.Server, s.Packet)
			ids = append(ids, s.ID)
		}
	}
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	for _, r := range recs {
		w.Write(r)
	}
	w.Flush()
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		l = recipientName.ReplaceAllString(l, "")
		lines = append(lines, sessionID.ReplaceAllStringFunc(l, func(id string) string {
			if n, ok := names[id]; ok {
				return n
			}
			return id
		}))
	}
	sort.Strings(lines)
	return lines, ids, res
}

// The shares of a capture analysed each on its own goroutine (a fanout
// group's sockets) give the records of the capture read as one, session
// ids aside; ids run from s1 without a gap, and --max-sessions is exact.
func TestLiveSharesGiveTheRecordsOfOneSource(t *testing.T) {
	for _, p := range append(orderCaptures(t), retryCapture(t)) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want, wantIDs, _ := liveLines(t, func(opt Options) (*Result, error) {
				src, err := capfile.Open(p)
				if err != nil {
					t.Fatal(err)
				}
				defer src.Close()
				return Live(src, "lo", "Ethernet", opt)
			})
			got, ids, res := liveLines(t, func(opt Options) (*Result, error) {
				return LiveShares(fanout(t, p, 3), "lo", "Ethernet", opt)
			})
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("three shares differ from one source:\n%s", recordtest.FirstDiff([]byte(strings.Join(want, "\n")), []byte(strings.Join(got, "\n"))))
			}
			sort.Slice(ids, func(i, j int) bool { return len(ids[i]) < len(ids[j]) || len(ids[i]) == len(ids[j]) && ids[i] < ids[j] })
			for i, id := range ids {
				if id != fmt.Sprintf("s%d", i+1) {
					t.Fatalf("ids %v, want s1 to s%d", ids, len(ids))
				}
			}
			if len(ids) != len(wantIDs) || res.Sessions != len(ids) {
				t.Fatalf("%d sessions (%d counted), one source gives %d", len(ids), res.Sessions, len(wantIDs))
			}
			if len(ids) < 2 {
				return
			}
			_, capped, res := liveLines(t, func(opt Options) (*Result, error) {
				opt.Dissect.MaxSessions = len(ids) - 1
				return LiveShares(fanout(t, p, 3), "lo", "Ethernet", opt)
			})
			if len(capped) != len(ids)-1 || res.Sessions != len(ids)-1 || res.Skipped != 1 {
				t.Fatalf("--max-sessions %d: %d sessions listed, %d counted, %d skipped", len(ids)-1, len(capped), res.Sessions, res.Skipped)
			}
		})
	}
}

// idleSource gives a capture's packets, then tells, like a quiet live
// capture, that none came for a while, a minute at a time, until the test
// sees what it waits for.
type idleSource struct {
	share
	now    time.Time
	seen   *atomic.Bool
	idles  int
	before bool // what the test waits for came before the capture ended
}

func (s *idleSource) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	if s.next < len(s.pkts) {
		return s.share.Next()
	}
	if s.seen.Load() || s.idles == 30 {
		s.before = s.seen.Load()
		return nil, gopacket.CaptureInfo{}, 0, io.EOF
	}
	s.idles++
	s.now = s.now.Add(time.Minute)
	time.Sleep(10 * time.Millisecond)
	return nil, gopacket.CaptureInfo{Timestamp: s.now}, 0, reassembly.ErrIdle
}

// A live capture that goes quiet after a conversation whose end it never
// saw: the conversation is closed as idle while time goes by, without a
// packet, and its session reported before the capture ends.
func TestQuietLiveCaptureClosesIdleConversations(t *testing.T) {
	w, buf := newPcap(t)
	logIn(w.Conn(client, server, 40500, 25))
	path := filepath.Join(t.TempDir(), "quiet.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shares := fanout(t, path, 1)
	src := &idleSource{share: *shares[0].(*share), seen: new(atomic.Bool)}
	src.now = src.pkts[len(src.pkts)-1].ci.Timestamp
	opt := Options{Reveal: true, OnRecord: func(r record.Record) {
		if _, ok := r.(*record.Session); ok {
			src.seen.Store(true)
		}
	}}
	if _, err := Live(src, "lo", "Ethernet", opt); err != nil {
		t.Fatal(err)
	}
	if !src.before {
		t.Fatalf("the session came only when the capture ended (%d minutes of quiet)", src.idles)
	}
	if src.idles < 10 {
		t.Fatalf("the session came after %d minutes of quiet, before the idle timeout", src.idles)
	}
}
