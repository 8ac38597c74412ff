package record

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask shows a secret's shape without its value: the first and last
// characters of a long secret and one star per hidden character, so that a
// student can recognise their own password in a report while a reader
// learns neither it nor more than its length.
func Mask(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) < 8:
		return strings.Repeat("*", len(r))
	}
	return visible(r[0]) + strings.Repeat("*", len(r)-2) + visible(r[len(r)-1])
}

// visible keeps a character shown by Mask only when it is printable, so
// that a mask never carries a control character to a terminal.
func visible(c rune) string {
	if !unicode.IsPrint(c) || c == utf8.RuneError {
		return "*"
	}
	return string(c)
}

// Bool returns a pointer to b, for the optional booleans of the contract.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for the optional numbers of the contract.
func Int(n int64) *int64 { return &n }
