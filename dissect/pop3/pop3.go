// Package pop3 dissects POP3 conversations (RFC 1939, RFC 2449 CAPA,
// RFC 2595 STLS, RFC 5034 AUTH): commands and their replies, the
// credentials of USER/PASS, APOP and AUTH, the messages fetched by RETR and
// TOP, deletions, and how STLS was offered, refused or used.
//
// The dissector is passive and distrustful: it may start mid-stream, it
// resynchronises after gaps on the next line that parses, and it bounds
// every buffer by the session limits.
package pop3

import (
	"time"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// proto is the name of the protocol in records.
const proto = record.ProtoPOP3

// maxQueue bounds the commands waiting for a reply; a pipelining client
// has a handful in flight, more means the replies are lost.
const maxQueue = 256

// handler is the state of one POP3 conversation.
type handler struct {
	s        *session.Session
	cli, srv *lines.Reader

	queue    []*pending // commands waiting for their reply, oldest first
	greeted  bool
	stamp    string // the greeting's APOP timestamp, "<...>"
	user     string // the last USER argument
	response *response
	auth     *pending // AUTH waiting for the client's next response
	// unmatchedOK is set by a +OK that answered no known command, so that
	// the lines that follow can be read as a lost RETR's message.
	unmatchedOK bool
	// skipping is set after a gap in the server direction until a line
	// parses again.
	skipping bool

	tls  tlsState
	box  mailbox
	capa capability
}

// New returns the POP3 dissector for one conversation.
func New(s *session.Session) stream.Handler {
	if s.Proto == "" || s.Proto == record.ProtoUnknown {
		s.Proto = proto
	}
	return &handler{
		s:   s,
		cli: lines.NewReader(s.Limits.MaxLine),
		srv: lines.NewReader(s.Limits.MaxLine),
	}
}

// Handle takes the next piece of the conversation.
func (h *handler) Handle(ev *stream.Event) {
	if h.tls.active() {
		h.forwardTLS(ev)
		return
	}
	if ev.Dir == stream.ClientToServer {
		if ev.Gap > 0 {
			h.s.Warn(ev.Frame, record.WarnPOP3ClientGap, "bytes", ev.Gap)
		}
		h.cli.Write(ev)
		h.clientLines()
		// While STLS waits (sent now or before), the client's bytes are
		// held; when the reply is given up on, they are commands again.
		if h.tls.asked != nil && h.cli.Buffered() > 0 && !h.tls.holdClient(h) {
			h.clientLines()
		}
		return
	}
	if ev.Gap > 0 {
		h.serverGap(ev)
	}
	h.srv.Write(ev)
	if h.tls.serverTLS(h) {
		return
	}
	h.serverLines()
	// A reply may have released client lines held back (STLS).
	if !h.tls.active() {
		h.clientLines()
	}
}

// Close ends the conversation: what waited for a reply is reported
// without one.
func (h *handler) Close(end time.Time, frame int64) {
	h.tls.settle(h)
	if h.response != nil {
		h.response.truncated = true
		h.s.Warn(frame, record.WarnPOP3EndedInResponse)
		h.finishResponse(frame)
	}
	for _, p := range h.queue {
		h.emitCommand(p, "", "", 0)
		h.emitCredential(p, nil, "", 0)
	}
	h.queue = nil
	h.tls.close(end, frame)
	h.box.close(h, frame)
}

// emit sends a record on.
func (h *handler) emit(r record.Record) { h.s.Emit(r) }
