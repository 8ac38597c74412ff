package smtp

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// maxInjection bounds the injected bytes quoted in a record.
const maxInjection = 256

// tlsState is one STARTTLS attempt, from the command to the first bytes
// of TLS.
type tlsState struct {
	rec record.StartTLS
	// held are the client bytes sent after STARTTLS before its reply.
	held      []byte
	heldLen   int64
	heldFrame int64
	heldTime  time.Time
	// serverInjected are server bytes after the 220 before any TLS.
	serverInjected []byte
	serverFrame    int64
	serverTLS      bool
	clientSeen     bool
	emitted        bool
	handler        stream.Handler
}

// startTLS reads the STARTTLS command: the client must now wait for the
// reply, so its next bytes are held.
func (h *handler) startTLS(p *pending) {
	p.kind = kindStartTLS
	h.facts.asked = true
	h.tls = &tlsState{rec: record.StartTLS{
		Session:   h.s.ID,
		Proto:     record.ProtoSMTP,
		Offered:   h.facts.offered,
		Requested: true,
		Packet:    p.cmd.Packet,
	}}
	h.mode = modeAwaitTLS
}

// holdTLS moves the client's bytes sent before the STARTTLS reply out of
// the line reader, keeping at most maxHold of them.
func (h *handler) holdTLS() {
	t := h.tls
	n := h.client.Buffered()
	if n == 0 {
		return
	}
	b, frame, when := h.client.Take(n)
	if t.heldFrame == 0 {
		t.heldFrame, t.heldTime = frame, when
	}
	t.heldLen += int64(len(b))
	if room := maxHold - len(t.held); room > 0 {
		if len(b) > room {
			b = b[:room]
		}
		t.held = append(t.held, b...)
	}
}

// startTLSReply handles the reply to STARTTLS: 220 hands the rest of the
// conversation to TLS; anything else is a refusal.
func (h *handler) startTLSReply(p *pending, r *reply) {
	t := h.tls
	if r != nil {
		t.rec.Reply = r.status()
		t.rec.ReplyPacket = r.frame
	}
	if (r != nil && r.code == "220") || (r == nil && tls.Looks(t.held)) {
		t.rec.Accepted = r != nil
		h.takeOver()
		return
	}
	h.facts.refused(p.cmd.Packet, t.rec.ReplyPacket)
	h.emitStartTLS()
	h.tls = nil
	h.mode = modeCommand
	if len(t.held) > 0 {
		// The client went on without waiting: read it as commands.
		h.client.Append(t.held, t.heldFrame, t.heldTime)
	}
	h.readClient()
}

// takeOver switches the conversation to TLS at the byte after the 220:
// client bytes held before it are either an impatient ClientHello or
// injected cleartext; server bytes after it belong to TLS.
func (h *handler) takeOver() {
	t := h.tls
	h.mode = modeTLS
	if len(t.held) > 0 {
		if tls.Looks(t.held) {
			h.tlsEvent(&stream.Event{Dir: stream.ClientToServer, Data: t.held, Frame: t.heldFrame, Time: t.heldTime})
		} else {
			t.rec.PlaintextInjection = clean(t.held, maxInjection)
			t.rec.InjectionSide = "client"
		}
	}
	if n := h.server.Buffered(); n > 0 {
		b, frame, when := h.server.Take(n)
		h.tlsEvent(&stream.Event{Dir: stream.ServerToClient, Data: b, Frame: frame, Time: when})
	}
}

// tlsEvent passes an event after the 220 to TLS, watching the first bytes
// of each side: a ClientHello, or cleartext injected by the server.
func (h *handler) tlsEvent(ev *stream.Event) {
	t := h.tls
	if ev.Dir == stream.ClientToServer && !t.clientSeen && len(ev.Data) > 0 {
		t.clientSeen = true
		t.rec.TLSSeen = tls.Looks(ev.Data)
		t.rec.TLSPacket = ev.Frame
		h.emitStartTLS()
	}
	if ev.Dir == stream.ServerToClient && !t.clientSeen && !t.serverTLS && len(ev.Data) > 0 {
		if tls.Looks(ev.Data) {
			t.serverTLS = true
		} else if len(t.serverInjected) < maxInjection {
			if t.serverFrame == 0 {
				t.serverFrame = ev.Frame
			}
			t.serverInjected = append(t.serverInjected, ev.Data[:min(len(ev.Data), maxInjection-len(t.serverInjected))]...)
		}
	}
	h.toTLS(ev)
}

func (h *handler) toTLS(ev *stream.Event) {
	t := h.tls
	if t.handler == nil {
		t.handler = h.s.TLS(ev.Frame)
	}
	t.handler.Handle(ev)
}

// emitStartTLS reports the attempt once, with the session's security and
// the injection finding it implies.
func (h *handler) emitStartTLS() {
	t := h.tls
	if t.emitted {
		return
	}
	t.emitted = true
	if len(t.serverInjected) > 0 && t.rec.InjectionSide == "" {
		t.rec.PlaintextInjection = clean(t.serverInjected, maxInjection)
		t.rec.InjectionSide = "server"
	}
	switch {
	case t.rec.Accepted && t.rec.TLSSeen:
		h.s.Security = session.StartTLS
	case h.s.Security != session.StartTLS:
		h.s.Security = session.StartTLSFailed
	}
	rec := t.rec
	h.emit(&rec)
	if len(t.held) > 0 && t.rec.InjectionSide == "client" {
		h.injection(t, "client", t.heldFrame, t.held)
	}
	if len(t.serverInjected) > 0 {
		h.injection(t, "server", t.serverFrame, t.serverInjected)
	}
}

// closeTLS ends the TLS part, reporting an accepted STARTTLS that no TLS
// followed.
func (h *handler) closeTLS(end time.Time, frame int64) {
	t := h.tls
	if t == nil {
		return
	}
	h.emitStartTLS()
	if t.handler != nil {
		t.handler.Close(end, frame)
	}
}
