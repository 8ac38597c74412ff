package smtp

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// body is one message as the client sends it, dot-unstuffed, analysed
// as it arrives.
type body struct {
	msg    *message.Stream
	fed    int64 // bytes given to msg: at most Limits.MaxMessage
	size   int64 // bytes of the message, analysed or not
	packet int64 // frame of its first byte
	end    int64 // frame of its last byte
	// over is set when the message passed Limits.MaxMessage: its start
	// is kept; lost when bytes are missing (a gap, a cut line).
	over, lost bool
	// partial is set when a gap ran past the end of a BDAT chunk: the
	// message's end is not known.
	partial bool
	// held counts the bytes msg keeps in the capture's budget;
	// starved is set when the budget refused more, done once the
	// message was analysed and its bytes given back.
	held          session.Reservation
	starved, done bool
}

// add counts message bytes and returns those to analyse: none once the
// budget is spent or given back, at most max in all.
func (b *body) add(p []byte, frame, max int64) []byte {
	if b.packet == 0 {
		b.packet = frame
	}
	b.end = frame
	b.size += int64(len(p))
	if b.starved || b.done {
		return nil
	}
	if room := max - b.fed; max > 0 && room < int64(len(p)) {
		b.over = true
		p = p[:min(len(p), int(room))]
	}
	b.fed += int64(len(p))
	return p
}

func (b *body) lose() {
	if b != nil {
		b.lost = true
	}
}

func (b *body) truncated() bool { return b.over || b.lost || b.starved }

var crlf = []byte("\r\n")

// dataLine takes one line of a DATA body.
func (h *handler) dataLine(l lines.Line) {
	t := l.Text
	if len(t) == 1 && t[0] == '.' {
		h.endData(l.Frame)
		return
	}
	if len(t) > 0 && t[0] == '.' {
		t = t[1:]
	}
	if l.Cut || l.AfterGap {
		h.body.lost = true
	}
	h.add(h.body, t, l.Frame)
	h.add(h.body, crlf, l.Frame)
}

// dataRun takes the plain lines of a DATA body at once, as long as they
// fit under the message limit: the line that passes it, a stuffed dot and
// the final one are read line by line.
func (h *handler) dataRun() bool {
	room := 0
	if limit := h.s.Limits.MaxMessage; limit > 0 {
		room = int(min(limit-h.body.fed, 1<<30))
		if room <= 0 || h.body.over {
			return false
		}
	}
	text, _, first, last := h.client.Run(room)
	if len(text) == 0 {
		return false
	}
	h.add(h.body, text, first)
	h.body.end = last
	return true
}

// add gives bytes to a message's analysis, within the capture's budget,
// warning once when the limit is passed.
func (h *handler) add(b *body, p []byte, frame int64) {
	over := b.over
	if p = b.add(p, frame, h.s.Limits.MaxMessage); len(p) > 0 && !h.s.Feed(&b.held, frame, b.msg, p) {
		b.starved = true
	}
	if b.over && !over {
		h.warn(frame, "", record.WarnSMTPMessageTooLarge, "max", h.s.Limits.MaxMessage)
	}
}

// dataReply switches to the body after 354.
func (h *handler) dataReply(r *reply) {
	switch {
	case r != nil && r.code == "354", r == nil && h.mode == modeAwaitData:
		// A lost reply to DATA is most likely 354: the body follows.
		h.startData()
	case h.mode == modeAwaitData:
		h.mode = modeCommand
	}
	h.readClient()
}

func (h *handler) startData() {
	if h.mode == modeData {
		return
	}
	h.mode = modeData
	h.body = h.newBody()
}

// endData ends a DATA body at the lone dot (frame 0 when it was lost): the
// reply to it completes the message.
func (h *handler) endData(frame int64) {
	h.mode = modeCommand
	b := h.body
	h.body = nil
	if b == nil {
		return
	}
	if frame > 0 {
		b.end = frame
	}
	h.push(&pending{kind: kindDataEnd, body: b, cmd: record.Command{Packet: b.end}})
}

// holdClient keeps the client's bytes while DATA or STARTTLS waits for its
// reply, within a bound.
func (h *handler) holdClient() {
	if h.mode == modeAwaitTLS {
		h.holdTLS()
		return
	}
	if h.client.Buffered() > maxHold {
		frame, _ := h.client.Frame()
		h.warn(frame, "", record.WarnSMTPBodyWithoutDATAReply)
		h.startData()
		h.readClient()
	}
}

// startChunk reads "BDAT size [LAST]": the chunk's bytes follow the line
// at once, counted, never dot-stuffed.
func (h *handler) startChunk(p *pending, args string) {
	p.kind = kindBDAT
	f := strings.Fields(args)
	if len(f) == 0 || len(f) > 2 {
		return
	}
	size, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || size < 0 {
		return
	}
	p.last = len(f) == 2 && strings.EqualFold(f[1], "LAST")
	if len(f) == 2 && !p.last {
		// A server rejects the syntax and reads what follows as commands.
		return
	}
	if h.body == nil {
		h.body = h.newBody()
	}
	h.chunk = h.body
	if p.last {
		p.body = h.body
		h.body = nil
	}
	if size > 0 {
		h.bdatLeft = size
		h.mode = modeBDAT
	} else if h.chunk.packet == 0 {
		h.chunk.packet, h.chunk.end = p.cmd.Packet, p.cmd.Packet
	}
}

// dropChunks forgets the BDAT chunks of a transaction that RSET (or a new
// EHLO/HELO) aborted before its LAST chunk.
func (h *handler) dropChunks() {
	if h.mode == modeCommand {
		h.release(h.body)
		h.body = nil
	}
}

// release gives back the bytes a message held in the capture's budget.
func (h *handler) release(b *body) {
	if b == nil {
		return
	}
	h.s.Release(&b.held)
	b.msg.Discard()
	b.done = true
}

func (h *handler) newBody() *body {
	return &body{msg: message.NewStream(h.s.MessageOptions())}
}

// readChunk takes buffered bytes of the current BDAT chunk.
func (h *handler) readChunk() bool {
	n := h.client.Buffered()
	if n == 0 {
		return false
	}
	if int64(n) > h.bdatLeft {
		n = int(h.bdatLeft)
	}
	b, frame, _ := h.client.Take(n)
	h.add(h.chunk, b, frame)
	h.bdatLeft -= int64(n)
	if h.bdatLeft == 0 {
		h.mode = modeCommand
	}
	return true
}

// chunkGap accounts for client bytes missing inside a BDAT chunk.
func (h *handler) chunkGap(ev *stream.Event) {
	h.chunk.lost = true
	h.warn(ev.Frame, "", record.WarnSMTPBDATGap, "bytes", ev.Gap)
	if int64(ev.Gap) < h.bdatLeft {
		h.chunk.size += int64(ev.Gap)
		h.bdatLeft -= int64(ev.Gap)
		return
	}
	// The gap ran past the chunk: what follows is unknown.
	h.chunk.partial = true
	h.chunk.size += h.bdatLeft
	h.bdatLeft = 0
	h.mode = modeCommand
	h.synced = false
}
