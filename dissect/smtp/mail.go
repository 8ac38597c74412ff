package smtp

import (
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
	m := b.msg.Message()
	h.release(b)
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
	if n := h.tx.dropped; n > 0 {
		m.EnvelopeToDropped = n
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnMessageRecipientsDropped,
			"count", n, "max", maxRecipients, "from", h.tx.droppedFrame))
		h.s.Warn(h.tx.droppedFrame, record.WarnSMTPRecipientsDropped, "count", n, "max", maxRecipients)
	}
	m.AuthUser = h.s.AuthUser
	m.Truncated = b.truncated()
	if b.partial {
		m.Partial = "BDAT"
	}
	m.Size = b.size
	if r != nil {
		m.Reply, m.ReplyPacket = r.status(), r.frame
	}
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
		h.s.Finding(f)
	}
}
