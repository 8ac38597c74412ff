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
		Frames:   []int64{u.frame},
		Args:     map[string]string{"variant": "imap"},
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
	variant := "imap"
	if h.preauth {
		variant = "imap-greeted-preauth"
	}
	if h.credFrame > 0 {
		sev = record.SeverityHigh
		frames = append(frames, h.credFrame)
		variant += "-creds"
	}
	h.raise(&record.Finding{
		ID:       record.FindingStartTLSNotOffered,
		Severity: sev,
		Frames:   frames,
		Args:     map[string]string{"variant": variant},
	})
}
