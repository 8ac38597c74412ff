package imap

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// segments cuts b into TCP-sized events.
func segments(dir stream.Direction, b []byte, frame *int64) []stream.Event {
	var evs []stream.Event
	for len(b) > 0 {
		n := min(1448, len(b))
		evs = append(evs, stream.Event{Dir: dir, Data: b[:n], Frame: *frame})
		*frame++
		b = b[n:]
	}
	return evs
}

func benchConversation(b *testing.B, evs []stream.Event) {
	var size int64
	for _, ev := range evs {
		size += int64(len(ev.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		s := session.New("b", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		h := New(s)
		for j := range evs {
			h.Handle(&evs[j])
		}
		h.Close(time.Time{}, 0)
	}
	// MB/s of CPU time too: on a shared machine wall time says more
	// about the neighbours than about the parser.
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

// cpuTime is the CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFetchHeavy is a client reading 200 messages of 20 KB whole.
func BenchmarkFetchHeavy(b *testing.B) {
	msg, _ := gifMessage()
	msg += strings.Repeat("a line of body text that pads the message out\r\n", 400)
	var server strings.Builder
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&server, "* %d FETCH (UID %d FLAGS (\\Seen) BODY[] %s)\r\n", i, i+100, lit(msg))
	}
	server.WriteString("a OK Fetch completed.\r\n")
	frame := int64(1)
	evs := segments(stream.ClientToServer, []byte("a FETCH 1:200 (UID FLAGS BODY.PEEK[])\r\n"), &frame)
	evs = append(evs, segments(stream.ServerToClient, []byte(server.String()), &frame)...)
	benchConversation(b, evs)
}

// BenchmarkCommands is a chatty session: many small commands and replies.
func BenchmarkCommands(b *testing.B) {
	var evs []stream.Event
	frame := int64(1)
	for i := 0; i < 2000; i++ {
		evs = append(evs, segments(stream.ClientToServer, []byte(fmt.Sprintf("a%d UID STORE %d +FLAGS.SILENT (\\Seen)\r\n", i, i)), &frame)...)
		evs = append(evs, segments(stream.ServerToClient, []byte(fmt.Sprintf("* %d FETCH (FLAGS (\\Seen) UID %d)\r\na%d OK Store completed.\r\n", i, i, i)), &frame)...)
	}
	benchConversation(b, evs)
}

// BenchmarkHeaderListing is a client listing 1000 messages' headers.
func BenchmarkHeaderListing(b *testing.B) {
	hdr := "Date: Thu, 11 Nov 1999 08:36:54 -0600\r\nFrom: \"Uetrecht, Daniel J.\" <uetrecht@umr.edu>\r\nSubject: RE: pipes\r\nTo: nneul@umr.edu\r\n\r\n"
	var server strings.Builder
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&server, "* %d FETCH (FLAGS (\\Seen) RFC822.SIZE 2059 BODY[HEADER.FIELDS (DATE FROM SUBJECT TO)] %s)\r\n", i, lit(hdr))
	}
	server.WriteString("a OK done\r\n")
	frame := int64(1)
	evs := segments(stream.ClientToServer, []byte("a FETCH 1:1000 (FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT TO)])\r\n"), &frame)
	evs = append(evs, segments(stream.ServerToClient, []byte(server.String()), &frame)...)
	benchConversation(b, evs)
}
