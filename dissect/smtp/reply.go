package smtp

import (
	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
)

// maxReplyLines bounds the continuation lines kept of a multi-line reply
// (the EHLO capability list).
const maxReplyLines = 64

// reply is one complete server reply.
type reply struct {
	code  string // three digits; empty while no reply is being read
	text  string // first line, cleaned
	frame int64  // frame of its first byte
	more  []string
}

func (r *reply) ok() bool { return r != nil && r.code[0] == '2' }

// status is the reply as a record shows it: code and first line.
func (r *reply) status() string {
	if r.text == "" {
		return r.code
	}
	return r.code + " " + cut(r.text, maxReply)
}

// parseReply splits "250-text" / "250 text" / "250" lines.
func parseReply(b []byte) (code string, more bool, text []byte, ok bool) {
	if len(b) < 3 || !digit(b[0]) || !digit(b[1]) || !digit(b[2]) {
		return "", false, nil, false
	}
	if b[0] < '2' || b[0] > '5' {
		return "", false, nil, false
	}
	if len(b) == 3 {
		return string(b), false, nil, true
	}
	switch b[3] {
	case ' ':
		return string(b[:3]), false, b[4:], true
	case '-':
		return string(b[:3]), true, b[4:], true
	}
	return "", false, nil, false
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// serverLine reads one server line into the reply being built.
func (h *handler) serverLine(l lines.Line) {
	code, more, text, ok := parseReply(l.Text)
	if !ok {
		if !l.AfterGap {
			h.warn(l.Frame, "server-garbage", record.WarnSMTPServerGarbage)
		}
		return
	}
	if h.reply.code != "" && h.reply.code != code {
		// A multi-line reply never ended: it ends where another begins.
		h.warn(l.Frame, "", record.WarnSMTPReplyInterleaved, "code", h.reply.code, "next", code)
		r := h.reply
		h.reply = reply{}
		h.dispatch(&r)
		if h.mode == modeTLS {
			return
		}
	}
	if h.reply.code == "" {
		h.reply = reply{code: code, text: clean(text, maxChallenge), frame: l.Frame}
	} else if len(h.reply.more) < maxReplyLines {
		h.reply.more = append(h.reply.more, clean(text, maxArgs))
	}
	if more {
		return
	}
	r := h.reply
	h.reply = reply{}
	h.dispatch(&r)
}

// dispatch matches a complete reply with the oldest command waiting.
func (h *handler) dispatch(r *reply) {
	h.replies++
	if h.mode == modeData {
		// The server only speaks after the lone dot: it was lost.
		h.body.lose()
		h.warn(r.frame, "", record.WarnSMTPEarlyReply)
		h.endData(0)
	}
	if h.replies == 1 && r.code == "220" && (len(h.pending) == 0 || h.pending[0].kind != kindStartTLS) {
		h.synced = true
		h.s.Greeting, h.s.GreetingFrame = r.status(), r.frame
		return
	}
	if len(h.pending) == 0 {
		h.warn(r.frame, "unmatched", record.WarnSMTPUnmatchedReply, "code", r.code)
		return
	}
	h.skipUnanswered(r)
	if !takes(h.pending[0].kind, r.code) {
		// A reply the oldest command cannot take answers a command the
		// capture lost (a gap past a BDAT chunk, say): pairing it would
		// shift every later pair.
		h.warn(r.frame, "", record.WarnSMTPReplyUnpaired, "code", r.code, "verb", h.pending[0].cmd.Verb)
		return
	}
	p := h.pending[0]
	if p.kind == kindAuth && r.code == "334" {
		h.authChallenge(p, r)
		return
	}
	h.pending = h.pending[1:]
	h.finish(p, r)
}

// finish completes a command with its reply, or with none when the reply
// was lost (r nil).
func (h *handler) finish(p *pending, r *reply) {
	if p.kind == kindHidden {
		if p.text != nil {
			p.text.reply(r)
		}
		return
	}
	if p.kind == kindDataEnd {
		h.sent(p, r)
		return
	}
	if r != nil {
		p.cmd.Status = r.code
		p.cmd.Reply = cut(r.text, maxReply)
		p.cmd.ReplyPacket = r.frame
		if p.kind == kindEhlo && r.ok() {
			p.cmd.Capabilities = append([]string(nil), r.more...)
		}
	}
	// Emitted records are final: live output prints them at once.
	h.emit(&p.cmd)
	switch p.kind {
	case kindEhlo, kindHelo:
		// Only an accepted greeting resets the transaction (RFC 5321
		// 4.1.4); a lost reply is taken as acceptance, as for MAIL.
		if r != nil && !r.ok() {
			break
		}
		if p.kind == kindEhlo && r.ok() {
			h.capabilities(p, r)
		}
		h.tx = transaction{}
		h.dropChunks()
	case kindMail:
		// A lost reply is taken as acceptance: the envelope is what the
		// client asked for, which is what the capture can tell.
		if r == nil || r.ok() {
			h.tx = transaction{from: p.addr, active: true}
		}
	case kindRcpt:
		if r == nil || r.ok() {
			h.tx.add(p.addr, p.cmd.Packet)
		}
	case kindRset:
		if r.ok() {
			h.tx = transaction{}
			h.dropChunks()
		}
	case kindData:
		if r != nil && (r.code[0] == '4' || r.code[0] == '5') {
			h.dataRefused(p, r)
		}
		h.dataReply(r)
	case kindBDAT:
		if p.last {
			h.sent(p, r)
		}
	case kindAuth:
		h.authReply(p, r)
	case kindStartTLS:
		h.startTLSReply(p, r)
	}
}

// cut bounds a string, keeping it valid UTF-8.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && s[max]&0xc0 == 0x80 {
		max--
	}
	return s[:max]
}

// answers names the only command a reply code can answer: a 354 answers
// DATA, a 334 or 235 AUTH.
var answers = map[string]kind{"354": kindData, "334": kindAuth, "235": kindAuth}

// takes reports whether a command of kind k can be answered with code:
// DATA gets 354 or a refusal, STARTTLS 220 or a refusal, AUTH 334, 235 or
// a refusal; the others anything.
func takes(k kind, code string) bool {
	refusal := code[0] == '4' || code[0] == '5'
	switch k {
	case kindData:
		return code == "354" || refusal
	case kindStartTLS:
		return code == "220" || refusal
	case kindAuth:
		return code == "334" || code == "235" || refusal
	}
	return true
}

// skipUnanswered resynchronises when a reply can only answer a command
// queued behind the oldest one: the commands before it lost their replies
// (or the server sent a reply nobody asked for, such as a late greeting).
func (h *handler) skipUnanswered(r *reply) {
	want, ok := answers[r.code]
	if !ok || h.pending[0].kind == want {
		return
	}
	for i := 1; i < len(h.pending); i++ {
		if h.pending[i].kind != want {
			continue
		}
		h.warn(r.frame, "", record.WarnSMTPRepliesLost, "code", r.code, "lost", i)
		skipped := h.pending[:i]
		h.pending = h.pending[i:]
		for _, p := range skipped {
			h.finish(p, nil)
		}
		return
	}
}
