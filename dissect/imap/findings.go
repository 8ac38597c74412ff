package imap

import (
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

// greeting reads the server's first response: its capabilities, and
// PREAUTH (the session starts authenticated, where STARTTLS is no longer
// allowed, so the connection can never be upgraded).
func (h *Handler) greeting(u *unit, st status) {
	if st.word != "PREAUTH" {
		return
	}
	h.preauth = true
	h.preauthFrame = u.frame
	h.raise(&record.Finding{
		ID:       record.FindingIMAPPreauth,
		Severity: record.SeverityMedium,
		Title:    "Server greeted with PREAUTH: the session is authenticated and cannot switch to TLS",
		Frames:   []int64{u.frame},
		Detail: "A PREAUTH greeting puts the connection straight into the authenticated state, where STARTTLS " +
			"is not allowed: unless it was already encrypted, everything read from the mailboxes crosses in clear.",
	})
}

// closeFindings raises, at the end, the findings that need the whole
// conversation.
func (h *Handler) closeFindings() {
	if h.s.Security() != session.Cleartext {
		return
	}
	off := h.offered()
	if off == nil || *off {
		return
	}
	frames := append([]int64(nil), h.caps.frames...)
	if h.preauth {
		frames = append([]int64{h.preauthFrame}, frames...)
	}
	sev := record.SeverityMedium
	detail := "The server's capabilities do not include STARTTLS: this connection could not be encrypted, " +
		"so everything on it can be read by anyone on the path."
	if h.preauth {
		detail = "The server greeted with PREAUTH, which makes STARTTLS impossible: everything on this connection " +
			"can be read by anyone on the path."
	}
	if h.credFrame > 0 {
		sev = record.SeverityHigh
		frames = append(frames, h.credFrame)
		detail += " The client's credentials crossed in clear."
	}
	h.raise(&record.Finding{
		ID:       record.FindingStartTLSNotOffered,
		Severity: sev,
		Title:    "Server did not offer STARTTLS on a cleartext IMAP connection",
		Frames:   frames,
		Detail:   detail,
	})
}
