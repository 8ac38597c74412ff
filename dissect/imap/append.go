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
			c.append = u
		default:
			args.token(tok)
		}
	}
}

// finishAppend reports the appended message.
func (h *Handler) finishAppend(c *command, st status) {
	if c.append == nil || st.word == "" {
		return
	}
}
