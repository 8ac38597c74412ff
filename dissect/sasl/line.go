package sasl

import (
	"bytes"
)

// Form tells how a client line decoded.
type Form uint8

const (
	// Clean: the whole line was base64.
	Clean Form = iota
	// Trailing: base64 followed by bytes that are not ("...==junk",
	// "... #"); the base64 part was decoded, the rest is a secret.
	Trailing
	// Raw: not base64 at all; the line is kept as sent, and is a secret.
	Raw
)

// Decode base64-decodes one client line of an exchange, the way servers
// are lenient (DecodeBase64), also past a prompt echoed by hand-typed
// exchanges ("User: Z2FsdW50") and up to trailing bytes that are not
// base64. It never fails: what does not decode comes back as sent, with
// form Raw.
func Decode(line []byte) ([]byte, Form) {
	line = bytes.TrimSpace(line)
	if d, err := DecodeBase64(line); err == nil {
		return d, Clean
	}
	if i := bytes.Index(line, []byte(": ")); i > 0 && i < 16 {
		if d, err := DecodeBase64(line[i+2:]); err == nil {
			return d, Clean
		}
	}
	// The base64 part must end with its padding or be most of the line:
	// "alice:pw" is text whose first four letters happen to be base64.
	if n := base64Prefix(line); n >= 8 && (line[n-1] == '=' || 4*n >= 3*len(line)) {
		if d, err := DecodeBase64(line[:n]); err == nil {
			return d, Trailing
		}
	}
	return append([]byte(nil), line...), Raw
}

// base64Prefix is the length of the longest prefix of b made of whole
// base64 quanta (with their padding).
func base64Prefix(b []byte) int {
	n := 0
	for n < len(b) && isBase64(b[n]) {
		n++
	}
	for n < len(b) && b[n] == '=' && n%4 != 0 {
		n++
	}
	return n - n%4
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// ClientLine records one client line as sent on the wire: base64, "=" for
// an empty message, or something malformed, which the decoders then treat
// as a secret rather than as a username.
func (x *Exchange) ClientLine(line []byte) {
	line = bytes.TrimSpace(line)
	if bytes.Equal(line, []byte("=")) {
		x.Client(nil)
		return
	}
	msg, form := Decode(line)
	x.add(false, msg)
	if form != Clean && len(x.steps) > 0 && !x.steps[len(x.steps)-1].server {
		x.steps[len(x.steps)-1].form = form
		x.malformed = true
	}
}

// Malformed reports whether a client line of the exchange was not clean
// base64.
func (x *Exchange) Malformed() bool { return x.malformed }
