package smtp

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// sent reports the message a lone dot or BDAT LAST completed, once the
// server replied to it (r nil when the reply was lost).
func (h *handler) sent(p *pending, r *reply) {
	b := p.body
	if b == nil {
		return
	}
	m := message.Analyze(b.buf, message.Options{MaxAttachment: h.s.Limits.MaxAttachment, KeepRaw: h.s.KeepRaw})
	m.Session = h.s.ID
	m.Proto = "smtp"
	m.Direction = "sent"
	m.Packet = b.packet
	if m.Packet == 0 {
		m.Packet = p.cmd.Packet
	}
	m.EndPacket = b.end
	m.EnvelopeFrom = h.tx.from
	m.EnvelopeTo = append([]string(nil), h.tx.rcpts...)
	m.AuthUser = h.s.AuthUser
	m.Truncated = b.truncated()
	m.Size = b.size
	switch {
	case r == nil:
		m.Warnings = append(m.Warnings, "the server's reply to this message was not seen")
	case !r.ok():
		m.Warnings = append(m.Warnings, "the server refused this message: "+r.status())
	}
	if b.lost {
		m.Warnings = append(m.Warnings, "bytes of this message are missing from the capture")
	}
	h.tx = transaction{}
	h.emit(m)
	for _, f := range message.SpoofFindings(m) {
		if f.ID == "spoofed-sender" {
			forgedTo(f, m)
		}
		h.s.Finding(f)
	}
}

// forgedTo adds the lab's legal warning to a spoofed-sender finding when
// the message went to someone else than its real sender: sending a forged
// message to anyone but oneself is an offence in France.
func forgedTo(f *record.Finding, m *record.Message) {
	others := notOwn(m)
	if len(others) == 0 {
		if f.Args == nil {
			f.Args = map[string]string{}
		}
		f.Args["to_self"] = "true"
		return
	}
	if f.Args == nil {
		f.Args = map[string]string{}
	}
	f.Args["other_recipients"] = strings.Join(others, ", ")
	f.Args["legal"] = "LOPPSI 2011-267, 14 March 2011"
	if f.Detail != "" {
		f.Detail += " "
	}
	f.Detail += "This forged message went to " + strings.Join(others, ", ") +
		", not to the sender's own address. Sending a message under someone else's identity to anyone " +
		"but yourself is an offence in France (LOPPSI of 14 March 2011: one year of prison and a 15,000 euro fine); " +
		"in the lab, send such messages only to yourself."
}

// notOwn lists the recipients that are not the real sender: the
// authenticated user, or the envelope sender when it differs from the
// forged From. With neither known, every recipient counts as another
// person, since the From shows the forged identity.
func notOwn(m *record.Message) []string {
	from := address(m.From)
	var own []string
	if m.AuthUser != "" {
		own = append(own, m.AuthUser)
	}
	if m.EnvelopeFrom != "" && !strings.EqualFold(m.EnvelopeFrom, from) {
		own = append(own, m.EnvelopeFrom)
	}
	rcpts := m.EnvelopeTo
	if len(rcpts) == 0 {
		rcpts = m.To
	}
	var others []string
	for _, r := range rcpts {
		a := address(r)
		if a != "" && !mine(a, own) {
			others = append(others, a)
		}
	}
	return others
}

// mine compares an address with the sender's own ones; a user name
// without a domain matches the local part.
func mine(a string, own []string) bool {
	local, _, _ := strings.Cut(a, "@")
	for _, o := range own {
		if strings.EqualFold(a, o) || (!strings.Contains(o, "@") && strings.EqualFold(local, o)) {
			return true
		}
	}
	return false
}

// address extracts the bare address of "Name <a@b>" or "a@b".
func address(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
		if j := strings.IndexByte(s, '>'); j >= 0 {
			s = s[:j]
		}
	}
	return strings.TrimSpace(s)
}
