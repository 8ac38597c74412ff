package message

import (
	"io"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	gomessage "github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-x, Windows-125x, ... for encoded words and bodies
)

// wordDecoder decodes RFC 2047 encoded words in any charset go-message
// knows.
var wordDecoder = mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(name string, r io.Reader) (io.Reader, error) {
	name = strings.ToLower(name)
	if name == "utf-8" || name == "us-ascii" || name == "utf8" {
		return r, nil
	}
	return gomessage.CharsetReader(name, r)
}

// decodeText turns a header value into clean UTF-8: encoded words decoded
// (the raw value kept when a charset is unknown), invalid bytes replaced
// and control characters shown as spaces so that a header can never break
// a terminal or a report line.
func decodeText(s string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	s, _ = fromRaw8bit(s)
	return sanitize(s)
}

// sanitize replaces invalid UTF-8 and control characters.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
