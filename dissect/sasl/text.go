package sasl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// clean turns wire bytes into a printable string: invalid UTF-8 and control
// characters become U+FFFD so that no raw control byte reaches a report.
func clean(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 || unicode.IsControl(r) {
			r = utf8.RuneError
		}
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}
