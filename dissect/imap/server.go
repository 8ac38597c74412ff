package imap

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// looksLikeResponse tells whether a line may start a server response:
// untagged, a continuation, or a tagged status.
func looksLikeResponse(line []byte) bool {
	if bytes.HasPrefix(line, []byte("* ")) || bytes.HasPrefix(line, []byte("+ ")) || bytes.Equal(line, []byte("+")) {
		return true
	}
	tag, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || !isTag(tag) || len(tag) > 64 {
		return false
	}
	word, _, _ := bytes.Cut(rest, []byte(" "))
	switch strings.ToUpper(string(word)) {
	case "OK", "NO", "BAD", "BYE":
		return true
	}
	return false
}

// status is a status response: OK, NO, BAD, PREAUTH or BYE, its response
// code and its text.
type status struct {
	word string  // upper case
	code string  // response code name, upper case
	args []Value // response code arguments
	// reply is everything after the status word, cleaned: "[READ-WRITE]
	// SELECT completed."
	reply string
}

// readStatus reads a status response after its tag.
func readStatus(t *Tokenizer) status {
	var st status
	st.word = upper(t.Next().Text)
	t.skipSpaces()
	start := t.pos
	if t.Peek().Kind == LBracket {
		t.Next()
		st.code = upper(t.Next().Text)
		for n := 0; n < maxItems; n++ {
			p := t.Peek()
			if p.Kind == RBracket || p.Kind == End {
				t.Next()
				break
			}
			v, ok := t.ReadValue()
			if !ok {
				break
			}
			st.args = append(st.args, v)
		}
	}
	t.pos = start
	st.reply = clean(t.Rest())
	return st
}

func isStatusWord(s string) bool {
	switch s {
	case "OK", "NO", "BAD", "PREAUTH", "BYE":
		return true
	}
	return false
}

// serverUnit handles one unit sent by the server.
func (h *Handler) serverUnit(u *unit) {
	t := NewTokenizer(u.text, u.lits)
	first := t.Next()
	if first.Kind != Atom {
		h.s.Warn(u.frame, record.WarnIMAPNotAResponse, "text", record.Quote(clean(u.text[:min(len(u.text), 60)])))
		return
	}
	switch string(first.Text) {
	case "*":
		h.untagged(u, t)
	case "+":
		h.continuation(u, t)
	default:
		h.tagged(u, clean(first.Text), t)
	}
	h.greetingSeen = true
}

// untagged handles a "* ..." response.
func (h *Handler) untagged(u *unit, t *Tokenizer) {
	word := t.Peek()
	name := upper(word.Text)
	if isStatusWord(name) {
		st := readStatus(t)
		h.untaggedStatus(u, st)
		return
	}
	t.Next()
	if n, err := strconv.ParseInt(name, 10, 64); err == nil && word.Kind == Atom {
		h.numbered(u, n, upper(t.Next().Text), t)
		return
	}
	switch name {
	case "CAPABILITY":
		h.capabilities(u.frame, t)
	case "FLAGS":
		v, _ := t.ReadValue()
		h.dataView(u.frame).rec.Flags = flagList(v)
	case "STATUS":
		h.statusResponse(u, t)
	case "SEARCH":
		h.searchResponse(t)
	case "ESEARCH":
		h.esearchResponse(t)
	case "LIST", "LSUB", "XLIST":
		h.listResponse(u, strings.TrimPrefix(name, "X"), t)
	case "VANISHED":
		var w argWriter
		w.rest(t)
		h.event(u.frame, "VANISHED "+w.String())
	}
}

// untaggedStatus handles "* OK [code] text" and the greeting.
func (h *Handler) untaggedStatus(u *unit, st status) {
	if !h.greetingSeen && (st.word == "OK" || st.word == "PREAUTH") {
		h.greeting(u, st)
	}
	h.responseCode(u.frame, st, nil)
}

// numbered handles "* n EXISTS", "* n RECENT", "* n EXPUNGE", "* n FETCH".
func (h *Handler) numbered(u *unit, n int64, what string, t *Tokenizer) {
	switch what {
	case "EXISTS":
		v := h.dataView(u.frame)
		if v == h.selecting {
			v.rec.Exists = ptr(n)
		} else {
			h.event(u.frame, "EXISTS "+strconv.FormatInt(n, 10))
		}
	case "RECENT":
		v := h.dataView(u.frame)
		if v == h.selecting {
			v.rec.Recent = ptr(n)
		} else {
			h.event(u.frame, "RECENT "+strconv.FormatInt(n, 10))
		}
	case "EXPUNGE":
		h.event(u.frame, "EXPUNGE "+strconv.FormatInt(n, 10))
		h.structures = nil // sequence numbers moved
	case "FETCH":
		h.fetchResponse(u, n, t)
	}
}

// continuation handles "+ ...": a SASL challenge, or the go-ahead for a
// synchronising literal.
func (h *Handler) continuation(u *unit, t *Tokenizer) {
	if h.auth != nil {
		h.authChallenge(u, t)
	}
}

// tagged handles the completion of a command.
func (h *Handler) tagged(u *unit, tag string, t *Tokenizer) {
	st := readStatus(t)
	c := h.takePending(tag)
	if c == nil {
		// A reply to a command sent before the capture started, or the
		// server refusing a synchronising literal it was offered.
		if h.client.cancelLiteral(tag, h.clientUnit) {
			c = h.takePending(tag)
		}
		if c == nil && h.holdFor != nil && len(h.hold) > 0 {
			// A reply to a command held after STARTTLS or COMPRESS:
			// the server's answer to those was lost and the client
			// went on in clear.
			h.s.Warn(u.frame, record.WarnIMAPReplyLost, "verb", h.holdFor.verb)
			h.unanswered(u.frame)
			h.release()
			c = h.takePending(tag)
		}
		if c == nil {
			h.keepOrphan(tag, st, u.frame)
			return
		}
	}
	h.answer(c, st, u.frame)
}

