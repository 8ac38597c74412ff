package pipeline

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report/findings"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/testdata/pcapgen"
	"github.com/mailwire/mailwire/testdata/pcapgen/mailgen"
)

// orderCaptures are the bundled captures and a generated one with many
// interleaved sessions over many address pairs.
func orderCaptures(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob("../../captures/*.pcap*")
	var out []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".keys") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no captures in captures/")
	}
	gen := filepath.Join(t.TempDir(), "generated.pcap")
	if _, err := mailgen.WriteFile(gen, mailgen.Options{Seed: 3, Sessions: 300, Concurrent: 40, Attachment: 3000, STARTTLS: 4}); err != nil {
		t.Fatal(err)
	}
	return append(out, gen)
}

func TestOutputIsTheSameWhateverTheWorkers(t *testing.T) {
	for _, p := range orderCaptures(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want := streamJSON(t, p, Options{Reveal: true, Workers: 1})
			for _, workers := range []int{2, 8} {
				got := streamJSON(t, p, Options{Reveal: true, Workers: workers})
				if !bytes.Equal(got, want) {
					t.Fatalf("workers %d differ from workers 1:\n%s", workers, recordtest.FirstDiff(want, got))
				}
			}
		})
	}
}

func TestMaxSessionsIsExactWhateverTheWorkers(t *testing.T) {
	paths := orderCaptures(t)
	gen := paths[len(paths)-1]
	for _, p := range []string{"../../captures/lab-session.pcap", gen} {
		full := streamJSON(t, p, Options{Reveal: true, Workers: 1})
		total := strings.Count(string(full), `{"kind":"session"`)
		if total < 3 {
			t.Fatalf("%s: only %d sessions", p, total)
		}
		for _, n := range []int{1, total / 2, total - 1} {
			var want []byte
			for _, workers := range []int{1, 2, 8} {
				opt := Options{Reveal: true, Workers: workers}
				opt.Dissect.MaxSessions = n
				got := streamJSON(t, p, opt)
				if c := strings.Count(string(got), `{"kind":"session"`); c != n {
					t.Fatalf("%s --max-sessions %d --workers %d: %d sessions", filepath.Base(p), n, workers, c)
				}
				if !strings.Contains(string(got), fmt.Sprintf("%d mail sessions past the --max-sessions bound", total-n)) {
					t.Errorf("%s --max-sessions %d: no warning for the %d others", filepath.Base(p), n, total-n)
				}
				if want == nil {
					want = got
				} else if !bytes.Equal(got, want) {
					t.Fatalf("--max-sessions %d: workers %d differ:\n%s", n, workers, recordtest.FirstDiff(want, got))
				}
			}
			// The sessions kept are the first ones, with the records
			// they had without the bound.
			for _, line := range strings.Split(string(want), "\n") {
				if strings.HasPrefix(line, `{"kind":"capture"`) || line == "" {
					continue
				}
				if !bytes.Contains(full, []byte(line)) {
					t.Fatalf("--max-sessions %d: a record not in the full output: %s", n, line)
				}
			}
		}
	}
}

