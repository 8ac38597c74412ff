package smtp

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/starttls"
)

// facts are what the session-level findings are decided on.
type facts struct {
	offered     *bool // STARTTLS in the last EHLO reply; nil before any
	offerFrames []int64
	caps        []string
	notOffered  bool // starttls-not-offered raised
	asked       bool // STARTTLS requested at least once
	// The first refusal of STARTTLS, and the first AUTH or MAIL after it.
	refusedCmd, refusedReply, afterRefusal int64
	// The first AUTH and MAIL in clear.
	firstAuth, firstMail int64
}

func (f *facts) clearAuth(frame int64) {
	if f.firstAuth == 0 {
		f.firstAuth = frame
	}
	f.clear(frame)
}

func (f *facts) clearMail(frame int64) {
	if f.firstMail == 0 {
		f.firstMail = frame
	}
	f.clear(frame)
}

func (f *facts) clear(frame int64) {
	if f.refusedReply > 0 && f.afterRefusal == 0 {
		f.afterRefusal = frame
	}
}

func (f *facts) refused(cmd, reply int64) {
	if f.refusedCmd == 0 {
		f.refusedCmd, f.refusedReply = cmd, reply
	}
}

// capabilities reads an EHLO reply's extension list.
func (h *handler) capabilities(p *pending, r *reply) {
	offered := false
	var auth string
	for _, c := range r.more {
		word, rest, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(c)), " ")
		switch {
		case word == "STARTTLS":
			offered = true
		case word == "AUTH":
			auth = rest
		case strings.HasPrefix(word, "AUTH="):
			if auth == "" {
				auth = strings.TrimSpace(strings.TrimPrefix(word, "AUTH=") + " " + rest)
			}
		}
	}
	h.facts.offered = record.Bool(offered)
	h.facts.caps = r.more
	h.s.Announced(r.more, r.frame)
	if offered {
		h.facts.offerFrames = []int64{p.cmd.Packet, r.frame}
		return
	}
	if h.facts.notOffered {
		return
	}
	h.facts.notOffered = true
	f := &record.Finding{
		ID:       record.FindingStartTLSNotOffered,
		Severity: record.SeverityMedium,
		Frames:   []int64{p.cmd.Packet, r.frame},
		Args:     map[string]string{"variant": "smtp", "capabilities": strings.Join(r.more, ", ")},
	}
	if auth != "" {
		f.Args["variant"] = "smtp-auth"
		f.Args["auth"] = auth
	}
	h.s.Finding(f)
}

// sessionFindings raises, when the conversation ends, the findings that
// depend on what followed: STARTTLS offered but never used, or refused.
func (h *handler) sessionFindings() {
	f := &h.facts
	if f.offered != nil && *f.offered && !f.asked && (f.firstAuth > 0 || f.firstMail > 0) {
		h.s.Finding(&record.Finding{
			ID:       record.FindingStartTLSNotUsed,
			Severity: record.SeverityHigh,
			Frames:   starttls.Frames(append(append([]int64{}, f.offerFrames...), f.firstAuth, f.firstMail)...),
			Args: map[string]string{"variant": "smtp", "exposed": what(f.firstAuth, f.firstMail),
				"capabilities": strings.Join(f.caps, ", ")},
		})
	}
	if f.refusedReply > 0 || f.refusedCmd > 0 {
		sev, variant := record.SeverityMedium, "smtp"
		if f.afterRefusal > 0 {
			sev, variant = record.SeverityHigh, "smtp-went-on"
		}
		h.s.Finding(&record.Finding{
			ID:       record.FindingStartTLSRefused,
			Severity: sev,
			Frames:   starttls.Frames(f.refusedCmd, f.refusedReply, f.afterRefusal),
			Args:     map[string]string{"variant": variant},
		})
	}
}

// what names what the client exposed, a word of the catalogue
// ("finding.arg.exposed.<word>").
func what(auth, mail int64) string {
	switch {
	case auth > 0 && mail > 0:
		return "login-mail"
	case auth > 0:
		return "login"
	}
	return "mail"
}
