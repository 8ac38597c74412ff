// Package session is what every protocol dissector is given for one
// conversation: where to send records, the limits to respect, and the
// shared security state that becomes the session record. Plaintext gives
// the dissector of bytes a TLS key log opened a session of its own whose
// records are marked decrypted.
package session

import (
	"time"

	"github.com/mailwire/mailwire/dissect/message"
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
	// MaxHeld bounds the message bytes held at once by all the sessions
	// of a capture; Held is the shared counter, made from it once per
	// capture (NewBudget) and given to every shard.
	MaxHeld int64
	Held    *Budget
}

// DefaultLimits are safe for multi-gigabyte captures on a small machine.
func DefaultLimits() Limits {
	return Limits{
		MaxLine:       64 << 10,
		MaxLiteral:    8 << 20,
		MaxMessage:    32 << 20,
		MaxAttachment: 32 << 20,
		MaxWarnings:   50,
		MaxHeld:       128 << 20,
	}
}

// MessageOptions are the options of the analysis of the session's
// messages: its limits and what it keeps of them.
func (s *Session) MessageOptions() message.Options {
	return message.Options{MaxAttachment: s.Limits.MaxAttachment, KeepRaw: s.KeepRaw, KeepEnveloped: s.KeepEnveloped}
}

// Security states of a session, as in the JSON contract.
const (
	Cleartext      = record.SecurityCleartext
	StartTLS       = record.SecurityStartTLS
	StartTLSFailed = record.SecurityStartTLSFailed
	ImplicitTLS    = record.SecurityImplicitTLS
)

// Session carries one conversation's identity and shared state.
type Session struct {
	ID     string
	Flow   stream.Flow
	Proto  record.Proto
	Limits Limits
	// KeepRaw asks dissectors to keep each message's bytes in
	// record.Message.Raw (for extraction).
	KeepRaw bool
	// KeepEnveloped asks them to keep the enveloped data of S/MIME
	// encrypted messages (for decryption with a key given).
	KeepEnveloped bool

	// security starts as Cleartext and moves only through the
	// transition methods below, so that no dissector can, say, turn an
	// implicit-TLS session back into a failed STARTTLS.
	security record.Security
	// tlsFrame is the frame of the first TLS byte, once TLS started.
	tlsFrame int64
	// encrypted counts the bytes handed to the TLS handler.
	encrypted int64
	// Capabilities is the last capability list the server announced
	// (SMTP EHLO, IMAP CAPABILITY, POP3 CAPA), from CapabilitiesFrame.
	Capabilities      []string
	CapabilitiesFrame int64
	// AuthUser is the last user whose login the server accepted.
	AuthUser string
	// Greeting is the server's first reply ("220 mail.example ESMTP"),
	// at GreetingFrame: what every client reads in clear.
	Greeting      string
	GreetingFrame int64

	// Decrypted is set once a key log opened a record of the session.
	Decrypted bool
	Warnings  []record.Warning
	// overBudget is set once a message of the session passed Limits.Held.
	overBudget bool

	emit func(record.Record)
	// newTLS builds the handler that takes over once TLS starts.
	newTLS func(*Session) stream.Handler
	// parent is the session whose TLS bytes this one's were decrypted
	// from (see Plaintext); warnings go to it.
	parent *Session
}

// New returns a session that sends its records to emit; newTLS (may be
// nil) builds the handler for the TLS part of the conversation.
func New(id string, flow stream.Flow, lim Limits, emit func(record.Record), newTLS func(*Session) stream.Handler) *Session {
	return &Session{ID: id, Flow: flow, Limits: lim, security: Cleartext, emit: emit, newTLS: newTLS, Proto: record.ProtoUnknown}
}

// Emit sends a record on.
func (s *Session) Emit(r record.Record) { s.emit(r) }

// Warn records a problem with the capture or the traffic of this session,
// citing the frame where it was seen: its id and the name, value pairs of
// its sentence (record.NewWarning); the report says it in its language.
func (s *Session) Warn(frame int64, id record.WarningID, kv ...any) {
	if s.parent != nil {
		s.parent.Warn(frame, id, kv...)
		return
	}
	if s.Limits.MaxWarnings > 0 && len(s.Warnings) >= s.Limits.MaxWarnings {
		return
	}
	s.Warnings = append(s.Warnings, record.NewWarning(frame, id, kv...))
	if s.Limits.MaxWarnings > 0 && len(s.Warnings) == s.Limits.MaxWarnings {
		s.Warnings = append(s.Warnings, record.NewWarning(0, record.WarnSessionWarningsDropped))
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

// maxCapabilities bounds the capability list kept for the session.
const maxCapabilities = 64

// Announced keeps the capability list a server announced at frame: the
// last list counts, since servers announce more once logged in.
func (s *Session) Announced(list []string, frame int64) {
	s.Capabilities = append([]string(nil), list[:min(len(list), maxCapabilities)]...)
	s.CapabilitiesFrame = frame
}

// Security is the session's security state, one of the constants above.
func (s *Session) Security() record.Security { return s.security }

// TLSFrame is the frame of the first byte handed to TLS (0: none).
func (s *Session) TLSFrame() int64 { return s.tlsFrame }

// EncryptedBytes counts the bytes handed to TLS.
func (s *Session) EncryptedBytes() int64 { return s.encrypted }

// BeginImplicitTLS marks a conversation that is TLS from its first byte.
// Only a session still in clear can become one.
func (s *Session) BeginImplicitTLS() {
	if s.security == Cleartext {
		s.security = ImplicitTLS
	}
}

// Upgraded marks a session whose STARTTLS was followed by TLS; a session
// whose earlier attempt failed may still upgrade on a later one.
func (s *Session) Upgraded() {
	if s.security == Cleartext || s.security == StartTLSFailed {
		s.security = StartTLS
	}
}

// UpgradeFailed marks a STARTTLS that was refused, never answered, not
// followed by TLS, or whose handshake failed. Implicit TLS is no upgrade
// and stays as it is.
func (s *Session) UpgradeFailed() {
	if s.security == Cleartext || s.security == StartTLS {
		s.security = StartTLSFailed
	}
}

// TLS returns the handler that takes over the conversation from its first
// TLS byte (frame), and counts every byte from there as encrypted. It
// returns a handler that only counts bytes when no TLS parser was given.
// It is the single point where cleartext protocols hand bytes to TLS.
func (s *Session) TLS(frame int64) stream.Handler {
	s.markTLS(frame)
	if s.newTLS == nil {
		return counter{s}
	}
	return countingTLS{s, s.newTLS(s)}
}

// Encrypted wraps the handler of a conversation that is TLS from its
// first byte (implicit TLS) so that its bytes count as encrypted.
func (s *Session) Encrypted(h stream.Handler) stream.Handler { return countingTLS{s, h} }

func (s *Session) markTLS(frame int64) {
	if s.tlsFrame == 0 {
		s.tlsFrame = frame
	}
}

type counter struct{ s *Session }

func (c counter) Handle(ev *stream.Event) { c.s.count(ev) }
func (counter) Close(time.Time, int64)    {}

func (s *Session) count(ev *stream.Event) {
	if len(ev.Data) > 0 {
		s.markTLS(ev.Frame)
	}
	s.encrypted += int64(len(ev.Data))
}

type countingTLS struct {
	s *Session
	h stream.Handler
}

func (c countingTLS) Handle(ev *stream.Event) {
	c.s.count(ev)
	c.h.Handle(ev)
}

func (c countingTLS) Close(end time.Time, frame int64) { c.h.Close(end, frame) }
