package smtp

import "strings"

// Bounds of the text kept in records.
const (
	maxArgs  = 512
	maxReply = 512
	// maxChallenge keeps whole SASL challenges (an NTLM type 2 message
	// is a few hundred base64 characters).
	maxChallenge = 8 << 10
)

// clean turns wire bytes into text fit for a record: at most max bytes,
// valid UTF-8, no control characters (a tab becomes a space, others
// U+FFFD), so that no capture can smuggle terminal escapes into a report.
func clean(b []byte, max int) string {
	if len(b) > max {
		b = b[:max]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.Map(printable, s)
}

func printable(r rune) rune {
	switch {
	case r == '\t':
		return ' '
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return '\uFFFD'
	}
	return r
}
