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

// chunked is a message, or a part a BODYSTRUCTURE named as a file, that a
// client fetches in chunks: BODY.PEEK[]<0.65536>, then <65536.65536> and
// so on, always in increasing order from 0 (Thunderbird does past 64 KiB,
// for a message and for an inline part). The chunks feed one analysis,
// and what they hold is reported once, with the last chunk: when the
// bytes reach the size told (RFC822.SIZE, or the part's in its
// BODYSTRUCTURE), a chunk is shorter than asked, or the server answers
// the range past the end with an empty string. A session follows one at
// a time.
type chunked struct {
	seq   int64
	name  string // the section without its range: BODY[], BODY[2]
	next  int64  // the origin the next chunk must have
	total int64  // the size the chunks add up to, once told
	frame int64  // the first chunk's first byte
	last  *fetched
	done  bool // the last chunk came

	// What the chunks feed: a message's analysis, whose bytes are held
	// in kept, or the decoder of a part.
	msg  *message.Stream
	kept session.Reservation
	part *message.Part
	p    bodyPart
}

// chunkLiteral is the chunk a literal about to be read is, when it is
// the next one of a message or a part fetched in chunks (origin 0 starts
// one), or nil; header is the response so far ("* 12 FETCH (UID 7
// BODY[]<0>"), section the literal's (BODY[]<0>), size its size.
func (h *Handler) chunkLiteral(header []byte, section string, size int64) *chunked {
	name, origin, ok := splitRange(section)
	if !ok {
		return nil
	}
	seq, ok := fetchSeq(header)
	if !ok {
		return nil
	}
	c := h.chunk
	switch {
	case origin == 0:
		if c = h.startChunks(seq, name); c == nil {
			return nil
		}
	case c == nil || c.seq != seq || c.name != name || c.next != origin:
		return nil
	}
	if c.msg != nil && c.next+size > h.s.Limits.MaxMessage {
		return nil // the message limit bounds a message in chunks too
	}
	c.next += size
	return c
}

// startChunks ends what was fetched in chunks before, and starts the
// message or the part named as a file that name is: nil for any other
// section.
func (h *Handler) startChunks(seq int64, name string) *chunked {
	c := &chunked{seq: seq, name: name}
	switch name {
	case "BODY[]", "BINARY[]":
		c.msg = message.NewStream(h.s.MessageOptions())
	default:
		p, ok := h.partOf(seq, name)
		if !ok || !p.isFile() {
			return nil
		}
		c.p, c.part, c.total = p, h.partReader(p, name), p.size
	}
	h.emitMessage(h.endChunks())
	h.chunk = c
	return c
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

// splitRange cuts a byte range off a section: BODY[2]<65536> is BODY[2]
// from 65536.
func splitRange(section string) (name string, origin int64, ok bool) {
	i := strings.LastIndexByte(section, '<')
	if i < 0 || !strings.HasSuffix(section, ">") {
		return "", 0, false
	}
	origin, err := strconv.ParseInt(section[i+1:len(section)-1], 10, 64)
	return section[:i], origin, err == nil && origin >= 0
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

// chunkOf tells whether a section of a FETCH response is a chunk of what
// is fetched in chunks: a literal that fed it, or the empty string a
// server gives for the range past the end (when the size was a multiple
// of the chunks').
func (h *Handler) chunkOf(f *fetched, sec *section) bool {
	c := h.chunk
	if c == nil || f.seq != c.seq {
		return false
	}
	if sec.tok.Lit != nil {
		return sec.tok.Lit.chunk == c
	}
	name, origin, ok := splitRange(sec.name)
	return ok && name == c.name && origin == c.next && len(sec.tok.Text) == 0 && c.last != nil
}

// chunkFetched takes a FETCH response that carried a chunk: the record
// of the message or the part once it was the last chunk, else nil.
func (h *Handler) chunkFetched(f *fetched, sec *section) *record.Message {
	c := h.chunk
	if sec.tok.Lit == nil {
		c.done = true // past the end: the chunks before were all of it
		return h.endChunks()
	}
	if c.frame == 0 {
		c.frame = tokenFrame(sec.tok, f.frame)
	}
	if c.msg != nil && f.size > 0 {
		c.total = f.size
	}
	c.last = f
	if !complete(sec.tok) {
		return h.endChunks() // cut: reported truncated
	}
	asked := h.askedChunk()
	if c.total > 0 && c.next >= c.total || asked > 0 && tokenSize(sec.tok) < asked {
		c.done = true
		return h.endChunks()
	}
	return nil
}

// endChunks reports what was fetched in chunks so far, if anything:
// whole when its last chunk came, else truncated (the client stopped, or
// the capture did) and named by its first range.
func (h *Handler) endChunks() *record.Message {
	c := h.chunk
	h.chunk = nil
	if c == nil {
		return nil
	}
	var m *record.Message
	if c.msg != nil {
		defer h.s.Release(&c.kept)
		if c.last == nil {
			c.msg.Discard()
			return nil
		}
		m = c.msg.Message()
	} else {
		size, sum, cut := c.part.End()
		if c.last == nil {
			return nil
		}
		m = emptyMessage()
		m.Attachments = append(m.Attachments, c.p.attachment(size, sum, cut || !c.done))
		m.Partial = clean([]byte(c.name))
	}
	m.Size = c.next
	h.fillFetched(m, c.last, c.frame)
	if !c.done {
		m.Truncated = true
		m.Partial = clean([]byte(c.name + "<0>"))
	}
	return m
}
