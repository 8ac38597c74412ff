package imap

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// verbs are the commands recognised when looking for the start of a
// command after a gap or at the start of a capture.
var verbs = map[string]bool{
	"CAPABILITY": true, "NOOP": true, "LOGOUT": true, "STARTTLS": true,
	"AUTHENTICATE": true, "LOGIN": true, "ENABLE": true, "SELECT": true,
	"EXAMINE": true, "CREATE": true, "DELETE": true, "RENAME": true,
	"SUBSCRIBE": true, "UNSUBSCRIBE": true, "LIST": true, "LSUB": true,
	"NAMESPACE": true, "STATUS": true, "APPEND": true, "IDLE": true,
	"CHECK": true, "CLOSE": true, "UNSELECT": true, "EXPUNGE": true,
	"SEARCH": true, "FETCH": true, "STORE": true, "COPY": true, "MOVE": true,
	"UID": true, "ID": true, "COMPRESS": true, "GETQUOTA": true,
	"GETQUOTAROOT": true, "SETQUOTA": true, "GETACL": true, "SETACL": true,
	"MYRIGHTS": true, "LISTRIGHTS": true, "SORT": true, "THREAD": true,
	"GETMETADATA": true, "SETMETADATA": true, "XLIST": true,
}

// command is one client command waiting for, then given, its tagged reply.
type command struct {
	rec  record.Command
	verb string // upper case, "UID FETCH" for UID forms
	tag  string
	// What the reply needs to know, by verb.
	mailbox string // SELECT, EXAMINE, CREATE, DELETE, STATUS, COPY/MOVE target
	newName string // RENAME
	event   string // the mailbox event the command makes, if it succeeds
	unseen  bool   // SEARCH UNSEEN
	results int64  // SEARCH results counted
	cred    *record.Credential
	view    *mailboxView // SELECT, EXAMINE
}

// looksLikeCommand tells whether a line may start a command: a tag and a
// known verb.
func looksLikeCommand(line []byte) bool {
	tag, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(tag) == 0 || len(tag) > 64 || !isTag(tag) {
		return false
	}
	verb, _, _ := bytes.Cut(rest, []byte(" "))
	return verbs[strings.ToUpper(string(verb))]
}

// isTag reports whether b is made of tag characters (atom characters but
// '+').
func isTag(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || c == '+' || atomEnd(c) || c == '%' || c == '*' {
			return false
		}
	}
	return true
}

// clientUnit handles one unit sent by the client.
func (h *Handler) clientUnit(u *unit) {
	if h.auth != nil {
		h.authResponse(u)
		return
	}
	if h.idle != nil && bytes.EqualFold(bytes.TrimSpace(u.text), []byte("DONE")) {
		return
	}
	t := NewTokenizer(u.text, u.lits)
	tagTok, verbTok := t.Next(), t.Next()
	if tagTok.Kind != Atom || verbTok.Kind != Atom || !isTag(tagTok.Text) {
		// Not quoted: a line that is no command is often a SASL
		// response whose AUTHENTICATE was missed, and may be a secret.
		h.s.Warn(u.frame, record.WarnIMAPLineNotCommand, "bytes", len(u.text))
		return
	}
	verb := upper(verbTok.Text)
	if verb == "UID" {
		verb = "UID " + upper(t.Next().Text)
	}
	c := &command{verb: verb, tag: clean(tagTok.Text)}
	c.rec = record.Command{Session: h.s.ID, Proto: Proto, Verb: verb, Tag: c.tag, Packet: u.frame}
	var args argWriter
	h.parseCommand(c, t, u, &args)
	c.rec.Args = args.String()
	if st, frame, ok := h.orphanReply(c); ok {
		h.s.Warn(u.frame, record.WarnIMAPReplyBeforeCommand, "tag", c.tag, "verb", c.verb, "command_frame", frame)
		h.answerLate(c, st, frame)
		return
	}
	h.addPending(c)
}

// answerLate completes a command whose reply came first.
func (h *Handler) answerLate(c *command, st status, frame int64) {
	switch strings.TrimPrefix(c.verb, "UID ") {
	case "STARTTLS", "COMPRESS":
		if h.holdFor == c {
			h.holdFor = nil
		}
		if h.tls != nil && h.tls.cmd == c {
			h.startTLSReply(c, st, &unit{frame: frame})
		}
		c.rec.Status, c.rec.Reply, c.rec.ReplyPacket = st.word, st.reply, frame
		h.s.Emit(&c.rec)
		return
	}
	h.answer(c, st, frame)
}

