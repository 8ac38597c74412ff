package tls

import (
	"fmt"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls/decrypt"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Decryption is what lets the handler open the records of a session: the
// key log, and the dissector the decrypted application data goes to.
type Decryption struct {
	Keys *keylog.Log
	// Inner builds the dissector of the decrypted bytes; it is given the
	// session of the plaintext (see session.Plaintext). Nil: the records
	// are opened (TLS 1.3 certificate) but the data goes nowhere.
	Inner func(*session.Session) stream.Handler
}

// NewDecrypting is New with a key log: the records its secrets open are
// decrypted and their application data handed, in capture order and with
// the frames that completed each record, to the dissector d.Inner builds.
// Without a key log it is New.
func NewDecrypting(s *session.Session, implicit bool, d Decryption) stream.Handler {
	h := New(s, implicit).(*handler)
	if d.Keys != nil {
		h.dec = &decryption{Decryption: d}
	}
	return h
}

// decryption is the key log state of one session.
type decryption struct {
	Decryption
	looked  bool // the key log was searched
	secrets *keylog.Secrets
	off     bool // nothing can be opened (no secret, suite unsupported)
	failed  bool // a record did not decrypt: reported once
	dirs    [2]dirCipher
	plain   *session.Session
	inner   stream.Handler
	buf     []byte
}

// dirCipher is one direction's record protection.
type dirCipher struct {
	c       *decrypt.Cipher
	app     bool // TLS 1.3: the application traffic keys are in use
	stopped bool // a gap or a failure ended decryption here
	opened  int
}

func (h *handler) dirOf(sd *side) *dirCipher {
	if sd == &h.sides[0] {
		return &h.dec.dirs[0]
	}
	return &h.dec.dirs[1]
}

// isClient reports the direction that sent the ClientHello, whose write
// keys are the client's.
func (h *handler) isClient(sd *side) bool { return sd.dir == h.clientDir() }

// decrypts says whether the record starting in sd is to be decrypted: it
// is encrypted, and its direction has (or can now get) keys.
func (h *handler) decrypts(sd *side, typ uint8) bool {
	d := h.dec
	if d == nil || d.off || h.server == nil || h.server.retry {
		return false
	}
	dc := h.dirOf(sd)
	if dc.stopped {
		return false
	}
	if h.tls13() {
		if typ != typeApplicationData {
			return false
		}
	} else if !sd.ccs || typ == typeChangeCipherSpec {
		return false
	}
	return dc.c != nil || h.makeCipher(sd, dc)
}

// lookup finds the session's secrets once, warning when it cannot.
func (h *handler) lookup(sd *side) bool {
	d := h.dec
	if d.looked {
		return d.secrets != nil
	}
	d.looked = true
	switch {
	case h.client == nil || len(h.client.random) != 32:
		h.s.Warn(sd.start, record.WarnTLSNoClientHello)
	case !decrypt.Supported(h.server.cipher):
		h.s.Warn(sd.start, record.WarnTLSCipherNotDecryptable, "cipher", cipherName(h.server.cipher))
	default:
		d.secrets = d.Keys.Lookup(h.client.random)
		if d.secrets == nil {
			h.s.Warn(sd.start, record.WarnTLSNoSecret, "random", fmt.Sprintf("%x", h.client.random))
		}
	}
	d.off = d.secrets == nil
	return !d.off
}

// makeCipher sets up the keys of a direction at its first encrypted
// record: the handshake traffic secret in TLS 1.3, the key block of the
// master secret up to TLS 1.2.
func (h *handler) makeCipher(sd *side, dc *dirCipher) bool {
	if !h.lookup(sd) {
		return false
	}
	sec, client := h.dec.secrets, h.isClient(sd)
	var c *decrypt.Cipher
	var err error
	if h.tls13() {
		secret, label := sec.ServerHandshake, keylog.LabelServerHandshake
		if client {
			secret, label = sec.ClientHandshake, keylog.LabelClientHandshake
		}
		if secret == nil {
			h.s.Warn(sd.start, record.WarnTLSKeyLogMissingLabel, "label", label, "dir", sd.dir)
			dc.stopped = true
			return false
		}
		c, err = decrypt.NewTLS13(h.server.cipher, secret)
	} else {
		if sec.Master == nil {
			h.s.Warn(sd.start, record.WarnTLSKeyLogNoMaster)
			h.dec.off = true
			return false
		}
		c, err = decrypt.NewTLS12(h.server.cipher, h.server.version, sec.Master, h.client.random, h.server.random, client, h.server.etm)
	}
	if err != nil {
		h.s.Warn(sd.start, record.WarnTLSCannotDecrypt, "error", err)
		h.dec.off = true
		return false
	}
	dc.c = c
	return true
}

// openRecord decrypts the record just read in sd and acts on its content.
func (h *handler) openRecord(sd *side) {
	d, dc := h.dec, h.dirOf(sd)
	if dc.c == nil || dc.stopped {
		return
	}
	typ, out, err := dc.c.Open(d.buf[:0], sd.hdr[:], sd.body)
	if err != nil {
		h.openFailed(sd, dc, err)
		return
	}
	d.buf = out[:0]
	dc.opened++
	h.s.Decrypted = true
	h.rec.Decrypted = true
	switch typ {
	case typeApplicationData:
		h.plaintext(sd, out)
	case typeHandshake:
		if !sd.hsOff {
			sd.body = append(sd.body[:0], out...)
			sd.marks = append(sd.marks[:0], mark{0, sd.end})
			h.handshake(sd)
		}
	case typeAlert:
		if !h.emitted {
			h.alert(sd, out)
		}
	}
}

// openFailed stops decryption of a direction whose record does not open,
// reporting it once per session.
func (h *handler) openFailed(sd *side, dc *dirCipher, err error) {
	dc.stopped = true
	if h.dec.failed {
		return
	}
	h.dec.failed = true
	h.s.Warn(sd.end, record.WarnTLSKeyLogMismatch, "dir", sd.dir, "seq", dc.c.Seq(), "error", err,
		"random", fmt.Sprintf("%x", h.client.random))
}

// keyChange follows a TLS 1.3 direction from its handshake keys to its
// application keys (after its Finished) and through its key updates.
func (h *handler) keyChange(sd *side, typ uint8, frame int64) {
	if !h.tls13() {
		return
	}
	dc := h.dirOf(sd)
	if dc.c == nil || dc.stopped {
		return
	}
	switch {
	case typ == msgFinished && !dc.app:
		secret, label := h.dec.secrets.ServerTraffic, keylog.LabelServerTraffic0
		if h.isClient(sd) {
			secret, label = h.dec.secrets.ClientTraffic, keylog.LabelClientTraffic0
		}
		if secret == nil {
			h.s.Warn(frame, record.WarnTLSKeyLogMissingAppLabel, "label", label, "dir", sd.dir)
			dc.stopped = true
			return
		}
		c, err := decrypt.NewTLS13(h.server.cipher, secret)
		if err != nil {
			h.s.Warn(frame, record.WarnTLSCannotDecryptData, "dir", sd.dir, "error", err)
			dc.stopped = true
			return
		}
		dc.c, dc.app = c, true
	case typ == msgKeyUpdate && dc.app:
		if err := dc.c.Update(); err != nil {
			dc.stopped = true
		}
	}
}

// certificate13 reads the server certificate of a TLS 1.3 handshake, which
// only the key log shows: after the request context, its first entry is
// laid out as in TLS 1.2.
func (h *handler) certificate13(body []byte, frame int64, sd *side) {
	if len(body) < 1 || len(body) < 1+int(body[0]) {
		h.s.Warn(frame, record.WarnTLSMalformedCertificate)
		return
	}
	h.certificateMessage(body[1+int(body[0]):], frame, sd)
}

// plaintext hands decrypted application data to the inner dissector, as
// an event of the real direction at the frame that completed the record.
func (h *handler) plaintext(sd *side, b []byte) {
	d := h.dec
	if len(b) == 0 || d.Inner == nil {
		return
	}
	if d.inner == nil {
		d.plain = h.s.Plaintext()
		d.inner = d.Inner(d.plain)
	}
	d.inner.Handle(&stream.Event{Dir: h.realDir(sd), Data: b, Frame: sd.end, Time: sd.endTime})
}

func (h *handler) realDir(sd *side) stream.Direction {
	if h.isClient(sd) {
		return stream.ClientToServer
	}
	return stream.ServerToClient
}

// decryptGap ends decryption of a direction that lost bytes: the records
// after them cannot be numbered. It reports whether it warned.
func (h *handler) decryptGap(sd *side, ev *stream.Event) bool {
	d := h.dec
	if d == nil {
		return false
	}
	dc := h.dirOf(sd)
	if dc.c == nil || dc.stopped {
		return false
	}
	dc.stopped = true
	h.s.Warn(ev.Frame, record.WarnTLSDecryptGap, "bytes", ev.Gap, "dir", sd.dir)
	if d.inner != nil {
		d.inner.Handle(&stream.Event{Dir: h.realDir(sd), Gap: ev.Gap, Frame: ev.Frame, Time: ev.Time})
	}
	return true
}

// closeDecryption closes the inner dissector and brings back what it
// learnt: the accepted login, and the protocol of an implicit-TLS session.
func (h *handler) closeDecryption(end time.Time, frame int64) {
	d := h.dec
	if d == nil || d.inner == nil {
		return
	}
	d.inner.Close(end, frame)
	d.plain.Merge()
	if p := d.plain.Proto; (h.s.Proto == record.ProtoTLS || h.s.Proto == record.ProtoUnknown) && p != "" && p != record.ProtoTLS && p != record.ProtoUnknown {
		h.s.Proto = p
	}
}
