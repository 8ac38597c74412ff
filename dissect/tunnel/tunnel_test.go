package tunnel

import (
	"encoding/base64"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
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

// The frames and the end of a SOCKS5 handshake do not depend on where
// its segments end.
func TestSOCKS5HandshakeEnds(t *testing.T) {
	tests := []struct {
		name     string
		server   string
		client   string // after the greeting
		tunnel   record.Tunnel
		warnings []record.WarningID
	}{
		{"no acceptable method: the reply's frame", "\x05\xff", "",
			record.Tunnel{Kind: SOCKS5, Reply: "no acceptable method", Packet: 1, ReplyPacket: 2},
			[]record.WarningID{record.WarnTunnelRefused}},
		{"request of an unknown address type", "\x05\x00", "\x05\x01\x00\x09\x00\x00\x00\x00\x00\x19",
			record.Tunnel{Kind: SOCKS5, Packet: 1},
			[]record.WarningID{record.WarnTunnelUnknownAddress}},
		{"reply of an unknown address type", "\x05\x00" + "\x05\x00\x00\x07\x00\x00\x00\x00\x00\x00", "\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x19",
			record.Tunnel{Kind: SOCKS5, Target: "127.0.0.1:25", Packet: 1},
			[]record.WarningID{record.WarnTunnelUnknownAddress}},
	}
	for _, tt := range tests {
		for _, piece := range []int{1, 64} {
			s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
			h := New(s, SOCKS5, func() stream.Handler { return &sink{} })
			evs := []stream.Event{{Dir: stream.ClientToServer, Data: []byte("\x05\x01\x00"), Frame: 1},
				{Dir: stream.ServerToClient, Data: []byte(tt.server), Frame: 2},
				{Dir: stream.ClientToServer, Data: []byte(tt.client), Frame: 3}}
			for _, ev := range streamtest.Pieces(evs, piece) {
				h.Handle(&ev)
			}
			if got := *h.Tunnel(); got != tt.tunnel {
				t.Errorf("%s, %d-byte pieces: tunnel %+v, want %+v", tt.name, piece, got, tt.tunnel)
			}
			var ids []record.WarningID
			for _, w := range s.Warnings {
				ids = append(ids, w.ID)
			}
			if len(ids) != len(tt.warnings) || len(ids) > 0 && ids[0] != tt.warnings[0] {
				t.Errorf("%s, %d-byte pieces: warnings %v, want %v", tt.name, piece, ids, tt.warnings)
			}
		}
	}
}