// TestRecordsLeaveAsTheCaptureGoesOn checks that what the pipeline holds
// to order records does not grow with the capture: ten times the sessions,
// about the same records held at once.
func TestRecordsLeaveAsTheCaptureGoesOn(t *testing.T) {
	held := func(sessions int) (int, int) {
		path := filepath.Join(t.TempDir(), "many.pcap")
		if _, err := mailgen.WriteFile(path, mailgen.Options{Seed: 5, Sessions: sessions, Concurrent: 10}); err != nil {
			t.Fatal(err)
		}
		n := 0
		res, err := File(path, Options{Workers: 4, OnRecord: func(record.Record) { n++ }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sessions != sessions {
			t.Fatalf("%d sessions reported, want %d", res.Sessions, sessions)
		}
		return res.Held, n
	}
	small, _ := held(600)
	big, records := held(6000)
	t.Logf("held at most %d records of %d (%d for a tenth of the capture)", big, records, small)
	if big > 2*small+100 || big > records/10 {
		t.Fatalf("held %d records at once for 6000 sessions (%d records), %d for 600", big, records, small)
	}
}

// refuseSTARTTLS plays an SMTP session whose STARTTLS the server refuses.
func refuseSTARTTLS(c *pcapgen.Conn) {
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	c.ClientSays("EHLO me\r\n")
	c.ServerSays("250-mail\r\n250 STARTTLS\r\n")
	c.ClientSays("STARTTLS\r\n")
	c.ServerSays("454 4.7.0 TLS not available\r\n")
	c.ClientSays("QUIT\r\n")
	c.ServerSays("221 Bye\r\n")
	c.Close()
}

// loginInClear plays an SMTP session that logs in with AUTH PLAIN in
// clear.
func loginInClear(c *pcapgen.Conn) {
	logIn(c)
	c.Close()
}

// logIn opens an SMTP session and logs in with AUTH PLAIN in clear.
func logIn(c *pcapgen.Conn) {
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	c.ClientSays("EHLO me\r\n")
	c.ServerSays("250-mail\r\n250 AUTH PLAIN\r\n")
	c.ClientSays("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")
	c.ServerSays("235 2.7.0 Authentication successful\r\n")
}

// retryCapture holds a STARTTLS the server refuses, then, from the same
// client, a session in clear while other conversations come and go.
func retryCapture(t *testing.T) string {
	t.Helper()
	w, buf := newPcap(t)
	other := w.Conn(net.IPv4(127, 0, 0, 77), server, 41000, 25)
	other.Handshake()
	other.ServerSays("220 mail ESMTP\r\n")
	refuseSTARTTLS(w.Conn(client, server, 40200, 25))
	other.ClientSays("EHLO other\r\n")
	other.ServerSays("250 mail\r\n")
	loginInClear(w.Conn(client, server, 40201, 25))
	other.ClientSays("QUIT\r\n")
	other.ServerSays("221 Bye\r\n")
	other.Close()
	path := filepath.Join(t.TempDir(), "retry.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The retry rule spans two sessions: its finding comes at the frame of
// the failure, names both final ids, and is the same whatever the workers.
func TestDowngradeRetryIsFoundWhileStreaming(t *testing.T) {
	path := retryCapture(t)
	var want []byte
	for _, workers := range []int{1, 2, 8} {
		out := streamJSON(t, path, Options{Workers: workers})
		if want == nil {
			want = out
		} else if !bytes.Equal(out, want) {
			t.Fatalf("workers %d differ:\n%s", workers, recordtest.FirstDiff(want, out))
		}
	}
	var retry string
	for _, line := range strings.Split(string(want), "\n") {
		if strings.Contains(line, `"id":"tls-downgrade-retry"`) {
			retry = line
		}
	}
	if !strings.Contains(retry, `"session":"s3"`) || !strings.Contains(retry, "after TLS failed on session s2") {
		t.Fatalf("retry finding: %q\n%s", retry, want)
	}
}

// Every finding the rules can derive from the streamed records is already
// among them: deriving inside the pipeline missed none.
func TestStreamedRecordsHoldEveryDerivedFinding(t *testing.T) {
	for _, p := range append(orderCaptures(t), retryCapture(t)) {
		var recs []record.Record
		if _, err := File(p, Options{Workers: 2, OnRecord: func(r record.Record) { recs = append(recs, r) }}); err != nil {
			t.Fatal(err)
		}
		last := int64(0)
		for _, r := range recs {
			if f, ok := r.(*record.Finding); ok && (f.ID == "capture-truncated" || f.ID == "payload-truncated") {
				break // the capture's own findings close its records
			}
			if r.Frame() < last {
				t.Errorf("%s: a record of frame %d after one of frame %d", filepath.Base(p), r.Frame(), last)
				break
			}
			last = r.Frame()
		}
		if missed := findings.Derive(recs); len(missed) > 0 {
			t.Errorf("%s: %d findings missed, the first %+v", filepath.Base(p), len(missed), *missed[0])
		}
	}
}

// Live output passes records on as they come, derived findings included:
// the same records as reading the file, in the order they were known.
func TestLiveGivesTheSameRecordsAsRead(t *testing.T) {
	for _, p := range []string{"../../captures/lab-session.pcap", retryCapture(t)} {
		lines := func(live bool) []string {
			var buf bytes.Buffer
			w := jsonl.NewWriter(&buf)
			opt := Options{Reveal: true, OnRecord: func(r record.Record) { w.Write(r) }}
			src, err := capfile.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if live {
				_, err = Live(src, "lo", "Ethernet", opt)
			} else {
				_, err = Read(src, opt)
			}
			if err != nil {
				t.Fatal(err)
			}
			w.Flush()
			out := strings.Split(strings.TrimSpace(buf.String()), "\n")
			sort.Strings(out)
			return out
		}
		read, live := lines(false), lines(true)
		if fmt.Sprint(read) != fmt.Sprint(live) {
			t.Errorf("%s: live and read differ:\n%s", filepath.Base(p), recordtest.FirstDiff([]byte(strings.Join(read, "\n")), []byte(strings.Join(live, "\n"))))
		}
	}
}

// Message bytes go back to a pool once analysed, unless records keep them
// (extraction): the records are the same either way, or a buffer was
// reused while something still read it.
func TestPooledMessageBuffersChangeNoRecord(t *testing.T) {
	for _, p := range orderCaptures(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			pooled := streamJSON(t, p, Options{Reveal: true, Workers: 8})
			opt := Options{Reveal: true, Workers: 8}
			opt.Dissect.KeepRaw = true
			kept := streamJSON(t, p, opt)
			if !bytes.Equal(pooled, kept) {
				t.Fatalf("records differ when message bytes are kept:\n%s", recordtest.FirstDiff(kept, pooled))
			}
		})
	}
}
