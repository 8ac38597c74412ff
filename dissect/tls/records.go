package tls

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Record content types.
const (
	typeChangeCipherSpec = 20
	typeAlert            = 21
	typeHandshake        = 22
	typeApplicationData  = 23
	typeHeartbeat        = 24
)

const (
	// maxRecord is the largest record body allowed on the wire (TLS 1.2
	// ciphertext: 2^14 + 2048); a larger length means we are not reading
	// TLS records any more.
	maxRecord = 1<<14 + 2048
	// maxSSLv2Record bounds an SSLv2-compatible ClientHello.
	maxSSLv2Record = 1 << 15
	// maxHandshake bounds one reassembled handshake message; certificate
	// chains of mail servers are a few KiB.
	maxHandshake = 64 << 10
	// maxMarks bounds the frame marks kept per buffer; past it the frame
	// of a later message is that of the last mark.
	maxMarks = 64
	// excerptLen is how much cleartext a finding quotes.
	excerptLen = 80
)

// mark says that the buffer bytes from off on arrived in frame.
type mark struct {
	off   int
	frame int64
}

// side is the record-layer state of one direction.
type side struct {
	dir     stream.Direction
	started bool // the first bytes were checked
	stopped bool // parsing stopped (gap, not TLS): bytes are only counted

	// clear is the start of cleartext sent where TLS was expected,
	// quoted once excerptLen bytes of it came, a gap cut it or the
	// conversation ended: the same quote wherever segments end.
	clear   []byte
	quoting bool
	hdr     [5]byte
	hdrN    int
	inRec   bool // reading a record body
	typ     uint8
	need    int  // body bytes still to come
	keep    bool // the body is read (cleartext), not just skipped
	open    bool // the body is kept to be decrypted with the key log
	sslv2   bool // the record is an SSLv2-compatible ClientHello
	body    []byte
	marks   []mark // frames of body bytes
	start   int64  // frame of the record's first byte
	time    time.Time
	// end and endTime are the frame and time of the record's last byte.
	end     int64
	endTime time.Time

	// Handshake messages may span records: hs holds the bytes of
	// messages not yet whole, hsMarks their frames.
	hs      []byte
	hsMarks []mark
	hsOff   bool // handshake parsing stopped in this direction

	ccs        bool // sent ChangeCipherSpec
	records    int
	encrypted  int   // encrypted records seen
	clearBytes int64 // bytes of cleartext records
}

// feed runs the record layer over one event's bytes.
func (h *handler) feed(sd *side, data []byte, frame int64, t time.Time) {
	for len(data) > 0 && !sd.stopped {
		if !sd.inRec {
			data = h.readHeader(sd, data, frame, t)
			continue
		}
		n := min(sd.need, len(data))
		if sd.keep || sd.open {
			sd.addMark(len(sd.body), frame)
			sd.body = append(sd.body, data[:n]...)
		}
		sd.need -= n
		data = data[n:]
		if sd.need == 0 {
			sd.end, sd.endTime = frame, t
			h.endRecord(sd)
		}
	}
}

