package pop3

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxText bounds the reply texts and arguments copied into records.
const maxText = 512

// clean turns wire bytes into a printable string of at most maxText runes:
// invalid UTF-8 and control characters become U+FFFD.
func clean(b []byte) string {
	var sb strings.Builder
	n := 0
	for len(b) > 0 && n < maxText {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 || unicode.IsControl(r) {
			r = utf8.RuneError
		}
		sb.WriteRune(r)
		b = b[size:]
		n++
	}
	if len(b) > 0 {
		sb.WriteString("…")
	}
	return sb.String()
}

// isVerb reports whether b is a plausible POP3 command name: 1 to 16
// ASCII letters or digits starting with a letter.
func isVerb(b []byte) bool {
	if len(b) == 0 || len(b) > 16 {
		return false
	}
	for i, c := range b {
		letter := 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// cut splits a line at its first space: the word and the rest.
func cut(b []byte) ([]byte, []byte) {
	for i, c := range b {
		if c == ' ' {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// upper returns the ASCII upper case of a short word.
func upper(b []byte) string { return strings.ToUpper(string(b)) }

// isHex reports whether b is all hexadecimal digits.
func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return len(b) > 0
}
