package sasl

import (
	"encoding/base64"
	"errors"
)

// errBase64 is returned for text that is not base64 in any tolerated form.
var errBase64 = errors.New("sasl: invalid base64")

// DecodeBase64 decodes one SASL line. It is lenient the way servers are:
// surrounding and embedded whitespace is ignored, padding may be missing,
// "=" alone is the empty message (RFC 4954, RFC 9051), and the URL-safe
// alphabet is accepted.
func DecodeBase64(line []byte) ([]byte, error) {
	compact := make([]byte, 0, len(line))
	for _, c := range line {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			compact = append(compact, c)
		}
	}
	for len(compact) > 0 && compact[len(compact)-1] == '=' {
		compact = compact[:len(compact)-1]
	}
	if len(compact) == 0 {
		return []byte{}, nil
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(compact)))
	n, err := base64.RawStdEncoding.Decode(out, compact)
	if err == nil {
		return out[:n], nil
	}
	n, err = base64.RawURLEncoding.Decode(out, compact)
	if err == nil {
		return out[:n], nil
	}
	return nil, errBase64
}
