package imap

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
)

// mutf7 is the base64 alphabet of modified UTF-7 (',' for '/').
var mutf7 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding)

// decodeMUTF7 decodes a mailbox name in modified UTF-7 ("Archiv&AOk-s" is
// "Archivés"). A name that is not valid modified UTF-7 is returned as it
// is: servers and clients get it wrong, and the raw name is still useful.
func decodeMUTF7(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var sb strings.Builder
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			sb.WriteString(s)
			return sb.String()
		}
		sb.WriteString(s[:i])
		s = s[i+1:]
		j := strings.IndexByte(s, '-')
		if j < 0 {
			return sb.String() + "&" + s
		}
		if j == 0 {
			sb.WriteByte('&')
			s = s[1:]
			continue
		}
		b, err := mutf7.DecodeString(s[:j])
		if err != nil || len(b)%2 != 0 {
			sb.WriteString("&" + s[:j+1])
		} else {
			u := make([]uint16, len(b)/2)
			for k := range u {
				u[k] = uint16(b[2*k])<<8 | uint16(b[2*k+1])
			}
			sb.WriteString(string(utf16.Decode(u)))
		}
		s = s[j+1:]
	}
}
