package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
)

// decoder returns a reader of the decoded body for a Content-Transfer-
// Encoding, and false when the encoding is unknown (the body is then read
// as it is).
func decoder(cte string, body []byte) (io.Reader, bool) {
	r := bytes.NewReader(body)
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Filter{r: r}), true
	case "quoted-printable":
		return quotedprintable.NewReader(r), true
	case "", "7bit", "8bit", "binary":
		return r, true
	}
	return r, false
}

// base64Filter drops what is not base64 from a body (line breaks, spaces,
// stray characters a broken client added), ends at the first padding and
// pads a body cut short, so that one bad character costs a warning, not
// the attachment.
type base64Filter struct {
	r     io.Reader
	count int  // base64 characters passed on
	done  bool // padding or the end of the body was reached
	buf   [4096]byte
}

func (f *base64Filter) Read(p []byte) (int, error) {
	for !f.done {
		n, err := f.r.Read(f.buf[:min(len(p), len(f.buf))])
		out := 0
		for _, c := range f.buf[:n] {
			if c == '=' {
				f.done = true
				break
			}
			if isBase64(c) {
				p[out] = c
				out++
			}
		}
		f.count += out
		if err != nil {
			f.done = true
		}
		if out > 0 {
			return out, nil
		}
	}
	return f.pad(p)
}

// pad completes the last quantum with '=' once the data has ended.
func (f *base64Filter) pad(p []byte) (int, error) {
	rem := f.count % 4
	if rem < 2 || len(p) == 0 {
		return 0, io.EOF
	}
	out := 0
	for ; rem < 4 && out < len(p); rem++ {
		p[out] = '='
		out++
	}
	f.count += out
	return out, nil
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}
