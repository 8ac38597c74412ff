// Package dissect recognises the protocol of each conversation from its
// content (detect.go; ports only break ties), hands it to the protocol's
// dissector and turns what every conversation showed into session records.
// DNS datagrams go to the DNS dissector. A proxy handshake (HTTP CONNECT,
// SOCKS) is read by package tunnel and what it carries is recognised the
// same way (tunnel_conv.go). With a key log, TLS conversations are opened
// by package tls and the bytes inside go to the dissector of the
// protocol they carry (plaintext.go).
package dissect

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/mailwire/mailwire/dissect/dns"
	"github.com/mailwire/mailwire/dissect/imap"
	"github.com/mailwire/mailwire/dissect/pop3"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/smtp"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/dissect/tunnel"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Options of an analysis.
type Options struct {
	Limits session.Limits
	// KeepRaw keeps each message's bytes, for extraction.
	KeepRaw bool
	// KeepEnveloped keeps the enveloped data of S/MIME encrypted
	// messages, for decryption with a key given.
	KeepEnveloped bool
	// IDPrefix is put before session ids ("capture.pcap#") when several
	// captures are read in one run.
	IDPrefix string
	// MaxSessions bounds the mail sessions dissected (0: no bound); past
	// it sessions are counted in Skipped, so that records of a huge
	// capture cannot fill memory.
	MaxSessions int
	// Keys, when set, is the TLS key log: the sessions it opens are
	// decrypted and their plaintext dissected like cleartext.
	Keys *keylog.Log
	// Numbers, when set, numbers the sessions of several analyzers of
	// one capture (its shares read at once), and bounds them together by
	// MaxSessions; each analyzer has its own otherwise.
	Numbers *Numbers
}

// Numbers gives session numbers across the analyzers of one capture.
type Numbers struct{ next atomic.Int64 }

// take is the next number, or false past max (0: no bound).
func (n *Numbers) take(max int) (int64, bool) {
	v := n.next.Add(1)
	return v, max <= 0 || v <= int64(max)
}

// dissectors build the handler of each protocol dissected; TLS depends on
// the key log and is built by Analyzer.dissector.
var dissectors = map[verdict]func(*session.Session) stream.Handler{
	SMTP: smtp.New,
	IMAP: imap.New,
	POP3: pop3.New,
	TLS:  nil,
}

// Analyzer is the reassembly.Sink that dissects one capture.
type Analyzer struct {
	opt  Options
	emit func(record.Record)
	dns  *dns.Tracker
	// Unknown counts TCP conversations that are not mail.
	Unknown int
	// Sessions counts the mail sessions reported.
	Sessions int
	// Skipped counts mail sessions past MaxSessions, not dissected.
	Skipped int
}

// New returns an Analyzer that sends its records to emit.
func New(opt Options, emit func(record.Record)) *Analyzer {
	if opt.Limits == (session.Limits{}) {
		opt.Limits = session.DefaultLimits()
	}
	if opt.Limits.Held == nil {
		opt.Limits.Held = session.NewBudget(opt.Limits.MaxHeld)
	}
	if opt.Numbers == nil {
		opt.Numbers = new(Numbers)
	}
	return &Analyzer{opt: opt, emit: emit, dns: dns.NewTracker(emit)}
}

// NewConversation starts a TCP conversation.
func (a *Analyzer) NewConversation(flow stream.Flow, mid bool, start time.Time, frame int64) stream.Handler {
	if flow.Server.Port() == 53 || flow.Client.Port() == 53 {
		return a.dns.Conversation(flow)
	}
	s := session.New("", flow, a.opt.Limits, a.emit, a.newTLS)
	s.KeepRaw, s.KeepEnveloped = a.opt.KeepRaw, a.opt.KeepEnveloped
	c := &conv{a: a, s: s}
	c.rec = record.Session{Client: flow.Client.String(), Server: flow.Server.String(),
		Start: start.UTC(), Packet: frame, MidStream: mid, Proto: Unknown}
	return c
}

// newTLS reads the TLS a STARTTLS opened.
func (a *Analyzer) newTLS(s *session.Session) stream.Handler { return a.tls(s, false) }

// tls reads a TLS conversation, decrypting it when there is a key log.
func (a *Analyzer) tls(s *session.Session, implicit bool) stream.Handler {
	if a.opt.Keys == nil {
		return tls.New(s, implicit)
	}
	return tls.NewDecrypting(s, implicit, tls.Decryption{Keys: a.opt.Keys, Inner: plaintextDissector})
}

// dissector builds the handler of protocol v for s: implicit TLS is
// decrypted when there is a key log.
func (a *Analyzer) dissector(v verdict, s *session.Session) stream.Handler {
	if v == TLS {
		return s.Encrypted(a.tls(s, true))
	}
	return dissectors[v](s)
}

