package pop3

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/starttls"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// tlsState follows STLS (RFC 2595) through the shared upgrade.
type tlsState struct {
	asked      *pending // STLS waiting for its reply
	up         *starttls.Upgrade
	usedWarned bool
}

// waiting reports whether client lines are held back: after STLS nothing
// the client sends before the reply is a POP3 command, and after an
// accepting reply the upgrade decides.
func (t *tlsState) waiting() bool { return t.asked != nil || t.active() }

// active reports whether events go to the upgrade rather than to POP3.
func (t *tlsState) active() bool { return t.up != nil && t.up.Active() }

func (t *tlsState) request(h *handler, p *pending) {
	t.asked = p
	t.up = starttls.Request(h.s, proto, h.capa.offered(), p.frame)
}

// holdClient handles client bytes that arrive while STLS waits: a TLS
// record is held for the upgrade (an impatient client, or a +OK the
// capture lost: the server's next bytes tell which); too much cleartext
// means the reply is not coming, and the lines are read again.
func (t *tlsState) holdClient(h *handler) bool {
	if t.up.HeldTLS() || tls.Looks(h.cli.Peek()) {
		t.takeClient(h)
		return true
	}
	if h.cli.Buffered() > starttls.MaxHold {
		p := t.asked
		t.asked = nil
		t.up.Unanswered(p.frame)
		t.up = nil
	}
	return false
}

// serverTLS hands the conversation to TLS when, while the reply to STLS
// is awaited, both sides speak TLS: the +OK was not captured (a client
// starts TLS only once the server agreed). It reports whether it did.
func (t *tlsState) serverTLS(h *handler) bool {
	if t.asked == nil || !t.up.HeldTLS() || !tls.Looks(h.srv.Peek()) {
		return false
	}
	t.replyLost(h)
	frame, at := h.srv.Frame()
	b, _, _ := h.srv.Take(h.srv.Buffered())
	h.forwardTLS(&stream.Event{Dir: stream.ServerToClient, Data: b, Frame: frame, Time: at})
	return true
}

// replyLost ends STLS without its reply and hands the held client bytes
// to TLS.
func (t *tlsState) replyLost(h *handler) {
	p := t.asked
	for i, q := range h.queue {
		if q == p {
			h.queue = append(h.queue[:i], h.queue[i+1:]...)
			break
		}
	}
	h.emitCommand(p, "", "", 0)
	t.asked = nil
	t.up.LostReply(p.frame)
}

// takeClient moves the client bytes buffered since STLS to the upgrade.
func (t *tlsState) takeClient(h *handler) {
	if n := h.cli.Buffered(); n > 0 {
		frame, at := h.cli.Frame()
		b, _, _ := h.cli.Take(n)
		t.up.Hold(b, frame, at)
	}
}

// reply handles the server's answer to STLS.
func (t *tlsState) reply(h *handler, p *pending, ok bool, reply string, frame int64) {
	t.asked = nil
	if !ok {
		t.up.Refuse(reply, frame)
		t.up = nil
		h.s.Finding(&record.Finding{
			ID: record.FindingStartTLSRefused, Severity: record.SeverityMedium,
			Frames: []int64{p.frame, frame},
			Args:   map[string]string{"variant": "pop3"},
		})
		return
	}
	t.takeClient(h)
	t.up.Accept(reply, frame)
	if n := h.srv.Buffered(); n > 0 {
		frame, at := h.srv.Frame()
		b, _, _ := h.srv.Take(n)
		h.forwardTLS(&stream.Event{Dir: stream.ServerToClient, Data: b, Frame: frame, Time: at})
	}
}

// forwardTLS hands an event after the +OK to the upgrade; when no TLS
// followed, what it gives back is read as POP3 again.
func (h *handler) forwardTLS(ev *stream.Event) {
	if ev.Dir == stream.ServerToClient {
		// The end of a reply line too long to keep is still the reply.
		if ev = h.srv.HandOver(ev); ev == nil {
			return
		}
	}
	up := h.tls.up
	replay := up.Event(ev)
	if !up.Plain() {
		return
	}
	h.tls.up = nil
	for i := range replay {
		h.Handle(&replay[i])
	}
}

// settle reads as POP3 the last client bytes of an upgrade that turned out
// not to be TLS when the conversation ended.
func (t *tlsState) settle(h *handler) {
	up := t.up
	if up == nil {
		return
	}
	if t.asked != nil && up.HeldTLS() {
		// The client went on in TLS and the +OK never showed.
		t.replyLost(h)
	}
	if replay := up.Settle(); up.Plain() {
		t.up = nil
		for i := range replay {
			h.Handle(&replay[i])
		}
		up.Close(time.Time{}, 0)
	}
}

// close ends the upgrade with the conversation.
func (t *tlsState) close(end time.Time, frame int64) {
	if t.up != nil {
		t.up.Close(end, frame)
	}
}

// credentialInClear raises starttls-not-used when a login goes in clear
// although the server offered STLS.
func (t *tlsState) credentialInClear(h *handler, frame int64) {
	if t.usedWarned || !h.capa.stls || h.s.Security() == session.StartTLS {
		return
	}
	t.usedWarned = true
	h.s.Finding(&record.Finding{
		ID: record.FindingStartTLSNotUsed, Severity: record.SeverityHigh,
		Frames: []int64{h.capa.frame, frame},
		Args:   map[string]string{"variant": "pop3"},
	})
}
