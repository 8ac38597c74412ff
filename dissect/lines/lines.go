// Package lines splits one direction of a conversation into CRLF lines for
// the text protocols (SMTP, IMAP, POP3), remembering the frame that carried
// each line's first byte. Memory is bounded: a line longer than the limit
// is returned cut, and the rest of it is skipped up to its end.
package lines

import (
	"bytes"
	"time"

	"github.com/mailwire/mailwire/reassembly/stream"
)

// Line is one line of text without its line ending. Text is valid until
// the next call on the Reader.
type Line struct {
	Text  []byte
	Frame int64
	Time  time.Time
	// Cut is set when the line was longer than the limit: Text holds its
	// start and the rest is skipped (Skipped tells how much, once known).
	Cut bool
	// AfterGap is set on the first line after missing bytes: its start may
	// be lost, so a dissector should only trust it if it parses.
	AfterGap bool
}

type mark struct {
	off   int // offset in buf, relative to start
	frame int64
	time  time.Time
}

// Reader buffers one direction of a conversation.
type Reader struct {
	max      int
	buf      []byte
	start    int
	marks    []mark
	skipping bool // dropping the rest of a cut line up to its LF
	afterGap bool
	// Skipped counts bytes dropped from over-long lines.
	Skipped int64
}

// NewReader returns a Reader that keeps lines of at most max bytes.
func NewReader(max int) *Reader {
	if max <= 0 {
		max = 64 << 10
	}
	return &Reader{max: max}
}

// Write appends an event's bytes. A gap drops any partial line already
// buffered (its end is lost) and flags the next line.
func (r *Reader) Write(ev *stream.Event) {
	if ev.Gap > 0 {
		r.Gap()
	}
	r.Append(ev.Data, ev.Frame, ev.Time)
}

// Append adds bytes carried by the given frame.
func (r *Reader) Append(data []byte, frame int64, t time.Time) {
	if len(data) == 0 {
		return
	}
	if r.skipping {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			r.Skipped += int64(len(data))
			return
		}
		r.Skipped += int64(i + 1)
		r.skipping = false
		data = data[i+1:]
		if len(data) == 0 {
			return
		}
	}
	r.compact()
	r.marks = append(r.marks, mark{off: len(r.buf) - r.start, frame: frame, time: t})
	r.buf = append(r.buf, data...)
}

// HandOver is for the events that bypass the reader once a protocol hands
// its direction over (to TLS after STARTTLS): while the reader is dropping
// the rest of a line it cut, the bytes up to that line's end are still
// that line's, and are dropped. It returns the event with what is left,
// or nil when nothing is.
func (r *Reader) HandOver(ev *stream.Event) *stream.Event {
	if ev.Gap > 0 {
		r.skipping = false // the cut line's end is lost with the gap
		return ev
	}
	if !r.skipping || len(ev.Data) == 0 {
		return ev
	}
	i := bytes.IndexByte(ev.Data, '\n')
	if i < 0 {
		r.Skipped += int64(len(ev.Data))
		return nil
	}
	r.Skipped += int64(i + 1)
	r.skipping = false
	if i+1 == len(ev.Data) {
		return nil
	}
	rest := *ev
	rest.Data = ev.Data[i+1:]
	return &rest
}

// Gap records that bytes are missing here: the partial line buffered is
// dropped and the next line is flagged AfterGap.
func (r *Reader) Gap() {
	r.reset()
	r.skipping = false
	r.afterGap = true
}

func (r *Reader) reset() {
	r.buf = r.buf[:0]
	r.start = 0
	r.marks = r.marks[:0]
}

// Buffered is the number of bytes waiting.
func (r *Reader) Buffered() int { return len(r.buf) - r.start }

