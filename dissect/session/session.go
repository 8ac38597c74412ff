// Package session is what every protocol dissector is given for one
// conversation: where to send records, the limits to respect, and the
// shared security state that becomes the session record.
package session

import (
	"fmt"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Limits bound what a dissector keeps in memory. Every limit that is hit is
// reported with Warn, never silently.
type Limits struct {
	MaxLine       int   // longest line kept; the rest of a longer line is skipped
	MaxLiteral    int64 // largest IMAP literal kept; larger ones are skipped by count
	MaxMessage    int64 // largest message kept for analysis
	MaxAttachment int64 // largest attachment decoded and hashed whole
	MaxWarnings   int   // warnings kept per session
}

// DefaultLimits are safe for multi-gigabyte captures on a small machine.
func DefaultLimits() Limits {
	return Limits{
		MaxLine:       64 << 10,
		MaxLiteral:    8 << 20,
		MaxMessage:    32 << 20,
		MaxAttachment: 32 << 20,
		MaxWarnings:   50,
	}
}

// Security states of a session, as in the JSON contract.
const (
	Cleartext      = "cleartext"
	StartTLS       = "starttls"
	StartTLSFailed = "starttls-failed"
	ImplicitTLS    = "implicit-tls"
)

// Session carries one conversation's identity and shared state.
type Session struct {
	ID     string
	Flow   stream.Flow
	Proto  string // smtp, imap, pop3, tls, unknown
	Limits Limits
	// KeepRaw asks dissectors to keep each message's bytes in
	// record.Message.Raw (for extraction).
	KeepRaw bool

	// Security starts as Cleartext; dissectors move it on.
	Security string
	// TLSFrame is the frame of the first TLS byte, once TLS started.
	TLSFrame int64
	// EncryptedBytes counts the bytes handed to the TLS handler.
	EncryptedBytes int64
	// AuthUser is the last user whose login the server accepted.
	AuthUser string
	// Greeting is the server's first reply ("220 mail.example ESMTP"),
	// at GreetingFrame: what every client reads in clear.
	Greeting      string
	GreetingFrame int64
	Warnings      []string

	emit func(record.Record)
	// newTLS builds the handler that takes over once TLS starts.
	newTLS func(*Session) stream.Handler
}

// New returns a session that sends its records to emit; newTLS (may be
// nil) builds the handler for the TLS part of the conversation.
func New(id string, flow stream.Flow, lim Limits, emit func(record.Record), newTLS func(*Session) stream.Handler) *Session {
	return &Session{ID: id, Flow: flow, Limits: lim, Security: Cleartext, emit: emit, newTLS: newTLS, Proto: "unknown"}
}

// Emit sends a record on.
func (s *Session) Emit(r record.Record) { s.emit(r) }

// Warn records a problem with the capture or the traffic of this session,
// citing the frame where it was seen.
func (s *Session) Warn(frame int64, format string, args ...any) {
	if s.Limits.MaxWarnings > 0 && len(s.Warnings) >= s.Limits.MaxWarnings {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if frame > 0 {
		msg = fmt.Sprintf("frame %d: %s", frame, msg)
	}
	s.Warnings = append(s.Warnings, msg)
	if s.Limits.MaxWarnings > 0 && len(s.Warnings) == s.Limits.MaxWarnings {
		s.Warnings = append(s.Warnings, "further warnings for this session dropped")
	}
}

// Finding emits a finding about this session.
func (s *Session) Finding(f *record.Finding) {
	if f.Session == "" {
		f.Session = s.ID
	}
	if f.Packet == 0 && len(f.Frames) > 0 {
		f.Packet = f.Frames[0]
	}
	s.emit(f)
}

// TLS returns the handler that takes over the conversation from its first
// TLS byte (frame), and marks the session as encrypted from there. It
// returns a handler that only counts bytes when no TLS parser was given.
func (s *Session) TLS(frame int64) stream.Handler {
	if s.TLSFrame == 0 {
		s.TLSFrame = frame
	}
	if s.newTLS == nil {
		return counter{s}
	}
	return countingTLS{s, s.newTLS(s)}
}

// Encrypted wraps the handler of a conversation that is TLS from its
// first byte (implicit TLS) so that its bytes count as encrypted.
func (s *Session) Encrypted(h stream.Handler) stream.Handler { return countingTLS{s, h} }

type counter struct{ s *Session }

func (c counter) Handle(ev *stream.Event) { c.s.EncryptedBytes += int64(len(ev.Data)) }
func (counter) Close(time.Time, int64)    {}

type countingTLS struct {
	s *Session
	h stream.Handler
}

func (c countingTLS) Handle(ev *stream.Event) {
	c.s.EncryptedBytes += int64(len(ev.Data))
	c.h.Handle(ev)
}

func (c countingTLS) Close(end time.Time, frame int64) { c.h.Close(end, frame) }
