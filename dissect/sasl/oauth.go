package sasl

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// xoauth2 decodes Google's XOAUTH2: "user=U\x01auth=Bearer T\x01\x01". The
// token grants mailbox access until it expires: it is the password.
func (x *Exchange) xoauth2(c *record.Credential) bool {
	msg := x.firstClient()
	if msg == nil {
		return false
	}
	for _, kv := range bytes.Split(msg, []byte{1}) {
		k, v, _ := bytes.Cut(kv, []byte{'='})
		switch strings.ToLower(string(k)) {
		case "user":
			c.Username = clean(v)
		case "auth":
			c.SetPassword(bearer(v))
		}
	}
	c.Recoverable = c.PasswordLen > 0
	return c.Username != "" || c.PasswordLen > 0
}

// oauthBearer decodes RFC 7628: a GS2 header "n,a=user," then
// "\x01key=value" pairs, the token in "auth=Bearer T".
func (x *Exchange) oauthBearer(c *record.Credential) bool {
	msg := x.firstClient()
	if msg == nil {
		return false
	}
	fields := bytes.Split(msg, []byte{1})
	if user, ok := gs2Authzid(fields[0]); ok {
		c.Username = user
	}
	for _, kv := range fields[1:] {
		k, v, _ := bytes.Cut(kv, []byte{'='})
		if strings.EqualFold(string(k), "auth") {
			c.SetPassword(bearer(v))
		}
	}
	c.Recoverable = c.PasswordLen > 0
	return c.Username != "" || c.PasswordLen > 0
}

// bearer strips the "Bearer " scheme from an auth value.
func bearer(v []byte) string {
	s := string(bytes.TrimSpace(v))
	if len(s) >= 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

// gs2Authzid returns the "a=" identity of a GS2 header such as
// "n,a=user@example.com," (RFC 5801), with "=2C" and "=3D" decoded.
func gs2Authzid(h []byte) (string, bool) {
	parts := bytes.Split(h, []byte{','})
	if len(parts) < 2 {
		return "", false
	}
	a, ok := bytes.CutPrefix(parts[1], []byte("a="))
	if !ok {
		return "", false
	}
	return clean(saslname(a)), true
}

// saslname decodes the "=2C" (comma) and "=3D" (equals) escapes of RFC
// 5801 and RFC 5802 names.
func saslname(b []byte) []byte {
	if bytes.IndexByte(b, '=') < 0 {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("=2C"), []byte(","))
	return bytes.ReplaceAll(b, []byte("=3D"), []byte("="))
}
