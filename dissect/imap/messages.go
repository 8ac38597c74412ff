package imap

import (
	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// analyze parses a message (or a header alone) with the session's limits.
func (h *Handler) analyze(raw []byte) *record.Message {
	return message.Analyze(raw, h.s.MessageOptions())
}

// analyzeToken is the message a token holds: analysed as it arrived for
// a literal the framer knew held a message, else from its bytes.
func (h *Handler) analyzeToken(tok Token) *record.Message {
	if tok.Lit != nil && tok.Lit.msg != nil {
		return tok.Lit.msg.Message()
	}
	return h.analyze(tok.Text)
}

// appendedMessage reports the message of an APPEND.
func (h *Handler) appendedMessage(c *command, tok Token, end int64) {
	m := h.analyzeToken(tok)
	m.Session = h.s.ID
	m.Proto = Proto
	m.Direction = record.DirectionAppended
	m.Packet = tokenFrame(tok, c.rec.Packet)
	m.EndPacket = tokenEnd(tok, end)
	m.Mailbox = c.mailbox
	m.Size = tokenSize(tok)
	m.Truncated = m.Truncated || !complete(tok)
	m.AuthUser = h.s.AuthUser
	h.s.Emit(m)
	for _, f := range message.Findings(m) {
		h.s.Finding(f)
	}
}
