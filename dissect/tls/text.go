package tls

import "strings"

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

// excerpt shows the start of cleartext that crossed where TLS was expected,
// line breaks made visible, cut to max bytes.
func excerpt(b []byte, max int) string {
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			sb.WriteByte('.')
		}
	}
	if cut {
		sb.WriteString("...")
	}
	return sb.String()
}