// readHeader collects the 5-byte record header (which may be split over
// segments) and starts the record; it returns the bytes left.
func (h *handler) readHeader(sd *side, data []byte, frame int64, t time.Time) []byte {
	if sd.hdrN == 0 {
		sd.start, sd.time = frame, t
	}
	n := copy(sd.hdr[sd.hdrN:], data)
	sd.hdrN += n
	rest := data[n:]
	if sd.hdrN < len(sd.hdr) {
		return rest
	}
	sd.hdrN = 0
	hdr := sd.hdr[:]
	if !sd.started {
		sd.started = true
		if !Looks(hdr) {
			h.notTLS(sd, hdr, rest)
			return nil
		}
		if looksSSLv2(hdr) {
			h.startSSLv2(sd, hdr)
			return rest
		}
	}
	if hdr[0] < typeChangeCipherSpec || hdr[0] > typeHeartbeat || hdr[1] != 3 {
		h.s.Warn(sd.start, record.WarnTLSBadRecord, "dir", sd.dir, "type", hdr[0], "major", hdr[1], "minor", hdr[2])
		sd.stop()
		return nil
	}
	length := int(hdr[3])<<8 | int(hdr[4])
	if length > maxRecord {
		h.s.Warn(sd.start, record.WarnTLSRecordTooLarge, "dir", sd.dir, "bytes", length)
		sd.stop()
		return nil
	}
	if h.firstRecord == 0 {
		h.firstRecord = sd.start
	}
	sd.inRec, sd.typ, sd.need, sd.sslv2 = true, hdr[0], length, false
	sd.keep = h.readable(sd, hdr[0])
	sd.open = !sd.keep && h.decrypts(sd, hdr[0])
	// A message starting the record is reported at the record's frame.
	sd.body, sd.marks = sd.body[:0], append(sd.marks[:0], mark{0, sd.start})
	if length == 0 {
		sd.end, sd.endTime = frame, t
		h.endRecord(sd)
	}
	return rest
}

// startSSLv2 begins an SSLv2-compatible ClientHello record: its 2-byte
// header gives the length, and the three header bytes read past it are
// the start of the body.
func (h *handler) startSSLv2(sd *side, hdr []byte) {
	if h.firstRecord == 0 {
		h.firstRecord = sd.start
	}
	length := int(hdr[0]&0x7f)<<8 | int(hdr[1])
	sd.inRec, sd.typ, sd.sslv2, sd.keep = true, typeHandshake, true, true
	sd.need = min(length, maxSSLv2Record) - 3
	sd.body = append(sd.body[:0], hdr[2:]...)
	sd.marks = append(sd.marks[:0], mark{0, sd.start})
}

// readable says whether a record of this type is still in clear in this
// direction: handshake and alert records stop being readable after
// ChangeCipherSpec, except in TLS 1.3, where that message is only for
// middleboxes and encrypted records are all typed application data.
func (h *handler) readable(sd *side, typ uint8) bool {
	encrypted := sd.ccs && !h.tls13()
	switch typ {
	case typeChangeCipherSpec:
		return true
	case typeHandshake:
		return !encrypted && !sd.hsOff
	case typeAlert:
		return !encrypted
	}
	return false
}

// endRecord acts on a whole record.
func (h *handler) endRecord(sd *side) {
	sd.inRec = false
	sd.records++
	if sd.open {
		h.openRecord(sd)
	}
	length := int(sd.hdr[3])<<8 | int(sd.hdr[4])
	switch {
	case sd.sslv2:
		h.sslv2Hello(sd)
	case sd.typ == typeChangeCipherSpec:
		h.changeCipherSpec(sd)
	case sd.typ == typeHandshake && sd.keep:
		sd.clearBytes += int64(length)
		h.handshake(sd)
	case sd.typ == typeAlert && sd.keep:
		h.alert(sd, sd.body)
	case sd.typ == typeAlert, sd.typ == typeApplicationData, sd.typ == typeHandshake:
		sd.encrypted++
		h.encryptedRecord(sd, length)
	}
	h.maybeEmit()
}

// stop ends parsing in this direction and frees its buffers.
func (sd *side) stop() {
	sd.stopped = true
	sd.body, sd.marks, sd.hs, sd.hsMarks = nil, nil, nil, nil
}

// addMark notes that bytes from off on came in frame.
func (sd *side) addMark(off int, frame int64) {
	if n := len(sd.marks); n > 0 && (sd.marks[n-1].frame == frame || sd.marks[n-1].off == off) {
		return
	}
	if len(sd.marks) < maxMarks {
		sd.marks = append(sd.marks, mark{off, frame})
	}
}

// frameAt is the frame that carried byte off of a buffer.
func frameAt(marks []mark, off int, fallback int64) int64 {
	f := fallback
	for _, m := range marks {
		if m.off > off {
			break
		}
		f = m.frame
	}
	return f
}
