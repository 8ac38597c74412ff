package imap

import (
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// tlsState is one STARTTLS attempt.
type tlsState struct {
	rec      *record.StartTLS
	cmd      *command
	accepted bool           // tagged OK seen, TLS expected next
	handler  stream.Handler // set from the first byte after the OK
	emitted  bool
}

// requestStartTLS starts a STARTTLS attempt; the client's next bytes are
// held until the server answers.
func (h *Handler) requestStartTLS(c *command) {
	h.asked = true
	h.tls = &tlsState{cmd: c, rec: &record.StartTLS{
		Session:   h.s.ID,
		Proto:     Proto,
		Offered:   h.offered(),
		Requested: true,
		Packet:    c.rec.Packet,
	}}
	h.holdFor = c
}

// startTLSReply applies the tagged reply to STARTTLS.
func (h *Handler) startTLSReply(c *command, st status, u *unit) {
	ts := h.tls
	if ts == nil || ts.cmd != c {
		return
	}
	ts.rec.Reply = clean([]byte(st.word + " " + st.reply))
	ts.rec.ReplyPacket = u.frame
	if st.word != "OK" {
		h.s.Security = session.StartTLSFailed
		h.emitStartTLS()
		h.tls = nil
		h.raise(&record.Finding{
			ID:       record.FindingStartTLSRefused,
			Severity: record.SeverityMedium,
			Title:    "Server refused STARTTLS",
			Frames:   []int64{c.rec.Packet, u.frame},
			Detail: "The client asked to encrypt the connection and the server said " + st.word +
				": whatever follows on this connection, credentials included, crosses in clear.",
		})
		h.release()
		return
	}
	ts.rec.Accepted = true
	ts.accepted = true
	held, frame := h.hold, h.holdFrame
	h.hold, h.holdFor = nil, nil
	if len(held) == 0 {
		return
	}
	if tls.Looks(held) {
		// The client did not wait for the OK: its handshake is here.
		h.startTLS(frame)
		h.tls.handler.Handle(&stream.Event{Dir: stream.ClientToServer, Data: held, Frame: frame})
		return
	}
	h.injection(held, frame, "client", c.rec.Packet)
}

// serverAfterStartTLS takes the server bytes that followed its tagged OK
// in the same read: TLS can only start after the client's hello, so bytes
// here are injected cleartext unless they look like TLS.
func (h *Handler) serverAfterStartTLS(b []byte, frame int64) {
	if !tls.Looks(b) {
		h.injection(b, frame, "server", h.tls.rec.ReplyPacket)
	}
	if h.tls.handler == nil {
		h.startTLS(frame)
	}
	h.tls.handler.Handle(&stream.Event{Dir: stream.ServerToClient, Data: b, Frame: frame})
}

// injection reports cleartext bytes where only TLS may come.
func (h *Handler) injection(b []byte, frame int64, side string, cause int64) {
	rec := h.tls.rec
	if rec.PlaintextInjection == "" {
		rec.PlaintextInjection = clean(b)
		rec.InjectionSide = side
	}
	who := "client sent commands after STARTTLS before the server's reply"
	if side == "server" {
		who = "server sent data after its STARTTLS reply, before the TLS handshake"
	}
	h.raise(&record.Finding{
		ID:       record.FindingStartTLSPlaintextInjection,
		Severity: record.SeverityHigh,
		Title:    "Cleartext data around STARTTLS: the " + who,
		Frames:   []int64{cause, frame},
		Detail: "Bytes sent in clear between the STARTTLS command and the start of TLS may be buffered and then " +
			"treated as if they came over the encrypted connection (CVE-2011-0411 style command injection); " +
			"an attacker on the path can inject commands or responses there.",
		Args: map[string]string{"side": side},
	})
}

// startTLS hands the conversation to the TLS dissector from frame on.
func (h *Handler) startTLS(frame int64) {
	h.tls.handler = h.s.TLS(frame)
	h.s.Security = session.StartTLS
	h.tls.rec.TLSSeen = true
	h.tls.rec.TLSPacket = frame
	h.emitStartTLS()
}

func (h *Handler) emitStartTLS() {
	if h.tls == nil || h.tls.emitted {
		return
	}
	h.tls.emitted = true
	h.s.Emit(h.tls.rec)
}

// closeStartTLS reports an accepted STARTTLS that no TLS followed.
func (h *Handler) closeStartTLS() {
	if h.tls == nil || h.tls.emitted {
		return
	}
	if h.s.Security == session.Cleartext {
		// Accepted but never followed by TLS, or never answered.
		h.s.Security = session.StartTLSFailed
	}
	h.emitStartTLS()
}
