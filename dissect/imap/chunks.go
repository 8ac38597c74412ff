package imap

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

// A client may fetch a large message in chunks, BODY.PEEK[]<0.65536>,
// then <65536.65536> and so on, always in increasing order from 0
// (Thunderbird does past 64 KiB). The chunks of one message feed one
// Stream, and the message is reported once, whole, when its last chunk
// came: when the bytes reach its RFC822.SIZE, or a chunk is shorter than
// the client asked for.
type chunked struct {
	seq   int64
	msg   *message.Stream
	kept  session.Reservation // what msg holds, in the capture's budget
	next  int64               // the origin the next chunk must have
	total int64               // RFC822.SIZE, once told
	frame int64               // the first chunk's first byte
	name  string              // the first chunk's section: BODY[]<0>
	last  *fetched
	// done is set once the last chunk came.
	done bool
}

// chunkLiteral is the stream a literal about to be read feeds when it is
// the next chunk of a message fetched in chunks (BODY[]<origin>, origin 0
// starting one), or nil; header is the response so far ("* 12 FETCH (UID
// 7 BODY[]<0>"), size the literal's. The stream's bytes are held in the
// reservation it returns, which outlives the response.
func (h *Handler) chunkLiteral(header []byte, section string, size int64) (*message.Stream, *session.Reservation) {
	origin, ok := wholeOrigin(section)
	if !ok {
		return nil, nil
	}
	seq, ok := fetchSeq(header)
	if !ok {
		return nil, nil
	}
	c := h.chunk
	switch {
	case origin == 0:
		h.emitMessage(h.endChunks())
		c = &chunked{seq: seq, msg: message.NewStream(h.s.MessageOptions()), name: section}
		h.chunk = c
	case c == nil || c.seq != seq || c.next != origin:
		return nil, nil
	}
	if c.next+size > h.s.Limits.MaxMessage {
		return nil, nil // the message limit bounds a message in chunks too
	}
	c.next += size
	return c.msg, &c.kept
}

// wholeOrigin reads the origin of a byte range of the whole message:
// BODY[]<65536> or BINARY[]<0>.
func wholeOrigin(section string) (int64, bool) {
	for _, p := range []string{"BODY[]<", "BINARY[]<"} {
		if rest, ok := strings.CutPrefix(section, p); ok && strings.HasSuffix(rest, ">") {
			n, err := strconv.ParseInt(rest[:len(rest)-1], 10, 64)
			return n, err == nil && n >= 0
		}
	}
	return 0, false
}

// fetchSeq reads the message number of "* 12 FETCH (...".
func fetchSeq(header []byte) (int64, bool) {
	fields := bytes.Fields(header)
	if len(fields) < 3 || string(fields[0]) != "*" || !bytes.EqualFold(fields[2], []byte("FETCH")) {
		return 0, false
	}
	seq, err := strconv.ParseInt(string(fields[1]), 10, 64)
	return seq, err == nil
}

// askedRange finds the byte range a FETCH asks for: "BODY.PEEK[]<0.65536>",
// "BODY.PEEK[2]<65536.65536>".
var askedRange = regexp.MustCompile(`(?i)(?:BODY(?:\.PEEK)?|BINARY(?:\.PEEK)?)\[[0-9.]*\]<\d+\.(\d+)>`)

