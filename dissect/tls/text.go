package tls

import (
	"bytes"
	"strings"
)

// printable turns wire bytes into a short displayable string: printable
// ASCII kept, everything else shown as '.', at most max bytes.
func printable(b []byte, max int) string {
	if len(b) > max {
		b = b[:max]
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			sb.WriteByte(c)
		} else {
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

// Excerpt shows the start of cleartext that crossed where TLS was
// expected: cut to max bytes, line breaks made visible, other control
// bytes shown as '.', and secrets masked, since these bytes never reach
// the protocol dissector that would mask them.
func Excerpt(b []byte, max int) string {
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	var sb strings.Builder
	for len(b) > 0 {
		line, rest, found := bytes.Cut(b, []byte("\n"))
		sb.WriteString(visible(maskSecrets(line)))
		if found {
			sb.WriteString(`\n`)
		}
		b = rest
	}
	if cut {
		sb.WriteString("...")
	}
	return sb.String()
}

func visible(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

// secretVerbs are the commands whose arguments carry a secret, with how
// many arguments stay visible (the mechanism or the user name).
var secretVerbs = map[string]int{
	"AUTH": 1, "AUTHENTICATE": 1, "LOGIN": 1, "PASS": 0, "APOP": 1,
}

// maskSecrets hides the secret part of one command line (SMTP/POP3 AUTH,
// PASS, APOP; IMAP LOGIN and AUTHENTICATE after their tag) and lines that
// are only base64, the SASL responses.
func maskSecrets(line []byte) []byte {
	text := strings.TrimRight(string(line), "\r")
	fields := strings.Fields(text)
	for i := 0; i < len(fields) && i < 2; i++ {
		keep, ok := secretVerbs[strings.ToUpper(fields[i])]
		if !ok {
			continue
		}
		if len(fields) <= i+1+keep {
			return line
		}
		return []byte(strings.Join(fields[:i+1+keep], " ") + " ***" + trailingCR(line))
	}
	if isBase64Line(text) {
		return []byte("***" + trailingCR(line))
	}
	return line
}

func trailingCR(line []byte) string {
	if bytes.HasSuffix(line, []byte("\r")) {
		return "\r"
	}
	return ""
}

// isBase64Line reports a line of at least 8 base64 characters and nothing
// else: the shape of a SASL response.
func isBase64Line(s string) bool {
	if len(s) < 8 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}
