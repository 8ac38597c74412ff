package message

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/msgbuf"
	"github.com/mailwire/mailwire/dissect/record"
)

// Stream analyses one message as its bytes arrive. The body of a part
// in a known transfer encoding is decoded and hashed on its way: an
// attachment's is not kept, a text's first 64 KiB are (for the preview).
// The body hashes of DKIM signatures are checked on the way too. The
// rest of the message (its headers, its structure, and whatever needs
// reading whole) is kept, and analysed at the end as Analyze would
// analyse the whole message, with the figures of the parts read on the
// way. The record is the one Analyze gives.
//
// What is read whole: the parts of a multipart/signed entity (the
// signature covers their bytes), S/MIME data, and embedded messages in
// base64 or quoted-printable. An embedded message in 7bit, 8bit or binary
// (as RFC 2046 asks) is read as its own header and parts; when it is an
// attachment (a forwarded .eml) every byte of it is hashed on the way too.
// With Options.KeepRaw the message's bytes are also kept as they came,
// for extraction (Raw, or RawFile past a MiB).
type Stream struct {
	opt  Options
	kept msgbuf.Buf
	size int64
	raw  rawStore
	// dkim checks the body hash of each DKIM signature of the message's
	// header (nil: one that cannot be checked) as the body goes by.
	dkim []*bodyCanon
	// save, when set, receives the decoded bytes of every attachment
	// (extraction): those read on the way wait in temporary files until
	// the walk names them, in the order of the message.
	save   func(a *record.Attachment) (io.WriteCloser, error)
	spills tempStore
	// embedSpills hold the bytes of embedded messages that are
	// attachments, one file each.
	embedSpills []*tempStore

	line []byte // the line being read, up to maxStreamLine bytes
	long bool   // the line being read passed maxStreamLine: its rest is content

	state   streamState
	hdr     []byte // the header of the entity being read
	defType string // its type without a Content-Type field
	top     bool   // it is the message itself
	frames  []streamFrame

	leaf    *leafDigest // the attachment whose body is being read
	embeds  []embed     // the embedded messages being read, outermost first
	marker  string      // names the field that points a kept part header at its digest
	digests []*leafDigest
	err     error
}

type streamState int

const (
	stHeader streamState = iota // reading an entity's header
	stKept                      // reading bytes that are kept: a body, a preamble, an epilogue
	stLeaf                      // reading the body of an attachment that is not kept
)

// embed is an embedded message being read. It ends where the part that
// holds it ends: at a delimiter of the multiparts open around it.
type embed struct {
	frames int         // how many multiparts are open around it
	d      *leafDigest // its bytes, when it is an attachment (else nil)
}

// streamFrame is an open multipart entity.
type streamFrame struct {
	delim   []byte // "--" + boundary
	defType string // the type of its parts without a Content-Type field
	signed  bool   // inside multipart/signed: its parts are kept whole
	closed  bool   // its close delimiter went by: the rest is epilogue
}

// Bounds of what a stream holds besides the kept bytes.
const (
	// maxStreamLine is the longest line looked at whole: a longer one
	// is content, never a delimiter.
	maxStreamLine = 64 << 10
	// maxStreamHeader is the largest part header a stream reads to
	// decide whether to keep the part; a part with a larger one is kept.
	maxStreamHeader = 64 << 10
	// leafChunk is how much attachment text is decoded at a time.
	leafChunk = 16 << 10
	// textKeep is how much of a text part is kept for its preview: far
	// more than the walker decodes for it, whatever the encoding.
	textKeep = 4 * previewRead
)

// NewStream starts the analysis of a message.
func NewStream(opt Options) *Stream {
	s := &Stream{opt: opt, top: true, defType: "text/plain"}
	if opt.KeepRaw {
		// The message's bytes are kept apart, as they came; the
		// analysis streams like any other and keeps the enveloped
		// data of S/MIME.
		s.raw.on = true
		s.opt.KeepRaw, s.opt.KeepEnveloped = false, true
	}
	return s
}

