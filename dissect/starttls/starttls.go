// Package starttls follows one upgrade of a cleartext mail conversation to
// TLS (STARTTLS in SMTP and IMAP, STLS in POP3) the same way for every
// protocol: it keeps what the client sent before the reply, reports
// cleartext injected around the upgrade, decides from the client's first
// bytes after an accepted reply whether TLS really followed, and moves the
// session's security state through its transition methods.
//
// The protocol dissector keeps its own command and reply parsing; it calls
// Request when the command is sent, Hold for client bytes sent before the
// reply, Refuse, Accept or Unanswered on the reply, then passes every
// event to Event while Active. When no TLS followed, Event gives back the
// events to read again as cleartext of the same protocol.
package starttls

import (
	"bytes"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// MaxHold bounds the client bytes kept while the reply is awaited, and the
// bytes kept after an accepted reply until the client's first bytes show
// whether TLS followed.
const MaxHold = 64 << 10

// maxQuote bounds the cleartext quoted in records and findings.
const maxQuote = 256

// probeLen is how many client bytes tell TLS from cleartext: a TLS record
// header needs three, an SSLv2 ClientHello five.
const probeLen = 5

type state uint8

const (
	waiting   state = iota // command sent, reply not seen
	accepted               // accepted; the client's next bytes decide
	encrypted              // TLS followed: every byte goes to TLS
	plain                  // no TLS followed: the protocol reads on
	done                   // refused or never answered
)

// srvState is what the server's bytes after the reply were found to be.
type srvState uint8

const (
	srvNone  srvState = iota // none yet, or too few to tell
	srvTLS                   // a TLS record: the client's hello was lost
	srvClear                 // cleartext injected where only TLS may come
)

// Upgrade is one STARTTLS/STLS attempt, from the command on.
type Upgrade struct {
	s   *session.Session
	rec record.StartTLS
	st  state

	// held are the client bytes sent after the command before its reply.
	held      []byte
	heldLen   int64
	heldFrame int64
	heldTime  time.Time

	// early are the events after an accepted reply, kept until the
	// client's first bytes decide where they go.
	early    []stream.Event
	inClear  []bool // early events that are cleartext injection, not TLS
	earlyLen int
	probe    []byte // the client's first bytes after the reply

	// srv is what the server sent after the reply before any client
	// byte, up to maxQuote: TLS only when the client's hello was lost,
	// else cleartext injected. Judged on its first bytes, reported once
	// the client speaks or the conversation ends, so that the evidence
	// does not depend on where segments end.
	srv      []byte
	srvFrame int64
	srvState srvState

	injected map[string]bool // sides already reported
	handler  stream.Handler
	emitted  bool
}

// Request starts an attempt: the command was sent at frame; offered is
// what the capabilities said (nil when none were seen).
func Request(s *session.Session, proto record.Proto, offered *bool, frame int64) *Upgrade {
	return &Upgrade{s: s, injected: map[string]bool{}, rec: record.StartTLS{
		Session: s.ID, Proto: proto, Offered: offered, Requested: true, Packet: frame,
	}}
}

// Waiting reports whether the reply is still awaited.
func (u *Upgrade) Waiting() bool { return u.st == waiting }

// Active reports whether every event must go through Event: the server
// accepted and TLS followed, or the client's next bytes will tell.
func (u *Upgrade) Active() bool { return u.st == accepted || u.st == encrypted }

// Plain reports that the server accepted but no TLS followed: the
// conversation goes on in clear.
func (u *Upgrade) Plain() bool { return u.st == plain }

// Hold keeps client bytes sent before the reply. It returns false once
// more than MaxHold bytes wait: the reply is not coming, and the caller
// should give up with Unanswered.
func (u *Upgrade) Hold(b []byte, frame int64, when time.Time) bool {
	if len(b) == 0 {
		return true
	}
	if u.heldFrame == 0 {
		u.heldFrame, u.heldTime = frame, when
	}
	u.heldLen += int64(len(b))
	if room := MaxHold - len(u.held); room > 0 {
		u.held = append(u.held, b[:min(len(b), room)]...)
	}
	return u.heldLen <= MaxHold
}

// HeldTLS reports whether the held client bytes start a TLS record: the
// client did not wait for the reply.
func (u *Upgrade) HeldTLS() bool { return tls.Looks(u.held) }

// Refuse records the server's refusal (reply as the protocol quotes it)
// and returns the held client bytes, to be read again as commands.
func (u *Upgrade) Refuse(reply string, frame int64) ([]byte, int64, time.Time) {
	u.rec.Reply, u.rec.ReplyPacket = reply, frame
	return u.giveUp()
}

// Unanswered ends an attempt whose reply never came (lost, or the client
// went on in clear without it) and returns the held client bytes.
func (u *Upgrade) Unanswered(frame int64) ([]byte, int64, time.Time) {
	u.s.Warn(frame, record.WarnStartTLSNoReply, "proto", u.rec.Proto, "verb", u.verb())
	return u.giveUp()
}

func (u *Upgrade) giveUp() ([]byte, int64, time.Time) {
	u.st = done
	u.s.UpgradeFailed()
	u.emit()
	b := u.held
	u.held = nil
	return b, u.heldFrame, u.heldTime
}

// Accept records the server's acceptance. Held client bytes are either
// the client's impatient ClientHello, handed to TLS, or cleartext injected
// where only TLS may come.
func (u *Upgrade) Accept(reply string, frame int64) {
	u.rec.Reply, u.rec.ReplyPacket, u.rec.Accepted = reply, frame, true
	u.st = accepted
	if len(u.held) == 0 {
		return
	}
	if tls.Looks(u.held) {
		u.encrypt(u.heldFrame)
		u.handOver(&stream.Event{Dir: stream.ClientToServer, Data: u.held, Frame: u.heldFrame, Time: u.heldTime})
		u.held = nil
		return
	}
	u.injection("client", u.heldFrame, u.held)
}

// LostReply hands the conversation to TLS when the reply was not captured
// but the held client bytes are TLS: a client starts TLS only after an
// accepting reply. It reports false, changing nothing, otherwise.
func (u *Upgrade) LostReply(frame int64) bool {
	if !u.HeldTLS() {
		return false
	}
	u.s.Warn(frame, record.WarnStartTLSNoCapturedReply, "proto", u.rec.Proto, "verb", u.verb())
	// A client starts TLS only once the server agreed.
	u.rec.Accepted = true
	u.encrypt(u.heldFrame)
	u.handOver(&stream.Event{Dir: stream.ClientToServer, Data: u.held, Frame: u.heldFrame, Time: u.heldTime})
	u.held = nil
	return true
}

// TLSWithoutReply is LostReply for a protocol that keeps the client's
// bytes itself while the reply is awaited: when b, the client bytes sent
// since the command, start a TLS record, the reply was lost and they go
// to TLS. It reports false, keeping nothing, otherwise (too few bytes yet,
// cleartext, or the reply already came).
func (u *Upgrade) TLSWithoutReply(b []byte, frame int64, when time.Time) bool {
	if u.st != waiting || !tls.Looks(b) {
		return false
	}
	u.Hold(b, frame, when)
	return u.LostReply(frame)
}

// Event takes an event after the accepting reply. It returns the events
// to read again as cleartext of the protocol when the client's first bytes
// show that no TLS followed (Plain is then true), nil otherwise.
func (u *Upgrade) Event(ev *stream.Event) []stream.Event {
	switch u.st {
	case encrypted:
		u.handOver(ev)
		return nil
	case accepted:
	default:
		return []stream.Event{*ev}
	}
	u.keep(ev, false)
	if len(ev.Data) > 0 && len(u.probe) == 0 {
		if ev.Dir == stream.ServerToClient {
			u.serverBytes(ev)
		} else {
			u.serverDone()
		}
	}
	if ev.Dir == stream.ClientToServer && len(u.probe) < probeLen {
		u.probe = append(u.probe, ev.Data[:min(len(ev.Data), probeLen-len(u.probe))]...)
	}
	switch {
	case len(u.probe) > 0 && tls.Looks(u.probe):
		u.encrypt(u.firstClientFrame())
		u.flush(nil)
	case len(u.probe) >= probeLen && u.clientLineEnded(), bytes.IndexByte(u.probe, '\n') >= 0, u.earlyLen > MaxHold:
		return u.clear()
	}
	return nil
}

// serverBytes takes server bytes sent after the reply before any client
// byte: once three tell whether they start a TLS record, the events that
// brought them are marked cleartext when they do not.
func (u *Upgrade) serverBytes(ev *stream.Event) {
	if u.srvState == srvTLS {
		return
	}
	if u.srvFrame == 0 {
		u.srvFrame = ev.Frame
	}
	u.srv = append(u.srv, ev.Data[:min(len(ev.Data), maxQuote-len(u.srv))]...)
	if u.srvState == srvNone && len(u.srv) >= 3 {
		u.judgeServer()
	}
	if u.srvState == srvClear {
		u.inClear[len(u.inClear)-1] = true
		if len(u.srv) >= maxQuote {
			u.serverDone()
		}
	}
}

// judgeServer decides what the server's bytes after the reply are, with
// what came of them.
func (u *Upgrade) judgeServer() {
	if tls.Looks(u.srv) {
		u.srvState, u.srv = srvTLS, nil
		return
	}
	u.srvState = srvClear
	for i, ev := range u.early {
		if ev.Dir == stream.ServerToClient {
			u.inClear[i] = true
		}
	}
}

// serverDone reports the server's cleartext after the reply, once it has
// ended: the client spoke, the quote is full, or the conversation ended.
func (u *Upgrade) serverDone() {
	if u.srvState == srvNone && len(u.srv) > 0 {
		u.judgeServer()
	}
	if u.srvState == srvClear {
		u.injection("server", u.srvFrame, u.srv) // once
	}
}

// clientLineEnded reports whether the client's cleartext after the
// reply holds a whole line, or as much as a quote shows: what the finding
// quotes is then the same however the bytes were cut.
func (u *Upgrade) clientLineEnded() bool {
	n := 0
	for _, ev := range u.early {
		if ev.Dir != stream.ClientToServer {
			continue
		}
		if bytes.IndexByte(ev.Data, '\n') >= 0 {
			return true
		}
		if n += len(ev.Data); n >= maxQuote {
			return true
		}
	}
	return false
}

// Settle decides, when the conversation ends, what the last bytes were:
// client bytes too few to be sure were still no TLS record, and are given
// back to be read as cleartext like in Event.
func (u *Upgrade) Settle() []stream.Event {
	if u.st == accepted {
		u.serverDone()
	}
	switch {
	case u.st != accepted:
	case len(u.probe) > 0:
		return u.clear()
	case u.serverTLS():
		// The client's hello was lost; the server's TLS shows.
		u.encrypt(u.firstServerTLS())
		u.flush(nil)
	}
	return nil
}

// Close ends the attempt when the conversation ends: an attempt never
// answered, or accepted and followed by nothing, failed.
func (u *Upgrade) Close(end time.Time, frame int64) {
	if u.st == accepted {
		u.serverDone()
	}
	if u.st == waiting || u.st == accepted {
		u.st = done
		u.s.UpgradeFailed()
	}
	u.emit()
	if u.handler != nil {
		u.handler.Close(end, frame)
	}
}

// handOver is the one place where the bytes of an upgraded conversation
// leave the mail protocol for the session's TLS handler.
func (u *Upgrade) handOver(ev *stream.Event) {
	if u.handler == nil {
		u.handler = u.s.TLS(ev.Frame)
	}
	u.handler.Handle(ev)
}

// encrypt records that TLS followed, from frame on.
func (u *Upgrade) encrypt(frame int64) {
	u.st = encrypted
	u.rec.TLSSeen, u.rec.TLSPacket = true, frame
	u.s.Upgraded()
	u.emit()
}

// flush hands the kept events, then ev, to TLS.
func (u *Upgrade) flush(ev *stream.Event) {
	for i := range u.early {
		if !u.inClear[i] {
			u.handOver(&u.early[i])
		}
	}
	u.early, u.inClear, u.earlyLen = nil, nil, 0
	if ev != nil {
		u.handOver(ev)
	}
}

// clear decides that no TLS followed: the session failed its upgrade, the
// client's bytes are reported, and the held and kept bytes are given back
// to be read as cleartext.
func (u *Upgrade) clear() []stream.Event {
	u.st = plain
	u.s.UpgradeFailed()
	u.emit()
	frame := u.firstClientFrame()
	excerpt := quote(u.clientBytes())
	f := &record.Finding{
		ID: record.FindingStartTLSNotTLS, Severity: record.SeverityHigh,
		Frames: Frames(u.rec.Packet, u.rec.ReplyPacket, frame),
		Args: map[string]string{"variant": "upgrade", "verb": u.verb(),
			"side": stream.ClientToServer.String(), "excerpt": excerpt},
	}
	u.s.Finding(f)
	u.s.Warn(frame, record.WarnStartTLSNoTLS, "proto", u.rec.Proto, "verb", u.verb())
	var out []stream.Event
	if len(u.held) > 0 {
		out = append(out, stream.Event{Dir: stream.ClientToServer, Data: u.held, Frame: u.heldFrame, Time: u.heldTime})
		u.held = nil
	}
	out = append(out, u.early...)
	u.early, u.inClear, u.earlyLen = nil, nil, 0
	return out
}

// keep copies an event until the decision, within MaxHold bytes.
func (u *Upgrade) keep(ev *stream.Event, injected bool) {
	cp := *ev
	room := max(MaxHold-u.earlyLen, 0)
	cp.Data = append([]byte(nil), ev.Data[:min(len(ev.Data), room)]...)
	u.earlyLen += len(ev.Data)
	u.early = append(u.early, cp)
	u.inClear = append(u.inClear, injected)
}

// serverTLS reports whether the server's first bytes after the reply
// were TLS.
func (u *Upgrade) serverTLS() bool { return u.firstServerTLS() > 0 }

func (u *Upgrade) firstServerTLS() int64 {
	for i, ev := range u.early {
		if ev.Dir == stream.ServerToClient && len(ev.Data) > 0 {
			if u.inClear[i] {
				return 0
			}
			return ev.Frame
		}
	}
	return 0
}

func (u *Upgrade) firstClientFrame() int64 {
	for _, ev := range u.early {
		if ev.Dir == stream.ClientToServer && len(ev.Data) > 0 {
			return ev.Frame
		}
	}
	return u.heldFrame
}

// clientBytes is the client's first line after the reply, at most
// maxQuote bytes of it.
func (u *Upgrade) clientBytes() []byte {
	var b []byte
	for _, ev := range u.early {
		if ev.Dir != stream.ClientToServer {
			continue
		}
		d := ev.Data[:min(len(ev.Data), maxQuote-len(b))]
		if i := bytes.IndexByte(d, '\n'); i >= 0 {
			return append(b, d[:i+1]...)
		}
		if b = append(b, d...); len(b) >= maxQuote {
			break
		}
	}
	return b
}

// injection reports cleartext where only TLS may come, once per side: a
// side that keeps such bytes in its buffer reads them after the handshake
// as if they had come over TLS (CVE-2011-0411 and kin).
func (u *Upgrade) injection(side string, frame int64, b []byte) {
	if u.injected[side] {
		return
	}
	u.injected[side] = true
	q := quote(b)
	if u.rec.PlaintextInjection == "" {
		u.rec.PlaintextInjection, u.rec.InjectionSide = q, side
	}
	f := &record.Finding{
		ID: record.FindingStartTLSPlaintextInjection, Severity: record.SeverityHigh,
		Frames: Frames(u.rec.Packet, frame, u.rec.ReplyPacket),
		Args:   map[string]string{"variant": side, "verb": u.verb(), "side": side, "bytes": q},
	}
	u.s.Finding(f)
}

// emit reports the attempt once.
func (u *Upgrade) emit() {
	if u.emitted {
		return
	}
	u.emitted = true
	rec := u.rec
	u.s.Emit(&rec)
}

func (u *Upgrade) verb() string {
	if u.rec.Proto == record.ProtoPOP3 {
		return "STLS"
	}
	return "STARTTLS"
}

// quote shows cleartext sent where only TLS may come, secrets masked.
func quote(b []byte) string { return tls.Excerpt(b, maxQuote) }

// Frames lists the non-zero frames in order, for a finding's Frames: a
// frame of 0 is one that was not seen.
func Frames(fs ...int64) []int64 {
	var out []int64
	for _, f := range fs {
		if f > 0 {
			out = append(out, f)
		}
	}
	return out
}
