package imap

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/starttls"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// tlsState is one STARTTLS attempt: the command it answers and the shared
// upgrade that follows it.
type tlsState struct {
	cmd *command
	up  *starttls.Upgrade
}

// requestStartTLS starts a STARTTLS attempt; the client's next bytes are
// held until the server answers.
func (h *Handler) requestStartTLS(c *command) {
	h.asked = true
	h.tls = &tlsState{cmd: c, up: starttls.Request(h.s, Proto, h.offered(), c.rec.Packet)}
	h.holdFor = c
}

// upgrading reports whether the bytes that follow belong to the upgrade
// (TLS, or the client's first bytes that will tell) rather than to IMAP.
func (h *Handler) upgrading() bool { return h.tls != nil && h.tls.up.Active() }

// startTLSReply applies the tagged reply to STARTTLS.
func (h *Handler) startTLSReply(c *command, st status, u *unit) {
	ts := h.tls
	if ts == nil || ts.cmd != c || !ts.up.Waiting() {
		return
	}
	reply := clean([]byte(st.word + " " + st.reply))
	if st.word != "OK" {
		ts.up.Refuse(reply, u.frame)
		h.tls = nil
		h.raise(&record.Finding{
			ID:       record.FindingStartTLSRefused,
			Severity: record.SeverityMedium,
			Frames:   []int64{c.rec.Packet, u.frame},
			Args:     map[string]string{"variant": "imap", "word": st.word},
		})
		h.release()
		return
	}
	ts.up.Hold(h.hold, h.holdFrame, time.Time{})
	h.hold, h.holdFor = nil, nil
	ts.up.Accept(reply, u.frame)
}

// unanswered gives up a STARTTLS whose reply was lost while the client
// went on in clear.
func (h *Handler) unanswered(frame int64) {
	if h.tls != nil && h.tls.up.Waiting() {
		h.tls.up.Unanswered(frame)
		h.tls = nil
	}
}

// lostReply hands the conversation to TLS when the client bytes held
// after STARTTLS start a TLS record and the reply is still awaited: the
// server's OK was not captured, but a client starts TLS only after it.
// STARTTLS is reported without its reply. It is asked when the server's
// TLS shows, or when the conversation ends: an impatient client's hello
// can come before an OK that was captured.
func (h *Handler) lostReply() bool {
	ts := h.tls
	if ts == nil || ts.cmd != h.holdFor || !ts.up.TLSWithoutReply(h.hold, h.holdFrame, time.Time{}) {
		return false
	}
	h.hold, h.holdFor = nil, nil
	if c := h.takePending(ts.cmd.tag); c != nil {
		h.s.Emit(&c.rec)
	}
	return true
}

// lostReplyShown reports whether ev, server bytes that start a TLS record
// while STARTTLS waits for its reply, shows the reply was lost; the
// conversation is then TLS (lostReply).
func (h *Handler) lostReplyShown(ev *stream.Event) bool {
	if ev.Dir != stream.ServerToClient || h.tls == nil || !h.tls.up.Waiting() || !tls.Looks(ev.Data) {
		return false
	}
	return h.lostReply()
}

// upgradeEvent passes an event after the tagged OK to the upgrade; when no
// TLS followed, what it gives back is read as IMAP again.
func (h *Handler) upgradeEvent(ev *stream.Event) {
	if ev.Dir == stream.ServerToClient {
		// The end of a response line too long to keep is still the
		// response.
		if ev = h.server.r.HandOver(ev); ev == nil {
			return
		}
	}
	up := h.tls.up
	replay := up.Event(ev)
	if !up.Plain() {
		return
	}
	h.tls = nil
	for i := range replay {
		h.Handle(&replay[i])
	}
}

// settleStartTLS reads as IMAP the last client bytes of an upgrade that
// turned out not to be TLS when the conversation ended.
func (h *Handler) settleStartTLS() {
	if h.tls == nil {
		return
	}
	up := h.tls.up
	if replay := up.Settle(); up.Plain() {
		h.tls = nil
		for i := range replay {
			h.Handle(&replay[i])
		}
		up.Close(time.Time{}, 0)
	}
}

// closeStartTLS ends the attempt with the conversation.
func (h *Handler) closeStartTLS(end time.Time, frame int64) {
	if h.tls != nil {
		h.tls.up.Close(end, frame)
	}
}
