package record

import "strings"

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
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// Redact removes every secret from r in place, unless reveal is set. It is
// the one place where secrets are dropped: renderers only see its result.
func Redact(r Record, reveal bool) {
	if reveal {
		return
	}
	if c, ok := r.(*Credential); ok {
		c.Password = ""
		c.Hash = ""
	}
}

// Bool returns a pointer to b, for the optional booleans of the contract.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for the optional numbers of the contract.
func Int(n int64) *int64 { return &n }
