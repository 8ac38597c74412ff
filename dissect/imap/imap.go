// Package imap dissects IMAP4rev1/IMAP4rev2 conversations (RFC 3501,
// RFC 9051) passively, from both directions in capture order, and reports
// what an eavesdropper learns.
//
// Records it emits:
//   - command: every command with its tagged reply, matched by tag
//     (clients pipeline); verb upper case, "UID FETCH" for UID forms;
//     args with the LOGIN password masked and SASL responses left out;
//     mailboxes for what LIST and LSUB listed.
//   - credential: LOGIN (mechanism "LOGIN", recoverable) and AUTHENTICATE
//     through dissect/sasl, with SASL-IR, "+" continuations and "*"
//     cancellation; accepted from the tagged reply, nil when none came.
//   - starttls: each STARTTLS, with what the capabilities offered, the
//     reply, whether TLS followed, and cleartext injected around it.
//   - mailbox: one per SELECT/EXAMINE, reported when the mailbox is left
//     (another SELECT, CLOSE, UNSELECT, LOGOUT, the end): EXISTS, RECENT,
//     FLAGS, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT as the SELECT showed
//     them, [UNSEEN n] in unseen (the first unseen message's number),
//     SEARCH UNSEEN / ESEARCH COUNT in unseen_count, and events: what
//     happened to messages afterwards ("STORE 1 +FLAGS (\Deleted)",
//     "FLAGS 1 (\Seen \Deleted)" when a STORE or the server changed flags,
//     "EXPUNGE 1", "EXISTS 4", "COPY 1:2 Archives [COPYUID ...]",
//     "CREATE \"Archives\""; a failed command ends with " [NO]"). STATUS
//     results, CREATE, DELETE and RENAME are mailbox records of their own.
//   - message: each FETCH response that carries message content. The
//     whole message (BODY[], RFC822, BINARY[]) is analysed by
//     dissect/message; a header alone (BODY[HEADER], HEADER.FIELDS,
//     RFC822.HEADER) is analysed as a message without body and named in
//     partial; other sections and byte ranges only give partial and size,
//     but the chunks of a message fetched in chunks from its start
//     (BODY[]<0>, BODY[]<65536>..., as Thunderbird fetches a large one)
//     are analysed as one message, reported with its last chunk, and so
//     are those of a part named as a file (BODY[2]<0>...).
//     ENVELOPE fills the header fields the analysis left empty and
//     BODYSTRUCTURE, when the body was not fetched, fills mime and the
//     attachments (their size is then the encoded size the server counts,
//     and sha256 is empty); a response with only these has partial
//     "ENVELOPE" and/or "BODYSTRUCTURE". A part fetched alone (BODY[2])
//     that an earlier BODYSTRUCTURE of the message named as a file or an
//     image is decoded: its attachment gets its real size and sha256.
//     APPEND messages are "appended".
//   - finding: starttls-not-offered, starttls-refused, starttls-not-used,
//     starttls-plaintext-injection, login-disabled-ignored, imap-preauth,
//     and the attachment checks of dissect/message (who sent a message
//     is decided over the whole capture, in report/lab).
//
// It sets the session's AuthUser and, through package starttls (shared
// with SMTP and POP3), its Security (starttls when TLS followed a tagged
// OK to STARTTLS, starttls-failed when refused, unanswered or not followed
// by TLS), handing every byte after the STARTTLS reply to the TLS
// dissector. After COMPRESS DEFLATE both directions are inflated.
//
// Literals are read by byte count, never by line: a literal holding
// "a1 OK" lines is data. A literal over Limits.MaxLiteral is skipped by
// count, keeping only its first Limits.MaxLine bytes (the header of a big
// message). The dissector may start in the middle of a conversation,
// resynchronises after capture gaps at the next line that starts a
// command or a response (a gap inside a literal is subtracted from it),
// bounds every buffer by session.Limits and never trusts the wire.
package imap

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Proto is the protocol name written in records.
const Proto = record.ProtoIMAP

// maxPending bounds the commands waiting for their tagged reply.
const maxPending = 256

// Handler is the state of one IMAP conversation.
type Handler struct {
	s      *session.Session
	client *framer
	server *framer

	pending []*command
	orphans []orphan // tagged replies that came before their command
	caps    caps
	// preauth is set by a PREAUTH greeting: the session starts
	// authenticated, where STARTTLS is no longer possible.
	preauth      bool
	preauthFrame int64
	greetingSeen bool

	// hold keeps the client bytes sent after a STARTTLS or COMPRESS
	// command until the server answers: they are TLS or compressed if it
	// accepts, cleartext (or an injection) otherwise.
	hold      []byte
	holdFrame int64
	holdFor   *command

	tls      *tlsState
	compress [2]*inflater

	auth *authState // AUTHENTICATE waiting for its tagged reply
	idle *command   // IDLE waiting for DONE

	// structures are the BODYSTRUCTURE parts seen, by sequence number.
	structures map[int64][]bodyPart
	// chunk is the message or part being fetched in chunks, if any.
	chunk *chunked

	mbox      *mailboxView // selected mailbox
	selecting *mailboxView // SELECT/EXAMINE waiting for its tagged reply

	asked     bool                      // STARTTLS was requested at least once
	found     map[record.FindingID]bool // finding ids raised once per session
	credFrame int64                     // first credential sent in clear
	closed    bool
}

