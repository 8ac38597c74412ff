package tunnel

import (
	"encoding/base64"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"CONNECT mx:25 HTTP/1.1\r\n", HTTPConnect},
		{"CONNECT mx:25\r\n", ""},
		{"\x04\x01\x00\x19\x7f\x00\x00\x01\x00", SOCKS4},
		{"\x04\x01\x00\x19\x00\x00\x00\x01u\x00mx\x00", SOCKS4a},
		{"\x05\x01\x00", SOCKS5},
		{"\x05\x02\x00\x02", SOCKS5},
		{"\x05\x01\x20", ""},
		{"EHLO me\r\n", ""},
		{"\x16\x03\x01\x00\x05", ""},
	}
	for _, tt := range tests {
		if got := Detect([]byte(tt.in)); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// What a Proxy-Authorization does not prove to be a user name is the
// secret: never shown as a user.
func TestBasicProxyAuthorization(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		value, user, secret, malformed string
	}{
		{"Basic " + b64("bob:pw:with:colons"), "bob", "pw:with:colons", ""},
		{"Basic " + b64("bobpw"), "", "bobpw", record.MalformedNoSeparator},
		{"Basic bob:pw", "", "bob:pw", record.MalformedNotBase64},
		{"Bearer tok3n", "", "tok3n", ""},
	}
	for _, tt := range tests {
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		h := New(s, HTTPConnect, nil)
		h.basic(tt.value, 4)
		c := h.creds[0].(*record.Credential)
		if c.Username != tt.user || c.Password != tt.secret || c.Malformed != tt.malformed || c.PasswordLen != len(tt.secret) {
			t.Errorf("%q: %+v", tt.value, c)
		}
	}
}
