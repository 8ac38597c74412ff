package tls

import (
	"fmt"

	"github.com/mailwire/mailwire/dissect/record"
)

// Handshake message types read in clear.
const (
	msgClientHello = 1
	msgServerHello = 2
	msgCertificate = 11
	msgFinished    = 20
	msgKeyUpdate   = 24
)

// handshake appends a cleartext handshake record to the direction's
// message buffer and handles every message made whole. What stays in the
// buffer is at most one message not yet whole, whose announced length was
// checked, so the buffer never exceeds maxHandshake+4 plus one record.
func (h *handler) handshake(sd *side) {
	base := len(sd.hs)
	sd.hs = append(sd.hs, sd.body...)
	for _, m := range sd.marks {
		if len(sd.hsMarks) < maxMarks {
			sd.hsMarks = append(sd.hsMarks, mark{base + m.off, m.frame})
		}
	}
	off := 0
	for len(sd.hs)-off >= 4 {
		typ := sd.hs[off]
		n := int(sd.hs[off+1])<<16 | int(sd.hs[off+2])<<8 | int(sd.hs[off+3])
		if n > maxHandshake {
			h.s.Warn(frameAt(sd.hsMarks, off, sd.start), record.WarnTLSHandshakeTooLarge, "dir", sd.dir, "size", n, "max_kib", maxHandshake>>10)
			sd.hsOff, sd.hs, sd.hsMarks = true, nil, nil
			return
		}
		if len(sd.hs)-off < 4+n {
			break
		}
		h.message(sd, typ, sd.hs[off+4:off+4+n], frameAt(sd.hsMarks, off, sd.start))
		off += 4 + n
	}
	sd.compact(off)
}

// compact drops the first off bytes of the handshake buffer, keeping the
// frame marks of what is left.
func (sd *side) compact(off int) {
	if off == 0 {
		return
	}
	first := frameAt(sd.hsMarks, off, sd.start)
	sd.hs = sd.hs[:copy(sd.hs, sd.hs[off:])]
	marks := sd.hsMarks[:0]
	marks = append(marks, mark{0, first})
	for _, m := range sd.hsMarks {
		if m.off > off {
			marks = append(marks, mark{m.off - off, m.frame})
		}
	}
	sd.hsMarks = marks
	if len(sd.hs) == 0 {
		sd.hsMarks = sd.hsMarks[:0]
	}
}

// message handles one whole handshake message. Messages are told apart by
// type, not by direction, so that a conversation whose sides were guessed
// wrong (no SYN seen) still reads right.
func (h *handler) message(sd *side, typ uint8, body []byte, frame int64) {
	switch typ {
	case msgClientHello:
		h.clientHelloMessage(body, frame, sd)
	case msgServerHello:
		h.serverHelloMessage(body, frame)
	case msgCertificate:
		if !h.tls13() {
			h.certificateMessage(body, frame, sd)
		} else if h.dec != nil {
			h.certificate13(body, frame, sd)
		}
	case msgFinished, msgKeyUpdate:
		if h.dec != nil {
			h.keyChange(sd, typ, frame)
		}
	}
}

func (h *handler) clientHelloMessage(body []byte, frame int64, sd *side) {
	if h.client != nil {
		return // the second hello after a HelloRetryRequest repeats the first
	}
	ch, err := parseClientHello(body)
	if err != nil {
		h.s.Warn(frame, record.WarnTLSMalformedClientHello, "bytes", len(body))
		return
	}
	for _, e := range ch.badExt {
		h.s.Warn(frame, record.WarnTLSMalformedExtension, "extension", e)
	}
	h.setClientHello(ch, frame, sd)
}

func (h *handler) serverHelloMessage(body []byte, frame int64) {
	sh, err := parseServerHello(body)
	if err != nil {
		h.s.Warn(frame, record.WarnTLSMalformedServerHello, "bytes", len(body))
		return
	}
	if h.server != nil && !h.server.retry {
		return
	}
	h.server = sh
	if h.rec.ServerHelloPacket == 0 {
		h.rec.ServerHelloPacket = frame
	}
	h.rec.Version = versionName(sh.version)
	h.rec.Cipher = cipherName(sh.cipher)
	h.rec.JA3S, h.rec.JA3SHash, h.rec.JA4S = serverFingerprints(body)
}

// sslv2Hello handles the SSLv2-compatible ClientHello record.
func (h *handler) sslv2Hello(sd *side) {
	ch, err := parseSSLv2Hello(sd.body)
	if err != nil {
		h.s.Warn(sd.start, record.WarnTLSMalformedSSL2Hello)
		return
	}
	if h.client == nil {
		h.setClientHello(ch, sd.start, sd)
	}
}

// alert reads an alert in clear (level, description). Only the first one
// that matters is kept: a fatal alert wins over a warning.
func (h *handler) alert(sd *side, b []byte) {
	if len(b) < 2 {
		h.s.Warn(sd.start, record.WarnTLSAlertSize, "dir", sd.dir, "bytes", len(b))
		return
	}
	fatal := b[0] == 2
	level := "warning"
	if fatal {
		level = "fatal"
	}
	text := fmt.Sprintf("%s %s (%d) from %s", level, alertName(b[1]), b[1], sd.dir)
	if h.alertFatal || (h.rec.Alert != "" && !fatal) {
		return
	}
	h.rec.Alert = text
	h.alertFatal = fatal
	h.alertFrame = sd.start
	// A fatal alert before the end of the handshake means the upgrade
	// that STARTTLS promised never happened.
	if fatal && !h.implicit && !h.rec.HandshakeCompleted {
		h.s.UpgradeFailed()
	}
}

// encryptedRecord watches the sizes of encrypted records to tell how far
// the handshake went.
func (h *handler) encryptedRecord(sd *side, length int) {
	if h.rec.HandshakeCompleted || h.alertFatal {
		return
	}
	if h.tls13() {
		// The client's first encrypted flight is its Finished (at least
		// 32+1+16 bytes); a record of exactly 2+1+16 bytes is an alert:
		// the client gave up on the server, typically its certificate.
		if sd.dir == h.clientDir() && h.server != nil && !h.server.retry {
			switch {
			case length == encryptedAlertLen:
				h.encryptedAlert(sd)
			case length >= minFinishedLen:
				h.rec.HandshakeCompleted = true
			}
		}
		return
	}
	// Up to TLS 1.2 both sides' ChangeCipherSpec ends the handshake (see
	// changeCipherSpec); an encrypted alert before that is a refusal.
	if sd.typ == typeAlert {
		h.encryptedAlert(sd)
	}
}

// changeCipherSpec notes that a direction turned to encryption. Up to TLS
// 1.2, the second side to do so has checked the first side's Finished.
func (h *handler) changeCipherSpec(sd *side) {
	sd.ccs = true
	if !h.tls13() && h.bothCCS() && !h.alertFatal {
		h.rec.HandshakeCompleted = true
	}
}

const (
	encryptedAlertLen = 2 + 1 + 16  // alert, inner type, AEAD tag
	minFinishedLen    = 32 + 1 + 16 // SHA-256 verify data, inner type, tag
)

// encryptedAlert notes an alert that crossed encrypted during the
// handshake: its level and reason are hidden, but it ends the handshake.
func (h *handler) encryptedAlert(sd *side) {
	if h.rec.Alert != "" {
		return
	}
	h.rec.Alert = fmt.Sprintf("encrypted alert from %s", sd.dir)
	h.alertFrame = sd.start
	h.alertEncrypted = true
}

func (h *handler) bothCCS() bool { return h.sides[0].ccs && h.sides[1].ccs }
