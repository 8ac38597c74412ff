package smtp

import (
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// benchSession is a session of n messages of about 64 KiB each, pipelined,
// in 1460-byte segments as TCP carries them.
func benchSession(n int) []stream.Event {
	var conv []step
	conv = append(conv, s(greeting), c("EHLO me\r\n"), s(ehloReply))
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 2) + "\r\n"
	body := "From: a@x.org\r\nTo: b@y.org\r\nSubject: bench\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat(line, 64<<10/len(line)) + ".\r\n"
	for i := 0; i < n; i++ {
		conv = append(conv, c("MAIL FROM:<a@x.org>\r\nRCPT TO:<b@y.org>\r\nDATA\r\n"), s("250 ok\r\n250 ok\r\n354 go\r\n"))
		for rest := body; len(rest) > 0; {
			k := min(1460, len(rest))
			conv = append(conv, c(rest[:k]))
			rest = rest[k:]
		}
		conv = append(conv, s("250 ok: queued\r\n"))
	}
	var evs []stream.Event
	for i, st := range conv {
		evs = append(evs, stream.Event{Dir: st.dir, Data: []byte(st.data), Frame: int64(i + 1)})
	}
	return evs
}

func BenchmarkSMTP(b *testing.B) {
	evs := benchSession(16)
	var size int64
	for _, ev := range evs {
		size += int64(len(ev.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		h := New(s)
		for i := range evs {
			h.Handle(&evs[i])
		}
		h.Close(time.Time{}, int64(len(evs)))
	}
}
