package smtp

import (
	"github.com/mailwire/mailwire/dissect/message"
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
	if r != nil {
		m.Reply, m.ReplyPacket = r.status(), r.frame
	}
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
	for _, f := range message.Findings(m) {
		h.s.Finding(f)
	}
}
