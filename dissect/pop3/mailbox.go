package pop3

import (
	"bytes"
	"strconv"

	"github.com/mailwire/mailwire/dissect/record"
)

// maxEvents bounds the events kept for the mailbox record.
const maxEvents = 100

// mailbox follows what the session did to the maildrop: its size from
// STAT, and deletions, which POP3 only commits when QUIT succeeds
// (RFC 1939 section 6): DELE marks, RSET unmarks, a connection lost
// before QUIT deletes nothing.
type mailbox struct {
	used    bool
	frame   int64
	exists  *int64
	events  []string
	marked  int
	dropped int
	done    bool
}

func (b *mailbox) event(frame int64, e string) {
	if !b.used {
		b.used, b.frame = true, frame
	}
	if len(b.events) >= maxEvents {
		b.dropped++
		return
	}
	b.events = append(b.events, e)
}

// reply notes what a successful command did to the maildrop.
func (b *mailbox) reply(h *handler, p *pending, ok bool, text []byte, frame int64) {
	if !ok {
		return
	}
	switch p.verb {
	case "STAT":
		n, _ := cut(text)
		if v, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			if !b.used {
				b.used, b.frame = true, frame
			}
			b.exists = record.Int(v)
		}
	case "DELE":
		b.marked++
		b.event(frame, "DELE "+clean(bytes.TrimSpace(p.arg))+" (removed at QUIT)")
	case "RSET":
		if b.marked > 0 {
			b.event(frame, "RSET: deletions undone")
			b.marked = 0
		}
	case "QUIT":
		if b.marked > 0 {
			b.event(frame, "QUIT: deletions committed")
			b.marked = 0
		}
		b.close(h, frame)
	}
}

// close reports the mailbox once, at QUIT or at the end of the session.
func (b *mailbox) close(h *handler, frame int64) {
	if !b.used || b.done {
		return
	}
	b.done = true
	if b.marked > 0 {
		b.event(frame, "session ended without QUIT: deletions not committed")
	}
	if b.dropped > 0 {
		b.events = append(b.events, strconv.Itoa(b.dropped)+" more events not listed")
	}
	h.emit(&record.Mailbox{
		Session: h.s.ID,
		Name:    "INBOX",
		Packet:  b.frame,
		Exists:  b.exists,
		Events:  b.events,
	})
}
