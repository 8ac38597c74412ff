package imap

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// unit is one command or response: its lines joined by CRLF after each
// literal marker, and the literals apart. Literals are read by byte count,
// never by line, so that a literal holding "a1 OK" or "* 3 EXISTS" lines
// is never mistaken for protocol.
type unit struct {
	text     []byte
	lits     []*literal
	frame    int64               // frame of the first byte
	endFrame int64               // frame of the last line or literal byte
	cut      bool                // a line was over-long, or the unit over its budget
	kept     session.Reservation // literal bytes kept, bounded by MaxMessage, held in the capture's budget
}

// framer splits one direction into units.
type framer struct {
	dir stream.Direction
	s   *session.Session
	r   *lines.Reader
	u   unit
	// done is the unit being delivered (kept here so that delivering
	// does not allocate).
	done unit
	lit  *literal // literal being read, or nil when reading lines
	// left is what the literal being read still expects.
	left int64
	// resync drops lines until one starts like a command or a response:
	// at the start (the capture may begin mid-session) and after a gap.
	resync bool
	// looksLikeStart tells whether a line may start a unit.
	looksLikeStart func([]byte) bool
	// maxText bounds the text of one unit.
	maxText int
	// partLiteral, when set, is the reader of a literal that holds the
	// body of a part named as a file (nil for any other).
	partLiteral func(header []byte, section string) *message.Part
	// chunkLiteral, when set, is the chunk of a message or a part fetched
	// in chunks that a literal holds.
	chunkLiteral func(header []byte, section string, size int64) *chunked
}

func newFramer(dir stream.Direction, s *session.Session, start func([]byte) bool) *framer {
	return &framer{
		dir:            dir,
		s:              s,
		r:              lines.NewReader(s.Limits.MaxLine),
		resync:         true,
		looksLikeStart: start,
		maxText:        4 * max(s.Limits.MaxLine, 1024),
	}
}

// gap handles bytes missing in this direction. Inside a literal the gap is
// subtracted from it; elsewhere the unit being read is lost.
func (f *framer) gap(n int64, frame int64, deliver func(*unit)) {
	if f.lit != nil && f.r.Buffered() == 0 && n <= f.left {
		f.s.Warn(frame, record.WarnIMAPLiteralGap, "dir", f.dir, "bytes", n, "size", f.lit.Size)
		f.lit.Missing += n
		f.left -= n
		if f.left == 0 {
			f.lit = nil
		}
		return
	}
	if f.lit != nil {
		// The literal ended inside the gap: keep what was read of the
		// unit, and look for the next command or response.
		f.s.Warn(frame, record.WarnIMAPLiteralGapResync, "dir", f.dir, "bytes", n, "size", f.lit.Size)
		f.lit.Missing += f.left
		f.lit = nil
		f.finish(deliver)
	} else {
		f.s.Warn(frame, record.WarnIMAPGap, "dir", f.dir, "bytes", n)
		if len(f.u.lits) > 0 {
			// Literals already read (a whole message) are worth
			// reporting even if the end of the response is lost.
			f.finish(deliver)
		}
		f.drop()
	}
	f.r.Gap()
	f.resync = true
}

// drain delivers the units buffered.
func (f *framer) drain(deliver func(*unit), stop func() bool) {
	for !stop() {
		if f.lit != nil {
			if !f.readLiteral() {
				return
			}
			continue
		}
		l, ok := f.r.Next()
		if !ok {
			return
		}
		if f.resync && len(f.u.text) == 0 {
			if !f.looksLikeStart(l.Text) {
				continue
			}
			f.resync = false
		}
		f.addLine(l)
		if !f.startLiteral(l.Text, l.Frame) {
			f.finish(deliver)
		}
	}
}

// rest returns the bytes buffered and not yet framed, and forgets them.
func (f *framer) rest() ([]byte, int64) {
	frame, _ := f.r.Frame()
	b := f.r.Peek()
	out := append([]byte(nil), b...)
	f.r.Take(len(b))
	return out, frame
}