// Datagram handles UDP: DNS only.
func (a *Analyzer) Datagram(d *stream.Datagram) {
	if d.Src.Port() == 53 || d.Dst.Port() == 53 {
		a.dns.Datagram(d)
	}
}

// Low is the frame of the oldest DNS query from frame from on still
// waiting for its answer, or 0: TCP conversations and older queries
// aside, no later record can carry an earlier one.
func (a *Analyzer) Low(from int64) int64 { return a.dns.Low(from) }

// Finish reports what is still pending at the end of the capture.
func (a *Analyzer) Finish() { a.dns.Finish() }

// conv follows one TCP conversation: it buffers the first bytes until the
// protocol is known, then replays them to the protocol's dissector.
type conv struct {
	a       *Analyzer
	s       *session.Session
	rec     record.Session
	h       stream.Handler
	decided bool
	firstBytes
	lastTime time.Time
	tun      *tunnel.Handler // the proxy handshake that opened the conversation
}

func (c *conv) Packet(dir stream.Direction, t time.Time, frame int64, payload int) {
	c.rec.Packets++
	c.lastTime = t
}

func (c *conv) Handle(ev *stream.Event) {
	n := int64(len(ev.Data))
	if ev.Dir == stream.ClientToServer {
		c.rec.BytesClient += n
	} else {
		c.rec.BytesServer += n
	}
	c.rec.GapBytes += int64(max(ev.Gap, 0))
	if c.decided {
		if c.h != nil {
			c.h.Handle(ev)
		}
		return
	}
	c.buffer(ev)
	v := detect(c.seen[0], c.seen[1], c.s.Flow.Client.Port(), c.s.Flow.Server.Port())
	if v != "" {
		c.decide(v, ev.Frame)
	}
}

func (c *conv) buffer(ev *stream.Event) {
	c.keep(ev)
	if ev.Gap > 0 && len(c.seen[ev.Dir]) == 0 {
		return
	}
	c.look(ev)
}

func (c *conv) decide(v verdict, frame int64) {
	c.decided = true
	c.rec.DetectFrame = frame
	if v == Tunnel {
		c.openTunnel()
		return
	}
	if _, ok := dissectors[v]; !ok || !c.admit() {
		c.pending = nil
		return
	}
	c.rec.Proto = v
	c.s.Proto = v
	c.h = c.a.dissector(v, c.s)
	c.replay(c.h)
}

// Session is the provisional id of the conversation's mail session, with
// the frame its protocol was recognised at and its first frame; "" before
// it is recognised, or when it is no mail.
func (c *conv) Session() (id string, detect, first int64) {
	return c.rec.ID, c.rec.DetectFrame, c.rec.Packet
}

// admit gives the session the next id, or counts it in Skipped and says
// false past MaxSessions. Ids are given to mail sessions only, in the
// order they are recognised, so that they stay small and deterministic.
func (c *conv) admit() bool {
	n, ok := c.a.opt.Numbers.take(c.a.opt.MaxSessions)
	if !ok {
		c.a.Skipped++
		return false
	}
	c.s.ID = fmt.Sprintf("%ss%d", c.a.opt.IDPrefix, n)
	c.rec.ID = c.s.ID
	return true
}

func (c *conv) Close(end time.Time, frame int64) {
	if !c.decided {
		v := detect(c.seen[0], c.seen[1], c.s.Flow.Client.Port(), c.s.Flow.Server.Port())
		if v == "" {
			v = Unknown
		}
		c.decide(v, frame)
	}
	if c.h == nil {
		c.a.Unknown++
		return
	}
	c.h.Close(end, frame)
	if c.tun != nil {
		if c.rec.ID == "" && !c.keepTunnel(frame) { // no mail, nothing to tell
			c.a.Unknown++
			return
		}
		c.rec.Tunnel = c.tun.Tunnel()
	}
	c.a.Sessions++
	c.rec.End = end.UTC()
	c.rec.EndFrame = frame
	c.rec.Security = c.s.Security()
	c.rec.EncryptedBytes = c.s.EncryptedBytes()
	c.rec.ClearBytes = c.rec.BytesClient + c.rec.BytesServer - c.s.EncryptedBytes()
	c.rec.TLSPacket = c.s.TLSFrame()
	c.rec.Warnings = c.s.Warnings
	c.rec.AuthUser = c.s.AuthUser
	c.rec.Capabilities, c.rec.CapabilitiesPacket = c.s.Capabilities, c.s.CapabilitiesFrame
	c.rec.Greeting, c.rec.GreetingPacket = c.s.Greeting, c.s.GreetingFrame
	c.rec.Proto = c.s.Proto
	c.rec.Decrypted = c.s.Decrypted
	c.a.emit(&c.rec)
}
