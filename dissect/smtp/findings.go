package smtp

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
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
	if offered {
		h.facts.offerFrames = []int64{p.cmd.Packet, r.frame}
		return
	}
	if h.facts.notOffered {
		return
	}
	h.facts.notOffered = true
	f := &record.Finding{
		ID:       "starttls-not-offered",
		Severity: "medium",
		Title:    "The SMTP server does not offer STARTTLS",
		Frames:   []int64{p.cmd.Packet, r.frame},
		Lab:      "1.2.8",
		Detail: "The EHLO reply lists no STARTTLS extension, so nothing the client sends on this " +
			"connection (logins, envelopes, whole messages) can be protected: everything crosses in clear.",
		Args: map[string]string{"capabilities": strings.Join(r.more, ", ")},
	}
	if auth != "" {
		f.Detail += " The server still offers AUTH " + auth + " in clear."
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
			ID:       "starttls-not-used",
			Severity: "high",
			Title:    "STARTTLS was offered but the client sent " + what(f.firstAuth, f.firstMail) + " in clear",
			Frames:   frames(append(append([]int64{}, f.offerFrames...), f.firstAuth, f.firstMail)...),
			Lab:      "1.2.6",
			Detail: "The server offered STARTTLS in its EHLO reply, but the client never asked for it: " +
				"anyone on the path reads " + what(f.firstAuth, f.firstMail) + " of this session.",
			Args: map[string]string{"capabilities": strings.Join(f.caps, ", ")},
		})
	}
	if f.refusedReply > 0 || f.refusedCmd > 0 {
		sev, went := "medium", "The client did not go on in clear."
		if f.afterRefusal > 0 {
			sev, went = "high", "The client then went on in clear anyway, exposing what it sent next."
		}
		h.s.Finding(&record.Finding{
			ID:       "starttls-refused",
			Severity: sev,
			Title:    "The SMTP server refused STARTTLS",
			Frames:   frames(f.refusedCmd, f.refusedReply, f.afterRefusal),
			Lab:      "1.2.8",
			Detail: "The client asked to upgrade the connection with STARTTLS and the server refused. " +
				went + " An attacker on the path can cause such a refusal (STARTTLS stripping).",
		})
	}
}

// injection reports bytes that crossed in clear around a STARTTLS: a
// server that buffers them would run them as if they came over TLS.
func (h *handler) injection(t *tlsState, side string, frame int64, data []byte) {
	f := &record.Finding{
		ID:       "starttls-plaintext-injection",
		Severity: "high",
		Lab:      "1.2.7",
		Frames:   frames(t.rec.Packet, frame, t.rec.ReplyPacket),
		Args:     map[string]string{"side": side, "bytes": clean(data, maxInjection)},
	}
	if side == "client" {
		f.Title = "Cleartext commands followed STARTTLS before the TLS handshake"
		f.Detail = "The client side sent bytes after the STARTTLS command in the same cleartext phase. " +
			"A server that keeps them in its input buffer runs them after the handshake as if they had come " +
			"over TLS (the CVE-2011-0411 class of flaws): an attacker on the path can inject commands this way."
	} else {
		f.Title = "Cleartext replies followed the STARTTLS 220 before the TLS handshake"
		f.Detail = "The server side sent bytes after its 220 reply to STARTTLS before any TLS. A client that " +
			"keeps them reads them after the handshake as if they had come over TLS: an attacker on the " +
			"path can inject replies this way."
	}
	h.s.Finding(f)
}

func what(auth, mail int64) string {
	switch {
	case auth > 0 && mail > 0:
		return "its login and mail"
	case auth > 0:
		return "its login"
	}
	return "mail"
}

// frames lists the non-zero frames in order of appearance.
func frames(fs ...int64) []int64 {
	var out []int64
	for _, f := range fs {
		if f > 0 {
			out = append(out, f)
		}
	}
	return out
}
