package pop3

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// maxInjection bounds the injected bytes quoted in a record.
const maxInjection = 200

// tlsState follows STLS (RFC 2595) from request to hand-off.
type tlsState struct {
	asked      *pending // STLS waiting for its reply
	started    bool     // the +OK came: every byte now belongs to TLS
	handler    stream.Handler
	rec        *record.StartTLS // reported once the client's first TLS bytes show
	usedWarned bool
}

// waiting reports whether client lines are held back: after STLS nothing
// the client sends before the reply is a POP3 command.
func (t *tlsState) waiting() bool { return t.asked != nil || t.started }

func (t *tlsState) request(p *pending) { t.asked = p }

// maxHeld bounds the client bytes held back while STLS waits for its
// reply.
const maxHeld = 16 << 10

// heldTooLong handles client bytes that arrive while STLS waits: a TLS
// record means the +OK was lost (the client would not start TLS without
// it), and the conversation is handed over; too much cleartext means the
// reply is not coming, and the lines are read again.
func (t *tlsState) heldTooLong(h *handler) bool {
	p := t.asked
	if tls.Looks(h.cli.Peek()) {
		h.s.Warn(p.frame, record.WarnPOP3TLSWithoutReply)
		for i, q := range h.queue {
			if q == p {
				h.queue = append(h.queue[:i], h.queue[i+1:]...)
				break
			}
		}
		h.emitCommand(p, "", "", 0)
		t.asked = nil
		t.started = true
		t.rec = &record.StartTLS{Session: h.s.ID, Proto: proto, Offered: h.capa.offered(),
			Requested: true, Accepted: true, Packet: p.frame}
		t.handOver(h)
		return true
	}
	if h.cli.Buffered() > maxHeld {
		h.s.Warn(p.frame, record.WarnPOP3NoSTLSReply)
		h.emit(&record.StartTLS{Session: h.s.ID, Proto: proto, Offered: h.capa.offered(),
			Requested: true, Packet: p.frame})
		h.s.Security = session.StartTLSFailed
		t.asked = nil
	}
	return false
}

// reply handles the server's answer to STLS.
func (t *tlsState) reply(h *handler, p *pending, ok bool, reply string, frame int64) {
	t.asked = nil
	rec := &record.StartTLS{
		Session: h.s.ID, Proto: proto, Offered: h.capa.offered(),
		Requested: true, Accepted: ok, Reply: reply,
		Packet: p.frame, ReplyPacket: frame,
	}
	if !ok {
		h.s.Security = session.StartTLSFailed
		h.emit(rec)
		h.s.Finding(&record.Finding{
			ID: record.FindingStartTLSRefused, Severity: record.SeverityMedium,
			Title:  "The POP3 server refused STLS",
			Frames: []int64{p.frame, frame},
			Detail: "The client asked to upgrade to TLS and the server answered -ERR: " +
				"if the client carries on, its login and the messages it fetches cross in clear.",
		})
		return
	}
	t.started = true
	t.rec = rec
	t.injection(h, p, frame)
	t.handOver(h)
}

// injection looks at the bytes already buffered when the +OK came: client
// bytes sent after STLS before the reply, and server bytes after its +OK,
// are cleartext that the TLS session will not protect (CVE-2011-0411 and
// kin) unless they are TLS records themselves.
func (t *tlsState) injection(h *handler, p *pending, frame int64) {
	side, data := "client", h.cli.Peek()
	injFrame, _ := h.cli.Frame()
	if len(data) == 0 || tls.Looks(data) {
		side, data = "server", h.srv.Peek()
		injFrame, _ = h.srv.Frame()
	}
	if len(data) == 0 || tls.Looks(data) {
		return
	}
	if len(data) > maxInjection {
		data = data[:maxInjection]
	}
	t.rec.PlaintextInjection = clean(data)
	t.rec.InjectionSide = side
	h.s.Finding(&record.Finding{
		ID: record.FindingStartTLSPlaintextInjection, Severity: record.SeverityHigh,
		Title:  "Cleartext bytes around STLS (" + side + " side)",
		Frames: []int64{p.frame, frame, injFrame},
		Detail: "Bytes sent in clear after STLS and before the TLS handshake are read by " +
			"the other side as if they came through TLS: an attacker on the path can inject " +
			"commands or replies this way.",
	})
}

// handOver gives every byte buffered beyond the +OK to the TLS handler:
// the client's first, as it sent them before the reply. Cleartext already
// reported as injection is not TLS and is dropped.
func (t *tlsState) handOver(h *handler) {
	for _, r := range []struct {
		dir  stream.Direction
		data []byte
	}{{stream.ClientToServer, h.cli.Peek()}, {stream.ServerToClient, h.srv.Peek()}} {
		if len(r.data) == 0 || !tls.Looks(r.data) {
			continue
		}
		reader := h.cli
		if r.dir == stream.ServerToClient {
			reader = h.srv
		}
		frame, at := reader.Frame()
		data, _, _ := reader.Take(len(r.data))
		t.forward(h, &stream.Event{Dir: r.dir, Data: data, Frame: frame, Time: at})
	}
}

// forwardTLS hands an event of the upgraded conversation to TLS.
func (h *handler) forwardTLS(ev *stream.Event) { h.tls.forward(h, ev) }

func (t *tlsState) forward(h *handler, ev *stream.Event) {
	if t.handler == nil {
		if len(ev.Data) == 0 {
			return
		}
		t.handler = h.s.TLS(ev.Frame)
	}
	if t.rec != nil && ev.Dir == stream.ClientToServer && len(ev.Data) > 0 {
		t.seen(h, tls.Looks(ev.Data), ev.Frame)
	}
	t.handler.Handle(ev)
}

// seen reports the STLS record once the client's first bytes after the
// +OK show whether a TLS handshake followed.
func (t *tlsState) seen(h *handler, isTLS bool, frame int64) {
	t.rec.TLSSeen = isTLS
	if isTLS {
		t.rec.TLSPacket = frame
		h.s.Security = session.StartTLS
	} else {
		h.s.Security = session.StartTLSFailed
	}
	h.emit(t.rec)
	t.rec = nil
}

// close ends the TLS part and reports an STLS whose handshake never came.
func (t *tlsState) close(h *handler, end time.Time, frame int64) {
	if t.asked != nil {
		h.emit(&record.StartTLS{Session: h.s.ID, Proto: proto, Offered: h.capa.offered(),
			Requested: true, Packet: t.asked.frame})
		h.s.Security = session.StartTLSFailed
	}
	if t.rec != nil {
		h.s.Security = session.StartTLSFailed
		h.emit(t.rec)
		t.rec = nil
	}
	if t.handler != nil {
		t.handler.Close(end, frame)
	}
}

// credentialInClear raises starttls-not-used when a login goes in clear
// although the server offered STLS.
func (t *tlsState) credentialInClear(h *handler, frame int64) {
	if t.usedWarned || !h.capa.stls || h.s.Security == session.StartTLS {
		return
	}
	t.usedWarned = true
	h.s.Finding(&record.Finding{
		ID: record.FindingStartTLSNotUsed, Severity: record.SeverityHigh,
		Title:  "POP3 login in clear although the server offered STLS",
		Frames: []int64{h.capa.frame, frame},
		Detail: "The server listed STLS in its capabilities but the client logged in " +
			"without upgrading: anyone on the path reads the credentials.",
	})
}