// New returns the dissector of one IMAP conversation. The conversation may
// already have started (the greeting missing).
func New(s *session.Session) stream.Handler {
	s.Proto = Proto
	h := &Handler{s: s, found: map[record.FindingID]bool{}}
	h.client = newFramer(stream.ClientToServer, s, looksLikeCommand)
	h.server = newFramer(stream.ServerToClient, s, looksLikeResponse)
	h.server.partLiteral = h.partLiteral
	h.server.chunkLiteral = h.chunkLiteral
	return h
}

// Handle takes the next piece of the conversation.
func (h *Handler) Handle(ev *stream.Event) {
	if h.upgrading() || h.lostReplyShown(ev) {
		h.upgradeEvent(ev)
		return
	}
	f := h.framer(ev.Dir)
	if ev.Gap > 0 {
		h.gap(ev)
	}
	if len(ev.Data) == 0 {
		return
	}
	if ev.Dir == stream.ClientToServer && h.holdFor != nil {
		h.holdBytes(ev.Data, ev.Frame)
		return
	}
	if z := h.compress[ev.Dir]; z != nil {
		z.write(ev.Data, ev.Frame, func(out []byte) {
			f.r.Append(out, ev.Frame, ev.Time)
			h.drain(ev.Dir)
		})
		return
	}
	f.r.Append(ev.Data, ev.Frame, ev.Time)
	h.drain(ev.Dir)
}

// gap handles bytes lost by the capture in one direction.
func (h *Handler) gap(ev *stream.Event) {
	if z := h.compress[ev.Dir]; z != nil {
		// A deflate stream cannot resume after a hole.
		h.s.Warn(ev.Frame, record.WarnIMAPDeflateGap, "dir", ev.Dir, "bytes", ev.Gap)
		z.broken = true
		return
	}
	if ev.Dir == stream.ClientToServer && h.holdFor != nil {
		return
	}
	h.framer(ev.Dir).gap(int64(ev.Gap), ev.Frame, h.deliver(ev.Dir))
}

func (h *Handler) framer(d stream.Direction) *framer {
	if d == stream.ClientToServer {
		return h.client
	}
	return h.server
}

func (h *Handler) deliver(d stream.Direction) func(*unit) {
	if d == stream.ClientToServer {
		return h.clientUnit
	}
	return h.serverUnit
}

// drain frames what is buffered in one direction, then moves the bytes
// that are no longer IMAP text to where they belong.
func (h *Handler) drain(d stream.Direction) {
	f := h.framer(d)
	f.drain(h.deliver(d), func() bool { return h.switched(d) })
	if !h.switched(d) {
		return
	}
	rest, frame := f.rest()
	switch {
	case d == stream.ClientToServer && h.holdFor != nil:
		if len(rest) > 0 {
			h.holdBytes(rest, frame)
		}
	case h.upgrading():
		if len(rest) > 0 {
			h.upgradeEvent(&stream.Event{Dir: d, Data: rest, Frame: frame})
		}
	case h.compress[d] != nil:
		h.compress[d].write(rest, frame, func(out []byte) {
			f.r.Append(out, frame, time.Time{})
			h.drain(d)
		})
	}
}

// switched reports whether the bytes that follow in direction d are no
// longer to be framed as cleartext IMAP.
func (h *Handler) switched(d stream.Direction) bool {
	if h.upgrading() {
		return true
	}
	if d == stream.ClientToServer && h.holdFor != nil {
		return true
	}
	return h.compress[d] != nil && h.compress[d].fresh
}

// holdBytes keeps client bytes sent while a STARTTLS or COMPRESS awaits
// its reply, bounded by the line limit.
func (h *Handler) holdBytes(b []byte, frame int64) {
	if len(h.hold) == 0 {
		h.holdFrame = frame
	}
	room := h.s.Limits.MaxLine - len(h.hold)
	if room < len(b) {
		h.s.Warn(frame, record.WarnIMAPHeldTooLong, "max", h.s.Limits.MaxLine, "verb", h.holdFor.verb)
		b = b[:max(room, 0)]
	}
	h.hold = append(h.hold, b...)
}

// release ends the hold: the kept bytes are read again as cleartext IMAP.
func (h *Handler) release() {
	b, frame := h.hold, h.holdFrame
	h.hold, h.holdFor = nil, nil
	if len(b) > 0 {
		h.client.r.Append(b, frame, time.Time{})
		h.drain(stream.ClientToServer)
	}
}

// Close ends the conversation: commands never answered are reported, the
// selected mailbox is reported, and the findings that need the whole
// conversation are raised.
func (h *Handler) Close(end time.Time, frame int64) {
	if h.closed {
		return
	}
	h.lostReply()
	h.settleStartTLS()
	h.closed = true
	h.flushPartial(stream.ServerToClient)
	h.flushPartial(stream.ClientToServer)
	h.emitMessage(h.endChunks())
	for _, c := range h.pending {
		h.finishUnanswered(c)
	}
	h.pending = nil
	h.closeMailbox()
	h.closeStartTLS(end, frame)
	h.closeFindings()
}

// flushPartial delivers a unit the capture cut short, so that a message
// fetched when the capture ended is still reported (as truncated).
func (h *Handler) flushPartial(d stream.Direction) {
	f := h.framer(d)
	if len(f.u.text) == 0 || h.switched(d) {
		f.drop()
		return
	}
	if f.lit != nil {
		f.lit.Missing += f.left
		f.lit = nil
	}
	f.finish(h.deliver(d))
}
