// Package sanitize makes text that came from the wire safe to print on a
// terminal, in markdown or in HTML: a capture is written by whoever sent
// the packets, and a subject line must not be able to clear the screen,
// move the cursor or reorder what the reader sees.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Ellipsis marks a value that was cut.
const Ellipsis = "…"

// String returns s with every control character shown as a visible
// symbol, bidirectional overrides and marks replaced, invalid UTF-8
// replaced, and at most max runes (the last one being Ellipsis when s was
// cut). max <= 0 means no limit.
func String(s string, max int) string {
	if isPlain(s, max) {
		return s
	}
	var b strings.Builder
	grow := len(s)
	if max > 0 && max < len(s) {
		grow = 4*max + 4 // a rune is at most 4 bytes, plus the marker
	}
	b.Grow(grow)
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if max > 0 && n == max-1 && i < len(s) {
			// One more rune would fit only if it is the last one.
			if _, rest := utf8.DecodeRuneInString(s[i:]); rest > 0 {
				b.WriteString(Ellipsis)
				return b.String()
			}
		}
		b.WriteString(replacement(r, size))
		n++
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII short enough to return as is.
func isPlain(s string, max int) bool {
	if max > 0 && len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// replacement is what rune r (decoded from size bytes) prints as.
func replacement(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size <= 1:
		return "\uFFFD"
	case r == '\t' || r == '\n' || r == '\r':
		// Values are shown on one line; a line break from the wire
		// would let it forge the next line of the report.
		return " "
	case r < 0x20:
		return string(rune(0x2400 + r)) // control pictures: ␛ for ESC
	case r == 0x7f:
		return "\u2421" // ␡
	case r >= 0x80 && r <= 0x9f:
		return "\uFFFD" // C1 controls, including the 8-bit CSI
	case isBidi(r):
		return "\uFFFD"
	}
	return string(r)
}

// isBidi reports the invisible characters that change the display order
// of text (Trojan Source): embeddings, overrides, isolates and marks.
func isBidi(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
