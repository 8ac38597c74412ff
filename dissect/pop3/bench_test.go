package pop3

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// segments cuts a conversation into 1460-byte events, as a real one
// arrives.
func segments(script []ev) []stream.Event {
	var events []stream.Event
	for _, e := range script {
		dir := stream.ClientToServer
		if e.dir == 'S' {
			dir = stream.ServerToClient
		}
		for s := e.data; len(s) > 0; {
			n := min(len(s), 1460)
			events = append(events, stream.Event{Dir: dir, Data: []byte(s[:n]), Frame: int64(len(events) + 1)})
			s = s[n:]
		}
	}
	return events
}

func runEvents(b *testing.B, events []stream.Event) {
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

// BenchmarkPOP3Listing measures the dissector alone, without message
// analysis: a client that lists and checks a 5000-message maildrop.
func BenchmarkPOP3Listing(b *testing.B) {
	var list, uidl strings.Builder
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&list, "%d %d\r\n", i, 1000+i)
		fmt.Fprintf(&uidl, "%d 000%08dabcdef\r\n", i, i)
	}
	script := []ev{S(greeting), C("USER bob\r\n"), S("+OK\r\n"), C("PASS secret\r\n"), S("+OK\r\n"),
		C("LIST\r\n"), S("+OK\r\n" + list.String() + ".\r\n"), C("UIDL\r\n"), S("+OK\r\n" + uidl.String() + ".\r\n")}
	for i := 1; i <= 500; i++ {
		script = append(script, C(fmt.Sprintf("LIST %d\r\n", i)), S(fmt.Sprintf("+OK %d %d\r\n", i, 1000+i)))
	}
	runEvents(b, segments(append(script, C("QUIT\r\n"), S("+OK\r\n"))))
}

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
