package pop3

import (
	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

// responseKind says what a multi-line response holds.
type responseKind uint8

const (
	listResponse    responseKind = iota // LIST, UIDL, AUTH: read and dropped
	capaResponse                        // CAPA: capability names
	messageResponse                     // RETR, TOP: a message
)

// maxCapabilities bounds the capability lines kept.
const maxCapabilities = 64

// response is a multi-line response being read, up to its lone dot.
type response struct {
	p         *pending
	frame     int64 // frame of its first line
	msg       *message.Stream
	fed       int64 // bytes given to msg
	truncated bool
	limitHit  bool
	lines     int
	caps      []string
	// size counts the message's bytes, analysed or not; held those msg
	// keeps in the capture's budget; starved is set when the budget
	// refused more.
	size    int64
	held    session.Reservation
	starved bool
}

func (h *handler) openResponse(p *pending, frame int64) {
	h.response = &response{p: p, frame: frame}
	if p.kind == messageResponse {
		h.response.msg = message.NewStream(h.s.MessageOptions())
	}
}

// analyse gives bytes of the message to its analysis within the
// capture's budget, until the budget refuses some.
func (r *response) analyse(h *handler, frame int64, p []byte) {
	if r.starved || !h.s.Feed(&r.held, frame, r.msg, p) {
		r.starved, r.truncated = true, true
		return
	}
	r.fed += int64(len(p))
}

// line reads one line of the response: the lone dot ends it, a leading
// dot is unstuffed (RFC 1939 section 3).
func (r *response) line(h *handler, l lines.Line) {
	text := l.Text
	if len(text) == 1 && text[0] == '.' {
		h.finishResponse(l.Frame)
		return
	}
	if r.p.kind != messageResponse {
		if st, _ := status(text); st != "" {
			// A listing never holds a status line: the server sent a
			// single line where a list was due (suricata bug 7709).
			h.s.Warn(l.Frame, record.WarnPOP3NoFinalDot, "verb", r.p.verb)
			h.finishResponse(l.Frame)
			h.serverLine(l)
			return
		}
	}
	if r.lines == 0 {
		r.frame = l.Frame
	}
	r.lines++
	if len(text) > 0 && text[0] == '.' {
		text = text[1:]
	}
	if l.AfterGap {
		r.truncated = true
	}
	switch r.p.kind {
	case capaResponse:
		if len(r.caps) < maxCapabilities {
			r.caps = append(r.caps, clean(text))
		}
	case messageResponse:
		r.keep(h, l, text)
	}
}

var crlf = []byte("\r\n")

// run keeps the plain lines of a retrieved message at once, as long as
// they fit under the message limit: the line that passes it, a stuffed
// dot and the final one are read line by line.
func (r *response) run(h *handler) bool {
	if r.p.kind != messageResponse || r.limitHit || r.starved {
		return false
	}
	room := messageLimit(h) - r.fed
	if room <= 0 {
		return false
	}
	text, n, first, _ := h.srv.Run(int(min(room, 1<<30)))
	if n == 0 {
		return false
	}
	if r.lines == 0 {
		r.frame = first
	}
	r.lines += n
	r.size += int64(len(text))
	r.analyse(h, first, text)
	return true
}

// messageLimit is the most bytes of a message analysed.
func messageLimit(h *handler) int64 {
	if limit := h.s.Limits.MaxMessage; limit > 0 {
		return limit
	}
	return 32 << 20
}

// keep analyses a message line, up to the session's message limit.
func (r *response) keep(h *handler, l lines.Line, text []byte) {
	if l.Cut {
		r.truncated = true
		h.s.Warn(l.Frame, record.WarnPOP3MessageLineCut, "max", h.s.Limits.MaxLine)
	}
	limit := messageLimit(h)
	r.size += int64(len(text) + 2)
	if r.limitHit || r.fed+int64(len(text)+2) > limit {
		if !r.limitHit {
			h.s.Warn(l.Frame, record.WarnPOP3MessageTooLarge, "max", limit)
		}
		r.limitHit, r.truncated = true, true
		return
	}
	r.analyse(h, l.Frame, text)
	r.analyse(h, l.Frame, crlf)
}

// finishResponse ends the multi-line response at its lone dot (or at the
// end of the conversation).
func (h *handler) finishResponse(frame int64) {
	r := h.response
	h.response = nil
	switch r.p.kind {
	case capaResponse:
		h.capa.list(h, r.caps, r.p.frame, frame)
	case messageResponse:
		h.fetched(r, frame)
		h.s.Release(&r.held)
		r.msg.Discard()
	}
}
