package imap

// parseAppend reads "tag APPEND mailbox [(flags)] [date] literal", and the
// further messages of a MULTIAPPEND (RFC 3502). Each message is reported
// at once: it crossed the wire whatever the server answers, and keeping it
// until the reply would let a client pipelining APPENDs pin memory.
func (h *Handler) parseAppend(c *command, t *Tokenizer, u *unit, args *argWriter) {
	mbox := t.Next()
	c.mailbox = mailboxName(mbox)
	args.token(mbox)
	for {
		tok := t.Next()
		switch tok.Kind {
		case End:
			return
		case LParen:
			args.value(Value{IsList: true, List: t.readList(1)})
		case Literal:
			args.raw("{" + itoa(tokenSize(tok)) + "}")
			h.appendedMessage(c, tok, u.endFrame)
		default:
			args.token(tok)
		}
	}
}
