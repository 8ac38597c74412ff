package pop3

import (
	"bytes"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// serverLines reads the complete server lines, until STLS hands the
// conversation over to TLS.
func (h *handler) serverLines() {
	for !h.tls.active() {
		if h.response != nil && h.response.run(h) {
			continue
		}
		l, ok := h.srv.Next()
		if !ok {
			return
		}
		h.serverLine(l)
	}
}

// serverGap notes missing server bytes: inside a multi-line response the
// message is marked truncated; elsewhere the lines are skipped until one
// parses.
func (h *handler) serverGap(ev *stream.Event) {
	h.s.Warn(ev.Frame, record.WarnPOP3ServerGap, "bytes", ev.Gap)
	if h.response != nil {
		h.response.truncated = true
		return
	}
	h.skipping = true
}

// status splits a reply line into "+OK"/"-ERR" and its text.
func status(b []byte) (string, []byte) {
	for _, s := range []string{"+OK", "-ERR"} {
		if len(b) >= len(s) && bytes.EqualFold(b[:len(s)], []byte(s)) {
			rest := b[len(s):]
			if len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' {
				return s, bytes.TrimSpace(rest)
			}
		}
	}
	return "", nil
}

// serverLine reads one server line.
func (h *handler) serverLine(l lines.Line) {
	if h.response != nil {
		h.response.line(h, l)
		return
	}
	st, text := status(l.Text)
	if st == "" {
		h.otherLine(l)
		return
	}
	h.skipping = false
	h.unmatchedOK = false
	if len(h.queue) == 0 {
		h.unqueuedReply(st, text, l.Frame)
		return
	}
	p := h.queue[0]
	h.queue = h.queue[1:]
	h.reply(p, st, text, l.Frame)
}

// otherLine reads a server line that is no status: an AUTH continuation,
// or after a gap or mid-stream the body of a response whose start was
// lost.
func (h *handler) otherLine(l lines.Line) {
	if h.auth != nil && len(l.Text) > 0 && l.Text[0] == '+' {
		h.continuation(l.Text, l.Frame)
		return
	}
	if len(h.queue) > 0 && h.queue[0].multi && (l.AfterGap || h.skipping) {
		// The +OK of the head command was lost in the gap: what
		// follows is its response, from somewhere in the middle.
		p := h.queue[0]
		h.queue = h.queue[1:]
		h.emitCommand(p, "", "", 0)
		h.openResponse(p, l.Frame)
		h.response.truncated = true
		h.skipping = false
		h.response.line(h, l)
		return
	}
	if h.unmatchedOK || (!h.greeted && looksLikeHeader(l.Text)) {
		// Mid-stream: a message whose RETR was not seen.
		h.openResponse(&pending{kind: messageResponse}, l.Frame)
		h.response.truncated = !h.unmatchedOK
		h.unmatchedOK = false
		h.response.line(h, l)
		return
	}
	if !l.AfterGap && !h.skipping && len(l.Text) > 0 {
		h.s.Warn(l.Frame, record.WarnPOP3NotAReply, "line", record.Quote(clean(l.Text)))
	}
	h.skipping = true
}

// unqueuedReply reads a status line no known command waits for: the
// greeting, or a reply to a command lost before the capture started.
func (h *handler) unqueuedReply(st string, text []byte, frame int64) {
	octets := st == "+OK" && bytes.Contains(bytes.ToLower(text), []byte("octets"))
	if !h.greeted && !octets {
		h.greeted = true
		h.greeting(text)
		return
	}
	h.greeted = true
	h.unmatchedOK = octets
}

// greeting keeps the APOP timestamp "<...>" of the server's banner.
func (h *handler) greeting(text []byte) {
	i := bytes.IndexByte(text, '<')
	if i < 0 {
		return
	}
	j := bytes.IndexByte(text[i:], '>')
	if j < 0 {
		return
	}
	h.stamp = clean(text[i : i+j+1])
}

// reply completes a command with its status line.
func (h *handler) reply(p *pending, st string, text []byte, frame int64) {
	ok := st == "+OK"
	reply := clean(text)
	if p.verb == "DELE" && ok {
		reply += " (the message is removed only at QUIT)"
	}
	h.emitCommand(p, st, reply, frame)
	if h.auth == p {
		h.auth = nil
	}
	h.emitCredential(p, record.Bool(ok), reply, frame)
	h.box.reply(h, p, ok, text, frame)
	if p.verb == "STLS" {
		if h.tls.asked == p { // not already given up on
			h.tls.reply(h, p, ok, reply, frame)
		}
		return
	}
	if ok && p.multi {
		h.openResponse(p, frame)
	}
}

// looksLikeHeader reports whether a line could open a message: a header
// field name, a colon and a value.
func looksLikeHeader(b []byte) bool {
	name, _, found := bytes.Cut(b, []byte{':'})
	if !found || len(name) == 0 || len(name) > 76 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}