// Next returns the next complete line, or false when none is buffered. A
// line longer than the limit is returned cut as soon as the limit is
// passed.
func (r *Reader) Next() (Line, bool) {
	pending := r.buf[r.start:]
	i := bytes.IndexByte(pending, '\n')
	if i < 0 {
		// A line of max bytes may still end: its CR can come alone.
		if len(pending) <= r.max || len(pending) == r.max+1 && pending[r.max] == '\r' {
			return Line{}, false
		}
		l := r.lineAt(r.max, true)
		r.Skipped += int64(len(pending) - r.max)
		r.consume(len(pending))
		r.skipping = true
		return l, true
	}
	end := i
	if end > 0 && pending[end-1] == '\r' {
		end--
	}
	cut := false
	if end > r.max {
		r.Skipped += int64(end - r.max)
		end, cut = r.max, true
	}
	l := r.lineAt(end, cut)
	r.consume(i + 1)
	return l, true
}

// Run returns, as one slice with their CRLF ends, the complete lines at
// the front of the buffer, at most max bytes of them (no bound when max
// is 0 or less). It stops before a line that starts with a dot, ends in a
// bare LF, is longer than the limit or follows a gap: Next returns those.
// n is how many lines the run holds, first and last the frames of its
// first and last line. Dot-terminated bodies (SMTP DATA, POP3 messages)
// are read through it without the cost of one Line per line: most of a
// message has no dot to unstuff and no line to cut.
func (r *Reader) Run(max int) (text []byte, n int, first, last int64) {
	if r.afterGap {
		return nil, 0, 0, 0
	}
	pending := r.buf[r.start:]
	end, lastStart := 0, 0
	for end < len(pending) && pending[end] != '.' {
		i := bytes.IndexByte(pending[end:], '\n')
		if i < 1 || pending[end+i-1] != '\r' || i-1 > r.max || max > 0 && end+i+1 > max {
			break
		}
		lastStart = end
		end += i + 1
		n++
	}
	if n == 0 {
		return nil, 0, 0, 0
	}
	first, _ = r.frameAt(0)
	last, _ = r.frameAt(lastStart)
	r.consume(end)
	return pending[:end], n, first, last
}

func (r *Reader) lineAt(end int, cut bool) Line {
	frame, t := r.frameAt(0)
	l := Line{Text: r.buf[r.start : r.start+end], Frame: frame, Time: t, Cut: cut, AfterGap: r.afterGap}
	r.afterGap = false
	return l
}

// Take returns up to n raw bytes from the front, for byte-counted data
// (IMAP literals, TLS after STARTTLS), with the frame of the first one.
func (r *Reader) Take(n int) ([]byte, int64, time.Time) {
	pending := r.buf[r.start:]
	if n > len(pending) {
		n = len(pending)
	}
	frame, t := r.frameAt(0)
	out := pending[:n]
	r.consume(n)
	return out, frame, t
}

// Peek returns the buffered bytes without consuming them.
func (r *Reader) Peek() []byte { return r.buf[r.start:] }

// Frame returns the frame and time of the next unread byte.
func (r *Reader) Frame() (int64, time.Time) { return r.frameAt(0) }

func (r *Reader) frameAt(off int) (int64, time.Time) {
	var m mark
	for _, x := range r.marks {
		if x.off > off {
			break
		}
		m = x
	}
	return m.frame, m.time
}

// consume drops n bytes from the front. The bytes stay valid until the next
// Write, so a returned line may be used after consume.
func (r *Reader) consume(n int) {
	r.start += n
	k := 0
	for k+1 < len(r.marks) && r.marks[k+1].off <= n {
		k++
	}
	// Moved down rather than resliced, so that appending marks reuses
	// the slice instead of growing a new one for every few lines.
	j := 0
	for _, m := range r.marks[k:] {
		m.off = max(0, m.off-n)
		r.marks[j] = m
		j++
	}
	r.marks = r.marks[:j]
}

// compact reclaims consumed bytes. It runs only when new bytes arrive, so
// that a line returned earlier stays valid until then.
func (r *Reader) compact() {
	if r.start == len(r.buf) {
		r.buf = r.buf[:0]
		r.start = 0
		return
	}
	if r.start > 4096 && r.start > len(r.buf)/2 {
		n := copy(r.buf, r.buf[r.start:])
		r.buf = r.buf[:n]
		r.start = 0
	}
}
