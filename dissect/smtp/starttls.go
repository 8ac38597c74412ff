package smtp

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/starttls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// startTLS reads the STARTTLS command: the client must now wait for the
// reply, so its next bytes are held.
func (h *handler) startTLS(p *pending) {
	p.kind = kindStartTLS
	h.facts.asked = true
	h.tls = starttls.Request(h.s, record.ProtoSMTP, h.facts.offered, p.cmd.Packet)
	h.mode = modeAwaitTLS
}

// holdTLS moves the client's bytes sent before the STARTTLS reply out of
// the line reader; past the bound the reply is not coming and the bytes
// are read as commands again.
func (h *handler) holdTLS() {
	n := h.client.Buffered()
	if n == 0 {
		return
	}
	b, frame, when := h.client.Take(n)
	if !h.tls.Hold(b, frame, when) {
		h.resumeClear(h.tls.Unanswered(frame))
	}
}

// startTLSReply handles the reply to STARTTLS: 220 hands the rest of the
// conversation to the upgrade; anything else is a refusal.
func (h *handler) startTLSReply(p *pending, r *reply) {
	t := h.tls
	if t == nil || !t.Waiting() {
		return
	}
	switch {
	case r != nil && r.code == "220":
		h.mode = modeTLS
		t.Accept(r.status(), r.frame)
		if n := h.server.Buffered(); n > 0 {
			b, frame, when := h.server.Take(n)
			h.upgradeEvent(&stream.Event{Dir: stream.ServerToClient, Data: b, Frame: frame, Time: when})
		}
	case r == nil && t.LostReply(p.cmd.Packet):
		h.mode = modeTLS
	case r == nil:
		h.facts.refused(p.cmd.Packet, 0)
		h.resumeClear(t.Unanswered(p.cmd.Packet))
	default:
		h.facts.refused(p.cmd.Packet, r.frame)
		h.resumeClear(t.Refuse(r.status(), r.frame))
	}
}

// resumeClear goes back to commands after a STARTTLS that did not
// upgrade: the client bytes it held are read as commands.
func (h *handler) resumeClear(held []byte, frame int64, when time.Time) {
	h.tls = nil
	h.mode = modeCommand
	if len(held) > 0 {
		h.client.Append(held, frame, when)
	}
	h.readClient()
}

// upgradeEvent passes an event after the 220 to the upgrade; when no TLS
// followed, what it gives back is read as SMTP again.
func (h *handler) upgradeEvent(ev *stream.Event) {
	if ev.Dir == stream.ServerToClient {
		// The end of a reply line too long to keep is still the reply.
		if ev = h.server.HandOver(ev); ev == nil {
			return
		}
	}
	replay := h.tls.Event(ev)
	if !h.tls.Plain() {
		return
	}
	h.tls = nil
	h.mode = modeCommand
	for i := range replay {
		h.Handle(&replay[i])
	}
}

// settleTLS reads as SMTP the last client bytes of an upgrade that turned
// out not to be TLS when the conversation ended.
func (h *handler) settleTLS() {
	t := h.tls
	if t == nil {
		return
	}
	if replay := t.Settle(); t.Plain() {
		h.tls = nil
		h.mode = modeCommand
		for i := range replay {
			h.Handle(&replay[i])
		}
		t.Close(time.Time{}, 0)
	}
}

// closeTLS ends the upgrade with the conversation.
func (h *handler) closeTLS(end time.Time, frame int64) {
	if h.tls != nil {
		h.tls.Close(end, frame)
	}
}