// Write takes the next bytes of the message (dot-unstuffed) and returns
// how many more bytes it keeps, for the caller's memory budget.
func (s *Stream) Write(p []byte) int {
	before := s.held()
	s.size += int64(len(p))
	s.raw.write(p)
	for len(p) > 0 {
		// The message's body starts after the blank line: what is read
		// before this piece decides whether the piece is body.
		dkim := s.dkim
		n := s.piece(p)
		for _, c := range dkim {
			if c != nil {
				c.write(p[:n])
			}
		}
		p = p[n:]
	}
	return max(0, s.held()-before) // less when the bytes kept for extraction move to a file
}

// piece reads the next piece of p: lines that cannot be delimiters, one
// line, or the start of one; it returns its length.
func (s *Stream) piece(p []byte) int {
	if n := s.run(p); n > 0 {
		return n
	}
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		s.partial(p)
		return len(p)
	}
	if len(s.line) == 0 && !s.long {
		s.lineEnded(p[:i+1])
	} else {
		s.partial(p[:i+1])
		s.endLine()
	}
	return i + 1
}

// run takes at once the whole lines at the start of p that cannot be
// delimiters (they do not start with "-") in a body, and returns their
// length: a base64 attachment goes by in one piece.
func (s *Stream) run(p []byte) int {
	if s.state == stHeader || len(s.line) > 0 || s.long || len(p) == 0 || p[0] == '-' {
		return 0
	}
	end := dashLine(p)
	if end < 0 {
		end = bytes.LastIndexByte(p, '\n')
	}
	if end < 0 {
		return 0
	}
	s.content(p[:end+1])
	return end + 1
}

// dashLine is the index of the line break before the first line of p,
// past its first, that starts with "-"; -1 when none does. It looks for
// dashes, not line breaks: base64 has none, so an attachment's text is
// searched at once.
func dashLine(p []byte) int {
	for i := 1; i < len(p); i++ {
		j := bytes.IndexByte(p[i:], '-')
		if j < 0 {
			return -1
		}
		i += j
		if p[i-1] == '\n' {
			return i - 1
		}
	}
	return -1
}

// partial adds bytes of the line being read (its end included, if any).
func (s *Stream) partial(p []byte) {
	if s.long {
		s.content(p)
		return
	}
	if len(s.line)+len(p) <= maxStreamLine {
		s.line = append(s.line, p...)
		return
	}
	// Too long to be a delimiter or a header line worth reading.
	s.long = true
	line := append(s.line, p...)
	s.line = s.line[:0]
	s.content(line)
}

// content is bytes of a line that is no delimiter, in the current state.
func (s *Stream) content(p []byte) {
	s.embedded(p)
	switch s.state {
	case stLeaf:
		s.leafBytes(p)
	case stHeader:
		s.headerBytes(p)
	default:
		s.kept.Append(p)
	}
}

// endLine handles the line read in pieces.
func (s *Stream) endLine() {
	if s.long {
		s.long = false
		return
	}
	line := s.line
	s.line = s.line[:0]
	s.lineEnded(line)
}

// lineEnded handles a whole line (or, at the end, the last one).
func (s *Stream) lineEnded(line []byte) {
	if i, isClose, ok := s.delimiter(line); ok {
		s.atDelimiter(i, isClose, line)
		return
	}
	s.embedded(line)
	switch s.state {
	case stLeaf:
		s.leafBytes(line)
	case stHeader:
		s.headerBytes(line)
		if isBlankLine(line) {
			s.endHeader()
		}
	default:
		s.kept.Append(line)
	}
}

func isBlankLine(l []byte) bool {
	return len(l) == 1 && l[0] == '\n' || len(l) == 2 && l[0] == '\r' && l[1] == '\n'
}

// delimiter tells whether line delimits a part of an open multipart, the
// outermost first (its body was cut first), as findDelimiter does.
func (s *Stream) delimiter(line []byte) (frame int, isClose, ok bool) {
	if len(line) < 2 || line[0] != '-' || line[1] != '-' {
		return 0, false, false
	}
	for i, f := range s.frames {
		if f.closed || !bytes.HasPrefix(line, f.delim) {
			continue
		}
		rest := line[len(f.delim):]
		isClose = bytes.HasPrefix(rest, []byte("--"))
		l, _ := cutLine(rest)
		if isClose {
			l = l[2:]
		}
		if len(bytes.Trim(l, " \t")) == 0 {
			return i, isClose, true
		}
	}
	return 0, false, false
}

