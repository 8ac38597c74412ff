// Package smtp dissects SMTP conversations (RFC 5321) as a passive
// eavesdropper sees them: commands and their replies, the EHLO
// capabilities and the server's greeting, AUTH exchanges, STARTTLS
// attempts (through package starttls) and the messages sent with DATA or
// BDAT with the server's answer, and the findings these show on their own
// (STARTTLS not offered, refused or not used, message text sent after a
// refused DATA). It reads both directions in capture order, keeps only
// bounded state, and starts wherever the capture starts.
package smtp

import (
	"time"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/starttls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// mode is what the client's next bytes are.
type mode uint8

const (
	modeCommand   mode = iota // command lines
	modeData                  // a DATA body, up to the lone dot
	modeBDAT                  // the bytes of a BDAT chunk
	modeAwaitData             // DATA sent, its reply not seen yet
	modeAwaitTLS              // STARTTLS sent, its reply not seen yet
	modeTLS                   // TLS took over the conversation
)

// maxPending bounds the commands waiting for a reply; a real client
// pipelines a few dozen at most.
const maxPending = 256

// maxHold bounds the client bytes kept while waiting for the reply to DATA
// or STARTTLS.
const maxHold = 64 << 10

// handler is the state of one SMTP conversation.
type handler struct {
	s      *session.Session
	client *lines.Reader
	server *lines.Reader
	mode   mode

	// synced is set once a client line parsed as a known command: until
	// then (mid-stream start, or after a gap) other lines are not trusted.
	synced bool
	// replies counts the replies seen, to tell the greeting from a reply.
	replies int
	pending []*pending
	reply   reply

	tx transaction
	// body is the message being sent, chunk the one taking BDAT bytes.
	body  *body
	chunk *body
	// bdatLeft counts the bytes of the current BDAT chunk still to come.
	bdatLeft int64
	auth     *authState
	tls      *starttls.Upgrade
	facts    facts
	warned   map[string]bool
	// refused counts the text sent after a refused DATA; refusals are
	// all of them, reported at the end.
	refused  *refusedText
	refusals []*refusedText
}

// New returns the handler of one SMTP conversation. The conversation may
// have started before the capture: the greeting may be missing.
func New(s *session.Session) stream.Handler {
	max := s.Limits.MaxLine
	return &handler{
		s:      s,
		client: lines.NewReader(max),
		server: lines.NewReader(max),
		warned: map[string]bool{},
	}
}

// Handle takes one event of either direction.
func (h *handler) Handle(ev *stream.Event) {
	if h.mode == modeTLS {
		h.upgradeEvent(ev)
		return
	}
	if ev.Dir == stream.ClientToServer {
		h.clientEvent(ev)
	} else {
		h.serverEvent(ev)
	}
}

func (h *handler) clientEvent(ev *stream.Event) {
	if ev.Gap > 0 {
		h.clientGap(ev)
	}
	h.client.Append(ev.Data, ev.Frame, ev.Time)
	h.readClient()
}

func (h *handler) serverEvent(ev *stream.Event) {
	if ev.Gap > 0 {
		h.serverGap(ev)
		if h.mode == modeTLS {
			// The gap took the reply to STARTTLS and TLS followed: the
			// bytes after it are the server's TLS.
			h.upgradeEvent(&stream.Event{Dir: ev.Dir, Data: ev.Data, Frame: ev.Frame, Time: ev.Time})
			return
		}
	}
	h.server.Append(ev.Data, ev.Frame, ev.Time)
	h.readServer()
}

// readClient consumes what the client's buffered bytes allow in the
// current mode; await modes leave them buffered until the reply.
func (h *handler) readClient() {
	for {
		switch h.mode {
		case modeCommand, modeData:
			if h.mode == modeData && h.dataRun() {
				continue
			}
			l, ok := h.client.Next()
			if !ok {
				return
			}
			h.clientLine(l)
		case modeBDAT:
			if !h.readChunk() {
				return
			}
		case modeAwaitData, modeAwaitTLS:
			h.holdClient()
			return
		default:
			return
		}
	}
}

func (h *handler) clientLine(l lines.Line) {
	if l.Cut {
		h.warn(l.Frame, "line-cut", record.WarnSMTPLineCut, "max", h.s.Limits.MaxLine)
	}
	if h.mode == modeData {
		h.dataLine(l)
		return
	}
	h.command(l)
}

// readServer consumes complete server lines; it stops when TLS takes over
// so that the bytes after the STARTTLS reply are never read as SMTP.
func (h *handler) readServer() {
	for h.mode != modeTLS {
		l, ok := h.server.Next()
		if !ok {
			return
		}
		h.serverLine(l)
	}
}

// clientGap handles missing client bytes.
func (h *handler) clientGap(ev *stream.Event) {
	switch h.mode {
	case modeData:
		h.body.lose()
		h.warn(ev.Frame, "", record.WarnSMTPMessageGap, "bytes", ev.Gap)
	case modeBDAT:
		h.chunkGap(ev)
	default:
		h.synced = false
		h.warn(ev.Frame, "", record.WarnSMTPClientGap, "bytes", ev.Gap)
	}
	h.client.Gap()
}

// serverGap handles missing server bytes: the replies to the commands sent
// before it are probably lost, so those commands are reported without a
// reply rather than matched with the wrong one.
func (h *handler) serverGap(ev *stream.Event) {
	h.server.Gap()
	h.reply = reply{}
	h.warn(ev.Frame, "", record.WarnSMTPServerGap, "bytes", ev.Gap)
	for len(h.pending) > 0 && h.pending[0].cmd.Packet < ev.Frame {
		p := h.pending[0]
		h.pending = h.pending[1:]
		h.finish(p, nil)
	}
}

// Close flushes what is still open when the conversation ends.
func (h *handler) Close(end time.Time, frame int64) {
	h.settleTLS()
	if h.mode == modeData {
		h.body.lose()
		h.warn(frame, "", record.WarnSMTPEndedInMessage)
		h.endData(0)
	}
	for len(h.pending) > 0 {
		p := h.pending[0]
		h.pending = h.pending[1:]
		h.finish(p, nil)
	}
	h.release(h.body)
	h.closeTLS(end, frame)
	h.sessionFindings()
	h.refusalFindings()
}

// warn reports a problem once per key (every time when key is empty).
func (h *handler) warn(frame int64, key string, id record.WarningID, kv ...any) {
	if key != "" {
		if h.warned[key] {
			return
		}
		h.warned[key] = true
	}
	h.s.Warn(frame, id, kv...)
}

func (h *handler) emit(r record.Record) { h.s.Emit(r) }
