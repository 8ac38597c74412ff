// Package tls reads what the cleartext part of a TLS conversation shows to
// an eavesdropper: the hellos (versions, cipher suites, SNI, ALPN, groups,
// JA3/JA4 and JA3S/JA4S fingerprints), the server's certificate chain up
// to TLS 1.2, alerts in clear, and how far the handshake went; it raises
// the findings these prove (weak-tls, certificate problems, a failed
// handshake, STARTTLS not followed by TLS). Once a direction is encrypted
// it only counts records, unless it was given the client's key log
// (NewDecrypting): then it opens the records the key log's secrets open
// (see packages keylog and decrypt), reads the TLS 1.3 certificate, and
// hands the application data to the dissector of the protocol inside.
package tls

import (
	"crypto/x509"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// New returns the handler for the TLS part of a conversation: the whole of
// it when implicit (993, 995, 465, or a first client record that Looks like
// TLS), or what follows an accepted STARTTLS/STLS otherwise. It takes the
// events of both directions in capture order.
func New(s *session.Session, implicit bool) stream.Handler {
	if implicit {
		s.BeginImplicitTLS()
		if s.Proto == record.ProtoUnknown || s.Proto == "" {
			s.Proto = record.ProtoTLS
		}
	}
	h := &handler{s: s, implicit: implicit}
	h.sides[0].dir = stream.ClientToServer
	h.sides[1].dir = stream.ServerToClient
	return h
}

// handler is one conversation's TLS state.
type handler struct {
	s        *session.Session
	implicit bool
	sides    [2]side

	rec     record.TLS
	client  *clientHello
	server  *serverHello
	cert    *x509.Certificate
	helloAt time.Time        // capture time of the ClientHello
	certAt  time.Time        // capture time of the Certificate
	helloBy stream.Direction // the side that sent the ClientHello

	alertFatal     bool
	alertEncrypted bool
	alertFrame     int64
	notTLSSeen     bool
	emitted        bool
	firstRecord    int64 // frame of the first well-formed TLS record

	dec *decryption // nil without a key log
}

// Handle takes one event of either direction.
func (h *handler) Handle(ev *stream.Event) {
	sd := &h.sides[0]
	if ev.Dir == stream.ServerToClient {
		sd = &h.sides[1]
	}
	if sd.quoting {
		h.moreClear(sd, ev)
		return
	}
	if ev.Gap > 0 && !sd.stopped && h.decryptGap(sd, ev) {
		sd.stop()
		h.maybeEmit()
	} else if ev.Gap > 0 && !sd.stopped {
		h.s.Warn(ev.Frame, record.WarnTLSGap, "bytes", ev.Gap, "dir", sd.dir)
		sd.stop()
		h.maybeEmit()
	}
	h.feed(sd, ev.Data, ev.Frame, ev.Time)
}

// Close emits what is known if it was not emitted yet.
func (h *handler) Close(end time.Time, frame int64) {
	for i := range h.sides {
		if h.sides[i].quoting {
			h.quoteClear(&h.sides[i])
		}
	}
	h.emit()
	h.closeDecryption(end, frame)
}

// tls13 reports a conversation whose ServerHello chose TLS 1.3.
func (h *handler) tls13() bool {
	return h.server != nil && h.server.version >= versionTLS13
}

// clientDir is the direction that sent the ClientHello.
func (h *handler) clientDir() stream.Direction {
	if h.client == nil {
		return stream.ClientToServer
	}
	return h.helloBy
}

// setClientHello keeps the first ClientHello and what the record shows of it.
func (h *handler) setClientHello(ch *clientHello, frame int64, sd *side) {
	h.client, h.helloAt, h.helloBy = ch, sd.time, sd.dir
	h.rec.Packet = frame
	h.rec.SNI = ch.sni
	h.rec.ClientVersions = clientVersions(ch)
	h.rec.ClientCiphers = 0
	for _, c := range ch.ciphers {
		if !isGREASE(c) {
			h.rec.ClientCiphers++
		}
	}
	h.rec.ClientCiphers += ch.sslv2Ciphers
	h.rec.ALPN = nil
	for _, p := range ch.alpn {
		h.rec.ALPN = append(h.rec.ALPN, printable([]byte(p), 255))
	}
	h.rec.Groups = groupNames16(ch.groups)
	if len(h.rec.Groups) == 0 {
		h.rec.Groups = groupNames16(ch.keyShares)
	}
	if !ch.sslv2 {
		h.rec.JA3, h.rec.JA3Hash = ja3(ch)
		h.rec.JA4 = ja4(ch)
	}
}

// clientVersions lists the versions a client offers: supported_versions
// when present, else its legacy version alone.
func clientVersions(ch *clientHello) []string {
	var out []string
	for _, v := range ch.versions {
		if !isGREASE(v) {
			out = append(out, versionName(v))
		}
	}
	if len(out) == 0 {
		out = []string{versionName(ch.version)}
	}
	return out
}

func groupNames16(gs []uint16) []string {
	var out []string
	for _, g := range gs {
		if !isGREASE(g) {
			out = append(out, groupName(g))
		}
	}
	return out
}

// maybeEmit emits the record once the outcome of the handshake is known:
// completed, refused by an alert, or no longer readable in either
// direction. Waiting for the outcome rather than the certificate keeps one
// complete record per session.
func (h *handler) maybeEmit() {
	if h.emitted {
		return
	}
	done := h.rec.HandshakeCompleted || h.alertFatal || h.alertEncrypted ||
		(h.sides[0].stopped && h.sides[1].stopped)
	if done {
		h.emit()
	}
}

// emit sends the tls record and the findings it supports, once.
func (h *handler) emit() {
	// Without a hello (a capture that starts mid-session) the record
	// still says the session was TLS, from its first record.
	if h.emitted || (h.client == nil && h.server == nil && h.firstRecord == 0) {
		return
	}
	h.emitted = true
	if h.rec.Packet == 0 {
		h.rec.Packet = h.rec.ServerHelloPacket
	}
	if h.rec.Packet == 0 {
		h.rec.Packet = h.firstRecord
	}
	h.rec.Session = h.s.ID
	rec := h.rec
	h.s.Emit(&rec)
	h.findings()
}