// answer completes a command with its tagged reply.
func (h *Handler) answer(c *command, st status, frame int64) {
	c.rec.Status = st.word
	c.rec.Reply = st.reply
	c.rec.ReplyPacket = frame
	h.responseCode(frame, st, c)
	h.complete(c, st, &unit{frame: frame})
	h.s.Emit(&c.rec)
}

// orphan is a tagged reply that came before its command. Reassembly
// holds one direction back while it waits for a lost segment, so the
// server's replies can be handed over before the client's commands.
type orphan struct {
	tag   string
	st    status
	frame int64
}

// maxOrphans bounds the replies kept waiting for their command.
const maxOrphans = 64

func (h *Handler) keepOrphan(tag string, st status, frame int64) {
	if len(h.orphans) >= maxOrphans {
		h.orphans = h.orphans[1:]
	}
	h.orphans = append(h.orphans, orphan{tag: tag, st: st, frame: frame})
}

// orphanReply returns the reply that arrived before command c: the first
// kept with its tag and a later frame (a reply to a command sent before
// the capture started has an earlier one). STARTTLS and COMPRESS change
// how the next bytes are read, which is too late to do: those replies only
// complete the command record.
func (h *Handler) orphanReply(c *command) (status, int64, bool) {
	for i, o := range h.orphans {
		if o.tag == c.tag && o.frame > c.rec.Packet {
			h.orphans = append(h.orphans[:i], h.orphans[i+1:]...)
			return o.st, o.frame, true
		}
	}
	return status{}, 0, false
}

// complete applies what a command's tagged reply means.
func (h *Handler) complete(c *command, st status, u *unit) {
	ok := st.word == "OK"
	switch strings.TrimPrefix(c.verb, "UID ") {
	case "LOGIN":
		h.finishLogin(c, st, u)
	case "AUTHENTICATE":
		h.finishAuth(c, &st)
	case "STARTTLS":
		h.startTLSReply(c, st, u)
	case "COMPRESS":
		h.compressReply(c, ok, u)
	case "SELECT", "EXAMINE":
		h.finishSelect(c, st)
	case "CREATE", "DELETE", "RENAME":
		h.mailboxCommand(c, st)
	case "CLOSE", "UNSELECT", "LOGOUT":
		if ok || c.verb == "LOGOUT" {
			h.closeMailbox()
		}
	case "IDLE":
		h.idle = nil
	case "SEARCH":
		if c.unseen && ok && h.mbox != nil {
			h.mbox.rec.UnseenCount = ptr(c.results)
		}
	}
	if c.event != "" {
		e := c.event
		if !ok {
			e += " [" + st.word + "]"
		} else if st.code == "COPYUID" {
			e += " [COPYUID " + valuesText(st.args) + "]"
		}
		h.event(c.rec.Packet, e)
	}
}

// responseCode applies a response code that tells about the server or the
// mailbox being selected.
func (h *Handler) responseCode(frame int64, st status, c *command) {
	switch st.code {
	case "":
		return
	case "CAPABILITY":
		h.capabilityList(frame, st.args)
		return
	case "COPYUID":
		if c == nil {
			// MOVE sends it untagged, before the EXPUNGE responses.
			if m := h.lastPending("MOVE"); m != nil && m.event != "" && !strings.Contains(m.event, "COPYUID") {
				m.event += " [COPYUID " + valuesText(st.args) + "]"
			}
		}
		return
	}
	if c != nil && !strings.HasSuffix(c.verb, "SELECT") && c.verb != "EXAMINE" {
		return
	}
	v := h.selecting
	if v == nil {
		return
	}
	n := func() *int64 {
		if len(st.args) == 0 {
			return nil
		}
		x, err := strconv.ParseInt(st.args[0].String(), 10, 64)
		if err != nil {
			return nil
		}
		return ptr(x)
	}
	switch st.code {
	case "UNSEEN":
		v.rec.Unseen = n()
	case "UIDVALIDITY":
		v.rec.UIDValidity = n()
	case "UIDNEXT":
		v.rec.UIDNext = n()
	case "PERMANENTFLAGS":
		if len(st.args) > 0 {
			v.rec.PermFlags = flagList(st.args[0])
		}
	case "READ-ONLY":
		v.rec.ReadOnly = true
	case "READ-WRITE":
		v.rec.ReadOnly = false
	}
}

// lastPending returns the latest command waiting whose verb (UID form or
// not) is verb.
func (h *Handler) lastPending(verb string) *command {
	for i := len(h.pending) - 1; i >= 0; i-- {
		if strings.TrimPrefix(h.pending[i].verb, "UID ") == verb {
			return h.pending[i]
		}
	}
	return nil
}

// valuesText renders values in IMAP syntax.
func valuesText(vs []Value) string {
	var w argWriter
	for _, v := range vs {
		w.value(v)
	}
	return w.String()
}

// flagList returns the flags of a parenthesised list.
func flagList(v Value) []string {
	var out []string
	for _, f := range v.List {
		if f.IsList || len(out) >= 64 {
			continue
		}
		out = append(out, clean(f.Text))
	}
	return out
}

func ptr(n int64) *int64 { return &n }
