package smtp

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

// transcript turns a capture's SMTP conversations into fuzz input: each
// event's bytes, server ones prefixed so that split sends them back the
// same way.
type transcript struct{ buf bytes.Buffer }

func (t *transcript) NewConversation(flow stream.Flow, mid bool, start time.Time, frame int64) stream.Handler {
	if !smtpPorts[flow.Server.Port()] {
		return discard{}
	}
	return t
}
func (t *transcript) Datagram(*stream.Datagram) {}
func (t *transcript) Close(time.Time, int64)    {}
func (t *transcript) Handle(ev *stream.Event) {
	if ev.Dir == stream.ServerToClient {
		t.buf.WriteByte(fuzzServer)
	} else {
		t.buf.WriteByte(fuzzClient)
	}
	t.buf.Write(ev.Data)
}

// Markers of the fuzz input: each starts an event of that direction; a
// gap marker starts a client gap of the following byte's value.
const (
	fuzzClient = 0xF0
	fuzzServer = 0xF1
	fuzzGap    = 0xF2
)

// split cuts fuzz input into events at the markers. Input without markers
// alternates direction at every line end, so that any text is a dialogue.
func split(data []byte) []stream.Event {
	var evs []stream.Event
	dir := stream.ClientToServer
	gap := 0
	start := 0
	flush := func(end int) {
		if end > start || gap > 0 {
			evs = append(evs, stream.Event{Dir: dir, Data: data[start:end], Gap: gap, Frame: int64(len(evs) + 1)})
		}
		gap = 0
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case fuzzClient, fuzzServer:
			flush(i)
			dir = stream.ClientToServer
			if data[i] == fuzzServer {
				dir = stream.ServerToClient
			}
			start = i + 1
		case fuzzGap:
			flush(i)
			if i+1 < len(data) {
				gap = int(data[i+1]) + 1
				i++
			}
			start = i + 1
		case '\n':
			if !bytes.ContainsAny(data, "\xf0\xf1") {
				flush(i + 1)
				dir ^= 1
				start = i + 1
			}
		}
	}
	flush(len(data))
	return evs
}

func FuzzSMTP(f *testing.F) {
	f.Add([]byte("220 mx ESMTP\r\nEHLO me\r\n" + ehloReply + "MAIL FROM:<a@b>\r\n250 ok\r\nRCPT TO:<c@d>\r\n250 ok\r\nDATA\r\n354 go\r\nSubject: x\r\n\r\n..dot\r\n.\r\n250 ok\r\n"))
	f.Add([]byte("\xf1220 mx\r\n\xf0EHLO me\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT 5 LAST\r\nabcde\xf1250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n"))
	f.Add([]byte("\xf0AUTH LOGIN\r\n\xf1334 VXNlcm5hbWU6\r\n\xf0dGlt\r\n\xf1334 UGFzc3dvcmQ6\r\n\xf0*\r\n\xf1501 abort\r\n"))
	f.Add([]byte("\xf0STARTTLS\r\nRSET\r\n\xf1220 go\r\n250 injected\r\n\xf0\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"))
	f.Add([]byte("\xf0DATA\r\n\xf1354 go\r\n\xf0Subject: x\r\n\xf2\x20tail\r\n.\r\n\xf1250 ok\r\n"))
	files, _ := filepath.Glob("../../captures/smtp*.pcap")
	for _, file := range files {
		src, err := capfile.Open(file)
		if err != nil {
			continue
		}
		tr := &transcript{}
		reassembly.Run(src, tr, reassembly.DefaultOptions())
		src.Close()
		f.Add(tr.buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		evs := split(data)
		recs := fuzzRun(evs)
		// Where TCP cut the bytes must not matter: the same events,
		// cut into 3-byte pieces of the same frames, give the same
		// records.
		if a, b := recordtest.JSONL(t, recs), recordtest.JSONL(t, fuzzRun(streamtest.Pieces(evs, 3))); string(a) != string(b) {
			t.Fatalf("records depend on where segments end:\nwhole events:\n%s\n3-byte pieces:\n%s", a, b)
		}
		for _, r := range recs {
			for _, v := range texts(r) {
				if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Fatalf("%s field holds raw bytes: %q", r.Kind(), v)
				}
			}
		}
	})
}

func fuzzRun(evs []stream.Event) []record.Record {
	lim := session.DefaultLimits()
	lim.MaxLine = 256
	lim.MaxMessage = 1024
	var recs []record.Record
	s := session.New("s1", stream.Flow{}, lim, func(r record.Record) { recs = append(recs, r) },
		func(*session.Session) stream.Handler { return discard{} })
	h := New(s)
	for _, ev := range evs {
		h.Handle(&ev)
	}
	h.Close(time.Time{}, 1)
	return recs
}

// texts lists the string fields this package fills from the wire.
func texts(r record.Record) []string {
	switch v := r.(type) {
	case *record.Command:
		return []string{v.Verb, v.Args, v.Reply}
	case *record.StartTLS:
		return []string{v.Reply, v.PlaintextInjection}
	case *record.Credential:
		return []string{v.Reply}
	case *record.Message:
		return append([]string{v.EnvelopeFrom}, v.EnvelopeTo...)
	case *record.Finding:
		return []string{v.Detail}
	}
	return nil
}