// atDelimiter ends what the delimiter of frame i ends: the part being
// read, and every multipart inside it.
func (s *Stream) atDelimiter(i int, isClose bool, line []byte) {
	switch s.state {
	case stLeaf:
		s.endLeaf()
	case stHeader:
		s.flushHeader()
	}
	s.endEmbeds(i + 1)
	s.embedded(line)
	s.frames = s.frames[:i+1]
	s.kept.Append(line)
	if isClose {
		s.frames[i].closed = true
		s.state = stKept
		return
	}
	s.state, s.top, s.defType = stHeader, false, s.frames[i].defType
}

// headerBytes adds to the header being read, or keeps it as it is past
// its bound.
func (s *Stream) headerBytes(p []byte) {
	if len(s.hdr)+len(p) > maxStreamHeader {
		s.flushHeader()
		s.state = stKept
		s.kept.Append(p)
		return
	}
	s.hdr = append(s.hdr, p...)
}

func (s *Stream) flushHeader() {
	s.kept.Append(s.hdr)
	s.hdr = s.hdr[:0]
}

// endHeader decides, at the blank line, what the entity's body becomes.
func (s *Stream) endHeader() {
	var w warnings
	h, rest := splitHeader(s.hdr, &w)
	if s.top {
		s.checkDKIM(h)
	}
	wk := &walker{w: &warnings{}}
	e := wk.newEntity(h, nil, s.depth(), s.defType)
	signed := len(s.frames) > 0 && s.frames[len(s.frames)-1].signed
	switch {
	case len(rest) > 0 || h == nil || len(h) >= maxFields-1:
		// The header is not what a blank line ended, or is cut: the
		// walker reads it its own way; keep the entity.
	case strings.HasPrefix(e.ctype, "multipart/") && e.params["boundary"] != "" && s.depth() < maxDepth:
		def := "text/plain"
		if e.ctype == "multipart/digest" {
			def = "message/rfc822"
		}
		s.frames = append(s.frames, streamFrame{delim: []byte("--" + e.params["boundary"]), defType: def,
			signed: signed || e.ctype == "multipart/signed"})
	case !signed && len(s.digests) < maxParts && streamable(e):
		s.startLeaf(e)
		return
	case !signed && !s.top && len(s.digests) < maxParts && s.depth() < maxDepth && embeddable(e):
		s.startEmbed(e)
		return
	}
	s.flushHeader()
	s.state = stKept
}

// checkDKIM starts the body hash checks of the message's DKIM
// signatures, as fillSenderAuth lists them.
func (s *Stream) checkDKIM(h header) {
	for _, v := range h.values("dkim-signature") {
		if len(s.dkim) == maxDKIM {
			break
		}
		var c *bodyCanon
		if _, check := dkimTags(v); check != nil {
			c = &bodyCanon{check: check}
		}
		s.dkim = append(s.dkim, c)
	}
}

// streamable tells whether the walker will treat e as a leaf whose
// decoded bytes it only hashes, sniffs and counts, and for a text, reads
// the start of.
func streamable(e *entity) bool {
	if strings.HasPrefix(e.ctype, "multipart/") || strings.HasPrefix(e.ctype, "message/") || isPKCS7Mime(e) {
		return false
	}
	_, known := newPushDecoder(e.encoding())
	return known
}

// embeddable tells whether the walker reads e as an embedded message
// whose bytes are its content.
func embeddable(e *entity) bool {
	return (e.ctype == "message/rfc822" || e.ctype == "message/global") && identityEncoding(e.encoding())
}

// depth is how deep the entity being read is, as the walker counts.
func (s *Stream) depth() int { return len(s.frames) + len(s.embeds) }

// startLeaf keeps the part's header with a field naming its digest, and
// streams its body into the digest.
func (s *Stream) startLeaf(e *entity) {
	d := s.digest(e)
	if !isAttachment(e) {
		// The walker reads the start of a text for its preview: the
		// first lines stay in the kept text.
		d.keep = true
	} else if s.save != nil {
		d.spill = s.spills.part()
	}
	s.leaf, s.state = d, stLeaf
}

