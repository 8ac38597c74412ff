package smtp

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
)

// kind says what a command's reply means to the dissector.
type kind uint8

const (
	kindOther    kind = iota
	kindHidden        // a line the server will answer but that is no command (garbage)
	kindHelo          // HELO, LHLO
	kindEhlo          // EHLO
	kindMail          // MAIL FROM
	kindRcpt          // RCPT TO
	kindRset          // RSET
	kindData          // DATA, answered 354 before the body
	kindDataEnd       // the lone dot ending a DATA body
	kindBDAT          // BDAT chunk
	kindAuth          // AUTH, answered 334 until it ends
	kindStartTLS      // STARTTLS
)

// pending is a command waiting for its reply.
type pending struct {
	cmd  record.Command
	kind kind
	addr string       // MAIL and RCPT path
	last bool         // BDAT LAST
	body *body        // the message a lone dot or BDAT LAST completes
	auth *authState   // AUTH exchange
	text *refusedText // a line of text sent after a refused DATA
}

// known lists the verbs of RFC 5321 and its extensions; only these
// resynchronise the dissector after a gap or a mid-stream start.
var known = map[string]bool{
	"HELO": true, "EHLO": true, "LHLO": true, "MAIL": true, "RCPT": true,
	"DATA": true, "BDAT": true, "RSET": true, "NOOP": true, "QUIT": true,
	"VRFY": true, "EXPN": true, "HELP": true, "STARTTLS": true, "AUTH": true,
	"TURN": true, "ETRN": true, "ATRN": true, "BURL": true, "SEND": true,
	"SOML": true, "SAML": true, "XCLIENT": true, "XFORWARD": true,
}

// command handles one client line in command mode.
func (h *handler) command(l lines.Line) {
	if h.auth != nil && h.auth.awaiting {
		h.authResponse(l)
		return
	}
	verb, args := splitCommand(l.Text)
	if h.refused != nil && h.refusedLine(l, verb) {
		return
	}
	if known[verb] && h.reply.code != "" && h.reply.frame < l.Frame {
		// A client does not speak in the middle of a multi-line reply:
		// the server ended it without a final line (a lone "250-").
		h.warn(h.reply.frame, "", record.WarnSMTPReplyNotEnded, "code", h.reply.code)
		r := h.reply
		h.reply = reply{}
		h.dispatch(&r)
	}
	if !known[verb] {
		if !h.synced || l.AfterGap {
			h.warn(l.Frame, "unsynced", record.WarnSMTPUnsynced)
			return
		}
		if !isWord(verb) {
			// The server answers garbage too: keep its place in the queue.
			h.push(&pending{kind: kindHidden, cmd: record.Command{Packet: l.Frame}})
			return
		}
	}
	h.synced = true
	p := &pending{cmd: record.Command{
		Session: h.s.ID,
		Proto:   record.ProtoSMTP,
		Verb:    verb,
		Args:    clean(args, maxArgs),
		Packet:  l.Frame,
	}}
	h.verb(p, string(args))
	h.push(p)
}

// verb sets what the command's kind implies, before its reply.
func (h *handler) verb(p *pending, args string) {
	switch p.cmd.Verb {
	case "HELO", "LHLO":
		p.kind = kindHelo
	case "EHLO":
		p.kind = kindEhlo
	case "MAIL":
		p.kind = kindMail
		p.addr = clean([]byte(path(args, "FROM:")), maxArgs)
		h.facts.clearMail(p.cmd.Packet)
	case "RCPT":
		p.kind = kindRcpt
		p.addr = clean([]byte(path(args, "TO:")), maxArgs)
	case "RSET":
		p.kind = kindRset
	case "DATA":
		p.kind = kindData
		h.mode = modeAwaitData
	case "BDAT":
		h.startChunk(p, args)
	case "AUTH":
		h.startAuth(p, args)
	case "STARTTLS":
		h.startTLS(p)
	}
}

// push queues a command for its reply.
func (h *handler) push(p *pending) {
	if len(h.pending) >= maxPending {
		h.warn(p.cmd.Packet, "pending", record.WarnSMTPTooManyPending, "max", maxPending)
		old := h.pending[0]
		h.pending = h.pending[1:]
		h.finish(old, nil)
	}
	h.pending = append(h.pending, p)
}

// splitCommand returns the verb, upper case, and the arguments.
func splitCommand(line []byte) (string, []byte) {
	line = bytes.TrimLeft(line, " ")
	verb, args, _ := bytes.Cut(line, []byte(" "))
	if len(verb) > 16 {
		verb = verb[:16]
	}
	return strings.ToUpper(string(verb)), bytes.TrimSpace(args)
}

// isWord reports whether verb looks like a command word (letters only),
// as an unknown extension a server may answer with 502.
func isWord(verb string) bool {
	if verb == "" {
		return false
	}
	for i := 0; i < len(verb); i++ {
		if c := verb[i]; c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// path returns the address of "FROM:<a@b> SIZE=1" style arguments, with
// or without a space after the colon and with or without angle brackets;
// a source route (<@relay:a@b>) is dropped.
func path(args, prefix string) string {
	if len(args) < len(prefix) || !strings.EqualFold(args[:len(prefix)], prefix) {
		return ""
	}
	return address.Path(args[len(prefix):])
}
