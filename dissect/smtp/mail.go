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
	m.Proto = record.ProtoSMTP
	m.Direction = record.DirectionSent
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
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnMessageNoReply))
	case !r.ok():
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnMessageRefused, "reply", r.status()))
	}
	if b.lost {
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnMessageBytesMissing))
	}
	h.tx = transaction{}
	h.emit(m)
	for _, f := range message.Findings(m) {
		if f.ID == record.FindingSpoofedSender {
			forgedTo(f, m)
		}
		h.s.Finding(f)
	}
}

// forgedTo adds the lab's legal warning to a spoofed-sender finding: a
// forged message sent to anyone but oneself is an offence in France. The
// wire only tells who the sender really is when they logged in (or when
// the envelope sender differs from the forged From); otherwise the
// warning asks the reader to check that the recipient is their own.
func forgedTo(f *record.Finding, m *record.Message) {
	if f.Args == nil {
		f.Args = map[string]string{}
	}
	others, known := notOwn(m)
	if len(others) == 0 {
		f.Args["to_self"] = "true"
		return
	}
	list := strings.Join(others, ", ")
	f.Args["recipients"] = list
	f.Args["legal"] = "LOPPSI, 14 March 2011"
	if f.Detail != "" {
		f.Detail += " "
	}
	if known {
		f.Args["to_self"] = "false"
		f.Detail += "This forged message went to " + list + ", not to the sender's own address. "
	} else {
		f.Detail += "Check that " + list + " is your own address: "
	}
	f.Detail += "sending a message under someone else's identity to anyone but yourself is an offence in France " +
		"(LOPPSI of 14 March 2011: one year of prison and a 15,000 euro fine); in the lab, send it only to yourself."
}

// notOwn lists the recipients that are not the real sender, and whether
// the real sender is known: the authenticated user, or the envelope
// sender when it differs from the forged From.
func notOwn(m *record.Message) ([]string, bool) {
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
	return others, m.AuthUser != ""
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