// startEmbed reads an embedded message's own header next, and hashes its
// bytes on the way when it is an attachment.
func (s *Stream) startEmbed(e *entity) {
	em := embed{frames: len(s.frames)}
	if isAttachment(e) {
		em.d = s.digest(e)
		if s.save != nil {
			// Its bytes go by with those of its own attachments: they
			// wait in a file of their own.
			t := &tempStore{}
			s.embedSpills = append(s.embedSpills, t)
			em.d.spill = t.part()
		}
	} else {
		s.flushHeader()
	}
	s.embeds = append(s.embeds, em)
	s.state, s.top, s.defType = stHeader, false, "text/plain"
}

// digest starts the digest of e's body, and keeps e's header with a
// field naming it.
func (s *Stream) digest(e *entity) *leafDigest {
	if s.marker == "" {
		var b [8]byte
		rand.Read(b[:])
		s.marker = "x-mailwire-part-" + hex.EncodeToString(b[:])
	}
	d := newLeafDigest(e.encoding(), s.opt.MaxAttachment)
	s.digests = append(s.digests, d)
	blank := len(s.hdr) - len(lastBreak(s.hdr))
	s.kept.Append(s.hdr[:blank])
	s.kept.Append([]byte(s.marker + ": " + strconv.Itoa(len(s.digests)-1) + "\r\n"))
	s.kept.Append(s.hdr[blank:])
	s.hdr = s.hdr[:0]
	return d
}

// embedded gives bytes of the body of every embedded message being read
// to the digests of those that are attachments.
func (s *Stream) embedded(p []byte) {
	for _, em := range s.embeds {
		if em.d != nil {
			em.d.add(p)
		}
	}
}

// endEmbeds ends the embedded messages inside the part a delimiter ends,
// the delimiter of the frames-th open multipart: those that began while
// at least that many multiparts were open.
func (s *Stream) endEmbeds(frames int) {
	for len(s.embeds) > 0 && s.embeds[len(s.embeds)-1].frames >= frames {
		if d := s.embeds[len(s.embeds)-1].d; d != nil {
			d.end()
		}
		s.embeds = s.embeds[:len(s.embeds)-1]
	}
}

// leafBytes streams bytes of an attachment's body. The line break
// before a delimiter is not the body's: the text's last line break is
// decoded only once more text follows it.
func (s *Stream) leafBytes(p []byte) {
	if s.leaf.keep {
		s.keepText(p)
	}
	s.leaf.add(p)
}

// add takes the next bytes of the body; the last line break is decoded
// only once more bytes follow it.
func (d *leafDigest) add(p []byte) {
	n := len(p) - len(lastBreak(p))
	if n > 0 && p[n-1] == '\r' {
		n-- // a line cut in two between CR and LF
	}
	if d.text.Len()+len(p) < leafChunk || n == 0 {
		d.text.Append(p)
		return
	}
	// What is held is followed by more text: none of it ends the body.
	d.write(d.text.Bytes())
	d.write(p[:n])
	d.text.Truncate(0)
	d.text.Append(p[n:])
}

// keepText keeps the first lines of a text part, whole lines of at
// least textKeep bytes in all; a line that would pass 4 times that is
// ended there.
func (s *Stream) keepText(p []byte) {
	d := s.leaf
	if d.kept+len(p) > 4*textKeep {
		s.kept.Append(p[:4*textKeep-d.kept])
		s.kept.Append([]byte("\r\n"))
		d.keep = false
		return
	}
	s.kept.Append(p)
	d.kept += len(p)
	if d.kept >= textKeep && p[len(p)-1] == '\n' {
		d.keep = false
	}
}

// lastBreak is the line break b ends with, as splitMultipart cuts it.
func lastBreak(b []byte) []byte {
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		n--
	}
	if n > 0 && b[n-1] == '\r' && n < len(b) {
		n--
	}
	return b[n:]
}

// endLeaf ends the attachment at a delimiter: its last line break is
// the delimiter's.
func (s *Stream) endLeaf() {
	s.leaf.end()
	s.leaf = nil
}

// end ends the body at a delimiter, whose line break it is not.
func (d *leafDigest) end() {
	d.text.Truncate(d.text.Len() - len(lastBreak(d.text.Bytes())))
	d.finish()
}

