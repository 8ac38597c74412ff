package imap

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// maxEvents bounds the events kept per mailbox.
const maxEvents = 1000

// mailboxView is what the server showed of one selected mailbox.
type mailboxView struct {
	rec     *record.Mailbox
	dropped int
	emitted bool
}

// emitView reports a mailbox view once.
func (h *Handler) emitView(v *mailboxView) {
	if v == nil || v.emitted {
		return
	}
	v.emitted = true
	if v.dropped > 0 {
		h.s.Warn(v.rec.Packet, record.WarnIMAPMailboxEventsDropped, "count", v.dropped, "mailbox", record.Quote(v.rec.Name))
	}
	h.s.Emit(v.rec)
}

// startSelect prepares the view a SELECT or EXAMINE fills.
func (h *Handler) startSelect(c *command) {
	c.view = &mailboxView{rec: &record.Mailbox{
		Session:  h.s.ID,
		Name:     c.mailbox,
		Packet:   c.rec.Packet,
		Command:  strings.TrimPrefix(c.verb, "UID "),
		ReadOnly: c.verb == "EXAMINE",
	}}
	h.selecting = c.view
}

// finishSelect applies the tagged reply of a SELECT or EXAMINE: the
// previous mailbox is closed whatever the outcome (RFC 9051 §6.3.2).
func (h *Handler) finishSelect(c *command, st status) {
	h.closeMailbox()
	h.structures = nil
	if h.selecting == c.view {
		h.selecting = nil
	}
	c.view.rec.Status = st.word
	if st.word == "OK" && !c.view.emitted {
		h.mbox = c.view
		return
	}
	h.emitView(c.view)
}

// closeMailbox reports the selected mailbox and deselects it.
func (h *Handler) closeMailbox() {
	if h.mbox == nil {
		return
	}
	h.emitView(h.mbox)
	h.mbox = nil
}

// dataView is the mailbox that untagged data describes: the one being
// selected, else the selected one, else one opened for a capture that
// started after the SELECT.
func (h *Handler) dataView(frame int64) *mailboxView {
	if h.selecting != nil {
		return h.selecting
	}
	if h.mbox == nil {
		h.mbox = &mailboxView{rec: &record.Mailbox{Session: h.s.ID, Packet: frame}}
	}
	return h.mbox
}

// event adds what happened to messages to the selected mailbox.
func (h *Handler) event(frame int64, e string) {
	v := h.mbox
	if v == nil {
		v = h.dataView(frame)
	}
	if len(v.rec.Events) >= maxEvents {
		v.dropped++
		return
	}
	v.rec.Events = append(v.rec.Events, e)
}

// mailboxCommand reports CREATE, DELETE and RENAME, as a record of their
// own and as an event of the selected mailbox.
func (h *Handler) mailboxCommand(c *command, st status) {
	verb := strings.TrimPrefix(c.verb, "UID ")
	h.s.Emit(&record.Mailbox{
		Session: h.s.ID,
		Name:    c.mailbox,
		Packet:  c.rec.Packet,
		Command: verb,
		Status:  st.word,
		Events:  renameEvent(verb, c),
	})
	e := verb + " " + quote(c.mailbox)
	if verb == "RENAME" {
		e += " " + quote(c.newName)
	}
	if st.word != "OK" {
		e += " [" + st.word + "]"
	}
	if h.mbox != nil {
		h.event(c.rec.Packet, e)
	}
}

func renameEvent(verb string, c *command) []string {
	if verb != "RENAME" {
		return nil
	}
	return []string{"RENAME " + quote(c.mailbox) + " " + quote(c.newName)}
}

// statusResponse reports "* STATUS name (MESSAGES n UNSEEN n ...)".
func (h *Handler) statusResponse(u *unit, t *Tokenizer) {
	name := mailboxName(t.Next())
	v, _ := t.ReadValue()
	m := &record.Mailbox{Session: h.s.ID, Name: name, Packet: u.frame, Command: "STATUS", Status: "OK"}
	for i := 0; i+1 < len(v.List); i += 2 {
		n, err := strconv.ParseInt(v.List[i+1].String(), 10, 64)
		if err != nil {
			continue
		}
		switch strings.ToUpper(v.List[i].String()) {
		case "MESSAGES":
			m.Exists = ptr(n)
		case "UNSEEN":
			m.UnseenCount = ptr(n)
		case "RECENT":
			m.Recent = ptr(n)
		case "UIDNEXT":
			m.UIDNext = ptr(n)
		case "UIDVALIDITY":
			m.UIDValidity = ptr(n)
		}
	}
	h.s.Emit(m)
}

// searchResponse counts the messages a SEARCH found.
func (h *Handler) searchResponse(t *Tokenizer) {
	c := h.lastPending("SEARCH")
	if c == nil {
		return
	}
	for {
		tok := t.Next()
		switch {
		case tok.Kind == End:
			return
		case tok.Kind == LParen: // (MODSEQ n) of RFC 7162
			t.skipList()
		case tok.Kind == Atom && tok.Text[0] >= '0' && tok.Text[0] <= '9':
			c.results++
		}
	}
}

// esearchResponse reads the COUNT of "* ESEARCH (TAG "a") [UID] COUNT n"
// (RFC 4731), the answer to SEARCH RETURN (COUNT) UNSEEN.
func (h *Handler) esearchResponse(t *Tokenizer) {
	c := h.lastPending("SEARCH")
	if c == nil {
		return
	}
	for {
		v, ok := t.ReadValue()
		if !ok {
			return
		}
		if strings.EqualFold(v.String(), "COUNT") {
			n, err := strconv.ParseInt(string(t.Next().Text), 10, 64)
			if err == nil {
				c.results = n
			}
			return
		}
	}
}
