package message

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// importantFields are the fields kept past maxFields: the ones a mail
// client shows and the ones decoding needs, so that a message with
// thousands of Received or To lines still has its subject. Each name is
// kept up to maxImportant times beyond the cap.
var importantFields = map[string]bool{
	"from": true, "to": true, "cc": true, "subject": true, "date": true, "message-id": true,
	"content-type": true, "content-transfer-encoding": true, "content-disposition": true,
	"reply-to": true, "in-reply-to": true, "references": true, "x-originating-ip": true,
}

// maxImportant bounds the important fields kept past maxFields.
const maxImportant = 64

// fromRaw8bit turns a header value into UTF-8 the way mail clients read
// raw 8-bit bytes that no charset names: as UTF-8 when they are valid
// UTF-8, else as windows-1252 (a superset of ISO-8859-1 that maps every
// byte). ok is false when the windows-1252 reading was needed.
func fromRaw8bit(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, true
	}
	d, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return s, false
	}
	return d, false
}

// maxReferences bounds the message ids kept from References.
const maxReferences = 50

// messageIDs splits a References field into its "<id>" tokens.
func messageIDs(v string) []string {
	var out []string
	for _, f := range strings.Fields(v) {
		if len(out) == maxReferences {
			break
		}
		out = append(out, sanitize(clip(f, maxValue)))
	}
	return out
}

// originatingIP reads X-Originating-IP, "[192.0.2.1]" or bare; what is no
// address is kept as text.
func originatingIP(v string) string {
	v = strings.Trim(strings.TrimSpace(v), "[]")
	if a, err := netip.ParseAddr(v); err == nil {
		return a.String()
	}
	return sanitize(clip(v, 64))
}
