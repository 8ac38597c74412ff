package message

import (
	"bytes"
	"io"
)

// qpChunk is the most input decoded at once, so that one over-long line
// costs no buffer of its size.
const qpChunk = 4096

// qpReader decodes quoted-printable the way mail readers do: an "=" not
// followed by two hex digits (either case) is kept as it is, where Go's
// strict reader would stop the whole part at the first one. Trailing
// white space of lines is dropped and "=" at a line end joins it to the
// next, as RFC 2045 says.
type qpReader struct {
	rest []byte // input not decoded yet
	out  []byte // decoded bytes not returned yet
	buf  []byte
	// pending owns rest while bytes are pushed: rest may be a slice of
	// the caller's otherwise.
	pending []byte
}

func newQPReader(body []byte) *qpReader { return &qpReader{rest: body} }

func (q *qpReader) Read(p []byte) (int, error) {
	for len(q.out) == 0 {
		if len(q.rest) == 0 {
			return 0, io.EOF
		}
		q.fill()
	}
	n := copy(p, q.out)
	q.out = q.out[n:]
	return n, nil
}

// fill decodes the next line, or the next chunk of an over-long one.
func (q *qpReader) fill() {
	line, ended, newline := q.next()
	if ended {
		line = bytes.TrimRight(line, " \t\r")
	}
	soft := ended && bytes.HasSuffix(line, []byte("="))
	if soft {
		line = line[:len(line)-1]
	}
	out := q.buf[:0]
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
			out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
			i += 2
			continue
		}
		out = append(out, c)
	}
	// A line break is content only between lines: the CRLF before a
	// boundary was cut off with the part.
	if newline && !soft {
		out = append(out, '\r', '\n')
	}
	q.out, q.buf = out, out[:0]
}

// next cuts the next line or chunk from the input: ended tells whether it
// ends a line, newline whether a line break followed it.
func (q *qpReader) next() (line []byte, ended, newline bool) {
	end := bytes.IndexByte(q.rest, '\n')
	if end >= 0 && end <= qpChunk {
		line = q.rest[:end]
		q.rest = q.rest[end+1:]
		return line, true, true
	}
	if len(q.rest) <= qpChunk {
		line = q.rest
		q.rest = nil
		return line, true, false
	}
	line = q.rest[:qpChunk]
	// Never split an escape across two chunks.
	if i := bytes.LastIndexByte(line[qpChunk-2:], '='); i >= 0 {
		line = line[:qpChunk-2+i]
	}
	q.rest = q.rest[len(line):]
	return line, false, false
}

// push decodes the next bytes of a body that goes on, giving the decoded
// bytes to emit; end ends the body. A line is decoded once it is whole
// (or past qpChunk), so that the result is the one of Read on the whole
// body.
func (q *qpReader) push(p []byte, emit func([]byte)) {
	q.rest = append(q.rest, p...)
	for {
		if i := bytes.IndexByte(q.rest, '\n'); (i < 0 || i > qpChunk) && len(q.rest) <= qpChunk {
			break
		}
		q.fill()
		if len(q.out) > 0 {
			emit(q.out)
		}
	}
	// Keep the undecoded tail at the start of the buffer.
	q.rest = append(q.pending[:0], q.rest...)
	q.pending = q.rest
}

func (q *qpReader) end(emit func([]byte)) {
	for len(q.rest) > 0 {
		q.fill()
		if len(q.out) > 0 {
			emit(q.out)
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
