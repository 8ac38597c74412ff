package message

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// encoding is the part's Content-Transfer-Encoding, lower-case.
func (e *entity) encoding() string {
	return strings.ToLower(strings.TrimSpace(e.h.get("content-transfer-encoding")))
}

// identityEncoding tells the encodings whose body is its content.
func identityEncoding(enc string) bool {
	switch enc {
	case "", "7bit", "8bit", "binary":
		return true
	}
	return false
}

// decoder returns a reader of a whole decoded body for an encoding, and
// false when the encoding is unknown (the body is then read as it is).
func decoder(enc string, body []byte) (io.Reader, bool) {
	switch enc {
	case "base64":
		return newBase64Reader(body), true
	case "quoted-printable":
		return newQPReader(body), true
	}
	return bytes.NewReader(body), identityEncoding(enc)
}

// pushDecoder decodes a body given in pieces: push takes the next
// bytes, end ends the body, and both give what they decoded to emit.
// The bytes are those a decoder gives of the whole body.
type pushDecoder interface {
	push(p []byte, emit func([]byte))
	end(emit func([]byte))
}

// newPushDecoder is the pushDecoder of an encoding; false when the
// encoding is unknown.
func newPushDecoder(enc string) (pushDecoder, bool) {
	switch enc {
	case "base64":
		b, ok := base64Readers.Get().(*base64Reader)
		if !ok {
			b = new(base64Reader)
		}
		b.start()
		return b, true
	case "quoted-printable":
		return &qpReader{}, true
	}
	return identity{}, identityEncoding(enc)
}

// identity is the pushDecoder of a body that is its content.
type identity struct{}

func (identity) push(p []byte, emit func([]byte)) { emit(p) }
func (identity) end(func([]byte))                 {}

// base64Reader decodes base64 the way mail readers do rather than the
// way RFC 4648 says: characters outside the alphabet (line breaks, spaces,
// stray bytes a broken client added) are skipped, padding ends the current
// quantum and decoding goes on after it (some clients concatenate encoded
// chunks), and a body cut short decodes what it has. One bad character
// costs a few bytes, not the attachment.
type base64Reader struct {
	src  []byte // encoded bytes not yet decoded
	out  []byte // decoded bytes not yet returned
	buf  [base64Chunk / 4 * 3]byte
	q    uint32 // sextets of the current quantum
	n    int    // how many sextets q holds
	line int    // where the last whole line ended: the next likely ends there too
	done bool
	more bool // src is not the end of the body: more is pushed
}

// base64Chunk is how much encoded input one fill decodes.
const base64Chunk = 16 << 10

func newBase64Reader(src []byte) *base64Reader { return &base64Reader{src: src} }

// base64Readers recycles the decoders of attachments pushed in pieces,
// with their buffers.
var base64Readers sync.Pool

// start makes d ready for a body pushed in pieces; its buffer's old
// bytes are never read.
func (d *base64Reader) start() {
	d.src, d.out, d.q, d.n, d.line, d.done, d.more = nil, nil, 0, 0, 0, false, true
}

func (d *base64Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.done {
			return 0, io.EOF
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// fill decodes the next chunk of input into d.out. Nearly every line is
// clean base64, whole quanta without padding: wholeLine decodes those at
// once. The byte-by-byte path is for the rest, and the two give the same
// bytes.
func (d *base64Reader) fill() {
	in := d.src[:min(len(d.src), base64Chunk)]
	d.src = d.src[len(in):]
	out := d.buf[:0]
	for len(in) > 0 {
		if d.n == 0 {
			var ok bool
			if out, in, ok = d.wholeLine(out, in); ok {
				continue
			}
		}
		c := in[0]
		in = in[1:]
		v := base64Values[c]
		switch {
		case v < 64:
			d.q = d.q<<6 | uint32(v)
			d.n++
			if d.n == 4 {
				out = append(out, byte(d.q>>16), byte(d.q>>8), byte(d.q))
				d.q, d.n = 0, 0
			}
		case c == '=':
			out = d.flush(out)
		}
	}
	if len(d.src) == 0 && !d.more {
		out = d.flush(out)
		d.done = true
	}
	d.out = out
}

// push decodes the next encoded bytes of a body that goes on, giving the
// decoded bytes to emit; end ends the body.
func (d *base64Reader) push(p []byte, emit func([]byte)) {
	d.src, d.more = p, true
	for len(d.src) > 0 {
		d.fill()
		if len(d.out) > 0 {
			emit(d.out)
		}
		d.out = nil
	}
}

func (d *base64Reader) end(emit func([]byte)) {
	d.more = false
	d.fill()
	if len(d.out) > 0 {
		emit(d.out)
	}
	d.out = nil
}

// wholeLine decodes the first line of in when it is whole quanta of
// the alphabet, which nearly every line of an attachment is. It returns
// the remaining input and whether it did. Lines of one body have one
// length: the line break is looked for where the last one was, and only
// then searched.
func (d *base64Reader) wholeLine(out, in []byte) ([]byte, []byte, bool) {
	i := d.line
	if i <= 0 || i >= len(in) || in[i] != '\n' {
		if i = bytes.IndexByte(in, '\n'); i <= 0 {
			return out, in, false
		}
		d.line = i
	}
	line := in[:i]
	if line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	// A line break before i is outside the alphabet: decodeQuanta says no.
	if len(line) == 0 || len(line)%4 != 0 || !decodeQuanta(out[len(out):cap(out)], line) {
		return out, in, false
	}
	return out[:len(out)+len(line)/4*3], in[i+1:], true
}

// flush ends a partial quantum: two sextets give one byte, three give two.
func (d *base64Reader) flush(out []byte) []byte {
	switch d.n {
	case 2:
		out = append(out, byte(d.q>>4))
	case 3:
		out = append(out, byte(d.q>>10), byte(d.q>>2))
	}
	d.q, d.n = 0, 0
	return out
}

// base64Values maps a byte to its sextet, 0xff when not in the alphabet.
var base64Values = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()
