package smtp

import (
	"strconv"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/starttls"
)

// maxRefusals bounds the refused-DATA summaries kept per session.
const maxRefusals = 16

// refusedText sums up what a client sent after its DATA was refused: the
// message text, which the server reads as commands and answers with
// errors, but which crossed the wire all the same.
type refusedText struct {
	data, refusal int64 // frames of DATA and of its refusal
	code          string
	first, last   int64 // frames of the text
	lines         int
	bytes         int64
	replies       int    // replies the server gave to those lines
	replyCode     string // the first of them
}

// dataRefused starts counting the text a client may send after a refused
// DATA.
func (h *handler) dataRefused(p *pending, r *reply) {
	if len(h.refusals) >= maxRefusals {
		h.refused = nil
		return
	}
	h.refused = &refusedText{data: p.cmd.Packet, refusal: r.frame, code: r.code}
	h.refusals = append(h.refusals, h.refused)
}

// refusedLine takes a client line after a refused DATA. A known command
// ends the text; anything else is counted as text and keeps its place in
// the reply queue, so that the server's errors pair with it.
func (h *handler) refusedLine(l lines.Line, verb string) bool {
	t := h.refused
	if known[verb] {
		h.refused = nil
		return false
	}
	if t.first == 0 {
		t.first = l.Frame
	}
	t.last = l.Frame
	t.lines++
	t.bytes += int64(len(l.Text)) + 2
	h.push(&pending{kind: kindHidden, text: t, cmd: record.Command{Packet: l.Frame}})
	return true
}

// textReply counts the server's answer to a line of refused text.
func (t *refusedText) reply(r *reply) {
	if r == nil {
		return
	}
	t.replies++
	if t.replyCode == "" {
		t.replyCode = r.code
	}
}

// refusalFindings reports, once the conversation ended, each refused DATA
// whose text the client sent anyway.
func (h *handler) refusalFindings() {
	for _, t := range h.refusals {
		if t.lines == 0 {
			continue
		}
		h.s.Finding(&record.Finding{
			ID:       record.FindingSMTPRefusedDataSent,
			Severity: record.SeverityMedium,
			Frames:   starttls.Frames(t.data, t.refusal, t.first, t.last),
			Args: map[string]string{"variant": "smtp", "code": t.code, "lines": strconv.Itoa(t.lines), "bytes": strconv.FormatInt(t.bytes, 10),
				"replies": strconv.Itoa(t.replies), "reply": t.replyCode},
		})
	}
}