// askedChunk is the length of the chunk the pending FETCH asks for, or 0.
func (h *Handler) askedChunk() int64 {
	c := h.lastPending("FETCH")
	if c == nil {
		return 0
	}
	m := askedRange.FindStringSubmatch(c.rec.Args)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// chunkOf tells whether a section of a FETCH response is a chunk of the
// message being fetched in chunks: a literal that fed it, or the empty
// string a server gives for a range past the end (the message's size was
// a multiple of the chunks').
func (h *Handler) chunkOf(f *fetched, sec *section) bool {
	c := h.chunk
	if c == nil || f.seq != c.seq {
		return false
	}
	if sec.tok.Lit != nil {
		return sec.tok.Lit.msg == c.msg
	}
	origin, ok := wholeOrigin(sec.name)
	return ok && origin == c.next && len(sec.tok.Text) == 0 && c.last != nil
}

// chunkFetched takes a FETCH response that carried a chunk: the message
// record once it was the last one, else nil.
func (h *Handler) chunkFetched(f *fetched, sec *section) *record.Message {
	c := h.chunk
	if sec.tok.Lit == nil {
		c.done = true // past the end: the chunks before were all of it
		return h.endChunks()
	}
	if c.frame == 0 {
		c.frame = tokenFrame(sec.tok, f.frame)
	}
	if f.size > 0 {
		c.total = f.size
	}
	c.last = f
	if !complete(sec.tok) {
		return h.endChunks() // cut: the message is reported truncated
	}
	short := h.askedChunk() > 0 && tokenSize(sec.tok) < h.askedChunk()
	if c.total > 0 && c.next >= c.total || short {
		c.done = true
		return h.endChunks()
	}
	return nil
}

// endChunks reports the message fetched in chunks so far, if any: whole
// when its last chunk came, else truncated (the client stopped, or the
// capture did).
func (h *Handler) endChunks() *record.Message {
	c := h.chunk
	h.chunk = nil
	if c == nil {
		return nil
	}
	defer h.s.Release(&c.kept)
	if c.last == nil {
		c.msg.Discard()
		return nil
	}
	m := c.msg.Message()
	m.Size = c.next
	h.fillFetched(m, c.last, c.frame)
	if !c.done {
		// Only the start of the message was fetched, or captured.
		m.Truncated = true
		m.Partial = clean([]byte(c.name))
	}
	return m
}

// partChunks is a part a BODYSTRUCTURE named as a file, fetched in chunks
// (BODY[2]<0.65536>...: Thunderbird shows an inline image so): the chunks
// feed one decoder, and the part is reported once, with its last chunk.
type partChunks struct {
	seq   int64
	name  string // BODY[2]
	p     bodyPart
	r     *message.Part
	next  int64
	frame int64 // the first chunk's first byte
	last  *fetched
}

// partChunkLiteral is the reader a literal about to be read feeds when
// it is the next chunk of a part named as a file, or nil.
func (h *Handler) partChunkLiteral(seq int64, section string, size int64) *message.Part {
	i := strings.LastIndexByte(section, '<')
	if i < 0 || !strings.HasSuffix(section, ">") {
		return nil
	}
	name := section[:i]
	origin, err := strconv.ParseInt(section[i+1:len(section)-1], 10, 64)
	if err != nil || origin < 0 {
		return nil
	}
	c := h.partChunk
	switch {
	case origin == 0:
		p, ok := h.partOf(seq, name)
		if !ok || !p.isFile() {
			return nil
		}
		h.emitMessage(h.endPartChunks(false))
		c = &partChunks{seq: seq, name: name, p: p, r: h.partReader(p, name)}
		h.partChunk = c
	case c == nil || c.seq != seq || c.name != name || c.next != origin:
		return nil
	}
	c.next += size
	return c.r
}

// partChunkFetched takes a FETCH response that carried a chunk of a
// part: the record of the part once it was the last chunk, else nil.
func (h *Handler) partChunkFetched(f *fetched, sec *section) *record.Message {
	c := h.partChunk
	if c.frame == 0 {
		c.frame = tokenFrame(sec.tok, f.frame)
	}
	c.last = f
	if !complete(sec.tok) {
		return h.endPartChunks(false)
	}
	if sec.tok.Lit == nil || // the empty range past the end
		c.p.size > 0 && c.next >= c.p.size ||
		h.askedChunk() > 0 && tokenSize(sec.tok) < h.askedChunk() {
		return h.endPartChunks(true)
	}
	return nil
}

// endPartChunks reports the part fetched in chunks so far, if any: whole
// when its last chunk came, else truncated.
func (h *Handler) endPartChunks(whole bool) *record.Message {
	c := h.partChunk
	h.partChunk = nil
	if c == nil {
		return nil
	}
	size, sum, cut := c.r.End()
	if c.last == nil {
		return nil
	}
	m := emptyMessage()
	m.Size = c.next
	m.Attachments = append(m.Attachments, record.Attachment{
		Filename: c.p.filename, ContentType: c.p.typ, Disposition: c.p.disp, TransferEncoding: c.p.enc,
		Size: size, SHA256: sum, Truncated: cut || !whole,
	})
	h.fillFetched(m, c.last, c.frame)
	m.Partial = clean([]byte(c.name))
	return m
}

// partChunkOf tells whether a section is a chunk of the part being
// fetched in chunks, or the empty range past its end.
func (h *Handler) partChunkOf(f *fetched, sec *section) bool {
	c := h.partChunk
	if c == nil || f.seq != c.seq {
		return false
	}
	if sec.tok.Lit != nil {
		return sec.tok.Lit.part == c.r
	}
	return sec.name == c.name+"<"+strconv.FormatInt(c.next, 10)+">" && len(sec.tok.Text) == 0
}
