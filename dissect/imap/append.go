package imap

// parseAppend reads "tag APPEND mailbox [(flags)] [date] literal".
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
			size := int64(len(tok.Text))
			if tok.Lit != nil {
				size = tok.Lit.Size
			}
			args.raw("{" + itoa(size) + "}")
			c.appendTok = tok
			c.appendEnd = u.endFrame
		default:
			args.token(tok)
		}
	}
}

// finishAppend reports the appended message, whatever the reply: it
// crossed the wire either way.
func (h *Handler) finishAppend(c *command) {
	if c.appendTok.Kind != Literal {
		return
	}
	h.appendedMessage(c)
}
