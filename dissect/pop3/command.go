package pop3

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/sasl"
)

// pending is one client command waiting for its reply.
type pending struct {
	verb  string // upper case; "" for a line that is no command
	args  string // printable, secrets masked
	arg   []byte // first argument, for RETR/TOP/DELE numbers
	frame int64
	// multi is set when a +OK reply opens a multi-line response.
	multi bool
	kind  responseKind
	cred  *record.Credential // USER/PASS or APOP, completed by the reply
	sasl  *sasl.Exchange     // AUTH
	// awaiting is set on AUTH while the server's last continuation waits
	// for the client's response.
	awaiting bool
	// secret is the frame of the client's last AUTH response, prompt
	// the frame of the server's last continuation before it: the
	// secret crosses there, not in the command's own frame.
	secret, prompt int64
}

// verbs are the commands of RFC 1939, 2449, 2595, 5034 and 6856, and
// the obsolete ones old clients still send.
var verbs = map[string]bool{
	"USER": true, "PASS": true, "APOP": true, "AUTH": true, "CAPA": true, "STLS": true,
	"STAT": true, "LIST": true, "UIDL": true, "RETR": true, "TOP": true, "DELE": true,
	"RSET": true, "NOOP": true, "QUIT": true, "UTF8": true, "LANG": true,
	"LAST": true, "RPOP": true, "XTND": true,
}

// clientLines reads the complete client lines, unless STLS holds them
// back until its reply.
func (h *handler) clientLines() {
	for !h.tls.waiting() {
		l, ok := h.cli.Next()
		if !ok {
			return
		}
		if h.auth != nil && h.auth.awaiting {
			h.saslResponse(l)
			continue
		}
		h.command(l)
	}
}

// command reads one command line.
func (h *handler) command(l lines.Line) {
	word, rest := cut(l.Text)
	if !isVerb(word) || !verbs[upper(word)] {
		if l.AfterGap || len(l.Text) == 0 {
			return // the start of this line is lost, or it is empty
		}
		// Unknown lines are often SASL responses whose prompt was
		// missed: their text is never quoted, it may be a secret.
		h.s.Warn(l.Frame, record.WarnPOP3UnknownCommand, "bytes", len(l.Text))
		h.enqueue(&pending{frame: l.Frame}) // it still gets a reply
		return
	}
	if l.Cut {
		h.s.Warn(l.Frame, record.WarnPOP3CommandCut, "max", h.s.Limits.MaxLine)
	}
	h.greeted = true // a client speaks after the greeting
	p := &pending{verb: upper(word), frame: l.Frame}
	rest = bytes.TrimRight(rest, " \t")
	p.args = clean(rest)
	first, second := cut(rest)
	p.arg = append([]byte(nil), first...)
	switch p.verb {
	case "USER":
		h.user = clean(rest)
	case "PASS":
		h.pass(p, rest)
	case "APOP":
		h.apop(p, first, second)
	case "AUTH":
		h.startAuth(p, first, second)
	case "STLS":
		h.tls.request(h, p)
	case "CAPA":
		p.multi, p.kind = true, capaResponse
	case "RETR":
		p.multi, p.kind = true, messageResponse
	case "TOP":
		p.multi, p.kind = true, messageResponse
	case "LIST", "UIDL":
		p.multi = len(rest) == 0
		p.kind = listResponse
	}
	h.enqueue(p)
}

// enqueue adds a command to the queue waiting for replies.
func (h *handler) enqueue(p *pending) {
	if len(h.queue) >= maxQueue {
		old := h.queue[0]
		h.s.Warn(old.frame, record.WarnPOP3TooManyPending, "max", maxQueue)
		h.emitCommand(old, "", "", 0)
		h.queue = h.queue[1:]
	}
	h.queue = append(h.queue, p)
}

// emitCommand reports a command with its reply (status "" when none was
// seen).
func (h *handler) emitCommand(p *pending, status, reply string, replyFrame int64) {
	if p.verb == "" {
		return
	}
	h.emit(&record.Command{
		Session:     h.s.ID,
		Proto:       proto,
		Verb:        p.verb,
		Args:        p.args,
		Status:      status,
		Reply:       reply,
		Packet:      p.frame,
		ReplyPacket: replyFrame,
	})
}

// maskArgs keeps the first word of an argument list and masks the rest,
// for commands whose later arguments are secrets.
func maskArgs(first, secret []byte) string {
	if len(secret) == 0 {
		return clean(first)
	}
	return strings.TrimSpace(clean(first) + " " + clean([]byte(record.Mask(string(secret)))))
}