// Message ends the message and analyses it; the stream is not used
// again. Its kept bytes are released unless Options.KeepRaw holds them
// in the record.
func (s *Stream) Message() *record.Message {
	if len(s.line) > 0 {
		last := s.line
		s.line = s.line[:0]
		if s.long {
			s.content(last)
		} else {
			s.lineEnded(last)
		}
	}
	if s.leaf != nil {
		s.leaf.finish()
		s.leaf = nil
	}
	for _, em := range s.embeds {
		if em.d != nil {
			em.d.finish()
		}
	}
	s.embeds = nil
	s.flushHeader()
	verdicts := make([]string, len(s.dkim))
	for i, c := range s.dkim {
		if c != nil {
			c.end()
			verdicts[i] = c.check.verdict()
		}
	}
	m, err := analyzeWith(s.kept.Bytes(), s.opt, s.save, &streamRead{lookup: s.lookup, dkim: verdicts})
	s.kept.Release()
	s.closeSpills()
	m.Size = s.size
	if s.raw.on {
		m.Raw, m.RawFile = s.raw.result()
		if rerr := s.raw.disk.err; rerr != nil {
			m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnMessageNotKept, "error", rerr))
			err = cmp.Or(err, rerr)
		}
	}
	s.err = err
	return m
}

func (s *Stream) closeSpills() {
	s.spills.close()
	for _, t := range s.embedSpills {
		t.close()
	}
	s.embedSpills = nil
}

// Err is the first error of the temporary files or of an extraction's
// writers, once Message returned.
func (s *Stream) Err() error { return s.err }

// lookup is the digest of a part whose body went by.
func (s *Stream) lookup(h header) *leafDigest {
	if s.marker == "" {
		return nil
	}
	n, err := strconv.Atoi(h.get(s.marker))
	if err != nil || n < 0 || n >= len(s.digests) {
		return nil
	}
	return s.digests[n]
}

// Discard gives back what the stream keeps, for a message that will not
// be analysed.
func (s *Stream) Discard() {
	s.kept.Release()
	s.hdr, s.line, s.leaf = nil, nil, nil
	s.closeSpills()
	s.raw.discard()
}

// held is how many bytes the stream keeps now.
func (s *Stream) held() int { return s.kept.Len() + len(s.hdr) + s.raw.mem.Len() }

// leafDigest is what the walker needs of an attachment's body: its
// decoded size, the SHA-256 of its first limit bytes and its first bytes
// for sniffing.
type leafDigest struct {
	dec    pushDecoder
	text   msgbuf.Buf // body text not yet decoded
	keep   bool       // its first lines are kept too (a text part)
	kept   int
	sum    hash.Hash
	limit  int64
	size   int64
	sniff  []byte
	sumHex string
	spill  *spill // its first limit bytes, for an extraction
}

// newLeafDigest reads a body in the transfer encoding enc (an unknown
// one is read as it is), hashing its first limit decoded bytes (0: all).
func newLeafDigest(enc string, limit int64) *leafDigest {
	dec, _ := newPushDecoder(enc)
	if limit <= 0 {
		limit = 1<<63 - 1
	}
	return &leafDigest{dec: dec, sum: sha256.New(), limit: limit}
}

func (d *leafDigest) write(p []byte) { d.dec.push(p, d.content) }

// content takes decoded bytes.
func (d *leafDigest) content(p []byte) {
	if room := d.limit - d.size; room > 0 {
		d.sum.Write(p[:min(int64(len(p)), room)])
		d.spill.write(p[:min(int64(len(p)), room)])
	}
	// The walker sniffs what it hashes: at most limit bytes.
	if room := min(sniffLen, d.limit) - int64(len(d.sniff)); room > 0 {
		d.sniff = append(d.sniff, p[:min(room, int64(len(p)))]...)
	}
	d.size += int64(len(p))
}

// finish ends the body; the hash state, the text buffer and the decoder
// are let go.
func (d *leafDigest) finish() {
	d.write(d.text.Bytes())
	d.dec.end(d.content)
	d.sumHex = hex.EncodeToString(d.sum.Sum(nil))
	d.text.Release()
	if b, ok := d.dec.(*base64Reader); ok {
		base64Readers.Put(b)
	}
	d.dec, d.sum = nil, nil
}