// parseCommand reads the arguments a command's reply will need and writes
// them, secrets masked, to args.
func (h *Handler) parseCommand(c *command, t *Tokenizer, u *unit, args *argWriter) {
	switch strings.TrimPrefix(c.verb, "UID ") {
	case "LOGIN":
		h.login(c, t, u, args)
		return
	case "AUTHENTICATE":
		h.authenticate(c, t, u, args)
		return
	case "STARTTLS":
		h.requestStartTLS(c)
	case "COMPRESS":
		h.holdFor = c
	case "IDLE":
		h.idle = c
	case "SELECT", "EXAMINE", "CREATE", "DELETE", "STATUS", "SUBSCRIBE", "UNSUBSCRIBE":
		c.mailbox = mailboxName(t.Peek())
		if strings.HasSuffix(c.verb, "SELECT") || c.verb == "EXAMINE" {
			h.startSelect(c)
		}
	case "RENAME":
		from := t.Next()
		to := t.Peek()
		c.mailbox, c.newName = mailboxName(from), mailboxName(to)
		args.token(from)
	case "APPEND":
		h.parseAppend(c, t, u, args)
		return
	case "FETCH", "STORE", "COPY", "MOVE", "SEARCH", "EXPUNGE":
		h.parseMessageCommand(c, t, args)
		return
	}
	args.rest(t)
}

// parseMessageCommand reads the commands that act on messages of the
// selected mailbox and prepares the mailbox event they make.
func (h *Handler) parseMessageCommand(c *command, t *Tokenizer, args *argWriter) {
	base := strings.TrimPrefix(c.verb, "UID ")
	if base == "SEARCH" {
		var w argWriter
		w.rest(t)
		criteria := w.String()
		c.unseen = isUnseenSearch(criteria)
		args.raw(criteria)
		return
	}
	var w argWriter
	if base != "EXPUNGE" {
		w.token(t.Next()) // the sequence set
	}
	if base == "COPY" || base == "MOVE" {
		target := t.Peek()
		c.mailbox = mailboxName(target)
	}
	w.rest(t)
	s := w.String()
	args.raw(s)
	switch base {
	case "STORE", "COPY", "MOVE":
		c.event = c.verb + " " + s
	case "EXPUNGE":
		// The untagged EXPUNGE responses tell what disappeared; only
		// UID EXPUNGE names a set worth an event of its own.
		if s != "" {
			c.event = c.verb + " " + s
		}
	}
}

// isUnseenSearch reports whether SEARCH criteria ask for the unseen
// messages only (so that the result counts them); with RETURN, only a
// COUNT or ALL return counts.
func isUnseenSearch(criteria string) bool {
	f := strings.Fields(strings.ToUpper(criteria))
	if len(f) >= 2 && f[0] == "RETURN" {
		i := 1
		for i < len(f) && !strings.HasSuffix(f[i], ")") {
			i++
		}
		opts := strings.Join(f[1:min(i+1, len(f))], " ")
		if !strings.Contains(opts, "COUNT") {
			return false
		}
		f = f[min(i+1, len(f)):]
	}
	if len(f) >= 2 && f[0] == "CHARSET" {
		f = f[2:]
	}
	return len(f) == 1 && f[0] == "UNSEEN" || len(f) == 2 && f[0] == "ALL" && f[1] == "UNSEEN"
}

// mailboxName decodes a mailbox argument (modified UTF-7, RFC 3501 §5.1.3).
func mailboxName(t Token) string {
	if !t.IsString() {
		return ""
	}
	return clean([]byte(decodeMUTF7(string(t.Text))))
}

// addPending queues a command for its tagged reply.
func (h *Handler) addPending(c *command) {
	if len(h.pending) >= maxPending {
		old := h.pending[0]
		h.s.Warn(c.rec.Packet, record.WarnIMAPTooManyPending, "max", maxPending, "tag", old.tag, "verb", old.verb)
		h.pending = h.pending[1:]
		h.finishUnanswered(old)
	}
	h.pending = append(h.pending, c)
}

// takePending removes and returns the command a tagged reply completes:
// the latest one sent with this tag. Tags are unique when clients
// pipeline; a tag used again (the lab types "." every time) means the
// replies to the earlier commands were lost in the capture, and these
// stay unanswered.
func (h *Handler) takePending(tag string) *command {
	for i := len(h.pending) - 1; i >= 0; i-- {
		if c := h.pending[i]; c.tag == tag {
			h.pending = append(h.pending[:i], h.pending[i+1:]...)
			return c
		}
	}
	return nil
}

// finishUnanswered reports a command whose reply never came.
func (h *Handler) finishUnanswered(c *command) {
	if c.cred != nil {
		h.s.Emit(c.cred)
	}
	if c.view != nil {
		// A SELECT whose reply was lost: what it showed still counts.
		if h.selecting == c.view {
			h.selecting = nil
		}
		h.emitView(c.view)
	}
	if c == h.idle {
		h.idle = nil
	}
	if h.auth != nil && h.auth.cmd == c {
		h.finishAuth(c, nil)
	}
	h.s.Emit(&c.rec)
}
