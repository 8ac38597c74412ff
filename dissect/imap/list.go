package imap

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// maxListed bounds the mailboxes kept per LIST or LSUB command.
const maxListed = 1000

// listResponse reads "* LIST (flags) delimiter name" (and LSUB, XLIST)
// into the command that asked for it: the mailbox list shows the folders
// of the account to anyone on the path.
func (h *Handler) listResponse(u *unit, verb string, t *Tokenizer) {
	c := h.pendingVerb(verb)
	if c == nil {
		return
	}
	if len(c.rec.Mailboxes) >= maxListed {
		if len(c.rec.Mailboxes) == maxListed {
			h.s.Warn(u.frame, record.WarnIMAPTooManyListed, "max", maxListed)
			c.rec.Mailboxes = append(c.rec.Mailboxes, record.ListedMailbox{Name: "…"})
		}
		return
	}
	flags, _ := t.ReadValue()
	delim := t.Next()
	m := record.ListedMailbox{Name: mailboxName(t.Next()), Flags: flagList(flags)}
	if delim.IsString() && !(delim.Kind == Atom && upper(delim.Text) == "NIL") {
		m.Delimiter = clean(delim.Text)
	}
	c.rec.Mailboxes = append(c.rec.Mailboxes, m)
}

// pendingVerb is the oldest command waiting for its reply whose verb is
// verb ("XLIST" answers as LIST on some servers).
func (h *Handler) pendingVerb(verb string) *command {
	for _, c := range h.pending {
		if strings.TrimPrefix(c.verb, "X") == verb {
			return c
		}
	}
	return nil
}