func (f *framer) addLine(l lines.Line) {
	if len(f.u.text) == 0 && len(f.u.lits) == 0 {
		f.u.frame = l.Frame
	}
	f.u.endFrame = l.Frame
	if l.Cut {
		f.s.Warn(l.Frame, record.WarnIMAPLineCut, "dir", f.dir, "max", f.s.Limits.MaxLine)
		f.u.cut = true
	}
	if len(f.u.text)+len(l.Text) > f.maxText {
		if !f.u.cut {
			f.s.Warn(l.Frame, record.WarnIMAPTextCut, "dir", f.dir, "max", f.maxText)
		}
		f.u.cut = true
		return
	}
	f.u.text = append(f.u.text, l.Text...)
}

// startLiteral begins reading a literal when the line ends with a marker.
func (f *framer) startLiteral(line []byte, frame int64) bool {
	size, binary, ok := literalAtEnd(line)
	if !ok {
		return false
	}
	f.u.text = append(f.u.text, '\r', '\n')
	lit := &literal{Size: size, Binary: binary, Frame: frame}
	analysed := f.messageLiteral(line)
	if !analysed && f.chunkLiteral != nil {
		if c := f.chunkLiteral(f.u.text, f.section(line), size); c != nil {
			lit.chunk, lit.msg, lit.part, analysed = c, c.msg, c.part, true
		}
	}
	if !analysed && f.partLiteral != nil {
		lit.part = f.partLiteral(f.u.text, f.section(line))
		analysed = lit.part != nil
	}
	switch {
	case analysed && size > f.s.Limits.MaxMessage:
		// A message is analysed as it arrives, not held: the message
		// limit bounds it, as for SMTP and POP3.
		f.s.Warn(frame, record.WarnIMAPLiteralTooLarge, "dir", f.dir, "size", size, "max", f.s.Limits.MaxMessage)
		lit.Skipped = true
	case analysed:
	case size > f.s.Limits.MaxLiteral:
		f.s.Warn(frame, record.WarnIMAPLiteralTooLarge, "dir", f.dir, "size", size, "max", f.s.Limits.MaxLiteral)
		lit.Skipped = true
	case f.u.kept.Used()+size > f.s.Limits.MaxMessage:
		f.s.Warn(frame, record.WarnIMAPLiteralsTooLarge, "dir", f.dir, "max", f.s.Limits.MaxMessage)
		lit.Skipped = true
	}
	if lit.Skipped {
		lit.part = nil
	} else if analysed && lit.part == nil && lit.msg == nil {
		lit.msg = message.NewStream(f.s.MessageOptions())
	}
	if len(f.u.lits) < maxItems {
		f.u.lits = append(f.u.lits, lit)
	}
	f.lit, f.left = lit, size
	if size == 0 {
		f.lit = nil
	}
	return true
}

// readLiteral takes the literal's bytes that are buffered; it reports
// whether the literal is complete.
func (f *framer) readLiteral() bool {
	n := f.left
	if n > 1<<30 {
		n = 1 << 30
	}
	b, frame, _ := f.r.Take(int(n))
	if len(b) == 0 {
		return false
	}
	f.u.endFrame = frame
	f.lit.End = frame
	if f.left == f.lit.Size {
		f.lit.Frame = frame
	}
	if f.lit.Skipped {
		// Keep the head of a literal too large to keep whole: the
		// header of a big message still tells who sent what.
		if room := f.s.Limits.MaxLine - len(f.lit.Data); room > 0 {
			f.lit.Data = append(f.lit.Data, b[:min(room, len(b))]...)
		}
	} else if f.lit.part != nil {
		// The body of a file is decoded and hashed as it arrives.
		f.lit.part.Write(b)
		f.lit.fed += int64(len(b))
	} else if f.lit.msg != nil {
		// A message is analysed as it arrives.
		res := &f.u.kept
		if f.lit.chunk != nil {
			res = &f.lit.chunk.kept
		}
		if f.s.Feed(res, frame, f.lit.msg, b) {
			f.lit.fed += int64(len(b))
		} else {
			f.lit.Skipped = true
		}
	} else if !f.s.Hold(&f.u.kept, frame, int64(len(b))) {
		// The capture's budget is spent: counted, not kept, like a
		// literal over the limit (the head read so far stays).
		f.lit.Skipped = true
	} else {
		f.lit.buf.Append(b)
		f.lit.Data = f.lit.buf.Bytes()
	}
	f.left -= int64(len(b))
	if f.left > 0 {
		return false
	}
	f.lit = nil
	return true
}

