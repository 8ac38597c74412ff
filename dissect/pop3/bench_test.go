package pop3

import (
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// BenchmarkPOP3 measures a session that logs in and fetches ten messages
// of about 100 KB in 1460-byte segments, as a real download arrives.
func BenchmarkPOP3(b *testing.B) {
	body := "From: a@example.org\r\nTo: b@example.org\r\nSubject: bench\r\n\r\n" +
		strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n", 1400)
	var events []stream.Event
	add := func(dir stream.Direction, s string) {
		for len(s) > 0 {
			n := min(len(s), 1460)
			events = append(events, stream.Event{Dir: dir, Data: []byte(s[:n]), Frame: int64(len(events) + 1)})
			s = s[n:]
		}
	}
	add(stream.ServerToClient, greeting)
	add(stream.ClientToServer, "USER bob\r\n")
	add(stream.ServerToClient, "+OK\r\n")
	add(stream.ClientToServer, "PASS secret\r\n")
	add(stream.ServerToClient, "+OK\r\n")
	for i := 0; i < 10; i++ {
		add(stream.ClientToServer, "RETR 1\r\n")
		add(stream.ServerToClient, "+OK\r\n"+body+".\r\n")
	}
	add(stream.ClientToServer, "QUIT\r\n")
	add(stream.ServerToClient, "+OK\r\n")
	var size int64
	for _, e := range events {
		size += int64(len(e.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		h := New(s)
		for i := range events {
			h.Handle(&events[i])
		}
		h.Close(events[0].Time, int64(len(events)))
	}
}