// cancelLiteral forgets a synchronising literal the server refused before
// any of it was sent: the unit ends where the marker was.
func (f *framer) cancelLiteral(tag string, deliver func(*unit)) bool {
	if f.lit == nil || f.lit.read() || f.lit.Missing > 0 || f.left != f.lit.Size {
		return false
	}
	if !bytes.HasPrefix(f.u.text, []byte(tag+" ")) {
		return false
	}
	f.lit.Size = 0
	f.lit = nil
	f.left = 0
	f.finish(deliver)
	return true
}

// finish delivers the unit read. Its text buffer is then reused for the
// next unit: what records keep of it is copied (cleaned) first, and only
// literals, which are never reused, may be kept as they are.
func (f *framer) finish(deliver func(*unit)) {
	f.done = f.u
	text := f.u.text[:0]
	f.u = unit{}
	deliver(&f.done)
	f.release(&f.done)
	f.done = unit{}
	if f.u.text == nil && len(f.u.lits) == 0 {
		f.u.text = text
	}
}

// drop forgets the unit being read, giving back the literal bytes it held.
func (f *framer) drop() {
	f.release(&f.u)
	f.u = unit{}
}

// release gives back the literal bytes of a unit delivered or dropped:
// their budget, and their buffers unless records keep the messages'
// bytes for extraction.
func (f *framer) release(u *unit) {
	f.s.Release(&u.kept)
	if f.s.KeepRaw {
		return
	}
	for _, lit := range u.lits {
		lit.buf.Release()
		lit.Data = nil
		if lit.msg != nil && lit.chunk == nil {
			// A message fetched in chunks lives on: it is ended with
			// its last chunk.
			lit.msg.Discard()
		}
	}
}

// section is the fetch item whose value is the literal whose marker ends
// line ("BODY[2]"), upper-case.
func (f *framer) section(line []byte) string {
	before := line[:bytes.LastIndexByte(line, '{')]
	before = bytes.TrimRight(bytes.TrimSuffix(before, []byte("~")), " ")
	return strings.ToUpper(string(before[bytes.LastIndexAny(before, " (")+1:]))
}

// messageLiteral tells whether the literal whose marker ends line holds a
// whole message: BODY[], RFC822 or BINARY[] in a server's FETCH response,
// or the message of a client's APPEND (not its mailbox name).
func (f *framer) messageLiteral(line []byte) bool {
	if f.dir == stream.ServerToClient {
		switch f.section(line) {
		case "BODY[]", "RFC822", "BINARY[]":
			return true
		}
		return false
	}
	first, _, _ := bytes.Cut(f.u.text, []byte("\r\n"))
	fields := bytes.Fields(first)
	if len(fields) < 2 || !bytes.EqualFold(fields[1], []byte("APPEND")) {
		return false
	}
	// The mailbox comes first: a literal that follows it is the message.
	return len(f.u.lits) > 0 || len(fields) > 3
}

// literalAtEnd recognises a literal marker ending a line.
func literalAtEnd(line []byte) (size int64, binary, ok bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false, false
	}
	i := bytes.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false, false
	}
	if i > 0 && line[i-1] == '~' {
		i--
	}
	n, size, binary, ok := markerAt(line[i:])
	if !ok || n != len(line)-i {
		return 0, false, false
	}
	return size, binary, true
}
