package sasl

import (
	"encoding/base64"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestDecodeForms(t *testing.T) {
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		line string
		want string
		form Form
	}{
		{b("\x00a\x00pw"), "\x00a\x00pw", Clean},
		{"User: " + b("bob"), "bob", Clean},
		{b("\x00a\x00pw") + "junk!", "\x00a\x00pw", Trailing},
		{b("\x00a\x00pw") + " #", "\x00a\x00pw", Trailing},
		{"a:pw", "a:pw", Raw},
		{"#", "#", Raw},
	}
	for _, tt := range tests {
		got, form := Decode([]byte(tt.line))
		if string(got) != tt.want || form != tt.form {
			t.Errorf("Decode(%q) = %q, %d; want %q, %d", tt.line, got, form, tt.want, tt.form)
		}
	}
}

func TestMalformedCredentials(t *testing.T) {
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name      string
		mech      string
		lines     []string // client lines; "S:" starts a server challenge
		user      string
		secret    string
		malformed string
		recover   bool
	}{
		{"PlainClean", "PLAIN", []string{b("\x00alice\x00pw")}, "alice", "pw", "", true},
		{"PlainTrailing", "PLAIN", []string{b("\x00alice\x00pw") + "xx#"}, "alice", "pw", record.MalformedTrailing, true},
		{"PlainNoNUL", "PLAIN", []string{b("alicepw")}, "", "alicepw", record.MalformedNoSeparator, false},
		{"PlainUserColonPass", "PLAIN", []string{b("alice:pw")}, "", "alice:pw", record.MalformedNoSeparator, false},
		{"PlainNotBase64", "PLAIN", []string{"alice:pw"}, "", "alice:pw", record.MalformedNotBase64, false},
		{"LoginUserColonPass", "LOGIN", []string{"S:" + b("Username:"), b("alice:pw")}, "", "alice:pw", record.MalformedNoSeparator, false},
		{"LoginRawUserThenPassword", "LOGIN", []string{"S:" + b("Username:"), "al#ce", "S:" + b("Password:"), b("pw")}, "", "pw", record.MalformedNotBase64, false},
		{"LoginClean", "LOGIN", []string{"S:" + b("Username:"), b("alice"), "S:" + b("Password:"), b("pw")}, "alice", "pw", "", true},
		{"BlobForMechanism", b("\x00alice\x00pw"), nil, "", "\x00alice\x00pw", record.MalformedMechanism, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := Start(tt.mech)
			for _, l := range tt.lines {
				if len(l) > 2 && l[:2] == "S:" {
					d, _ := Decode([]byte(l[2:]))
					x.Server(d)
					continue
				}
				x.ClientLine([]byte(l))
			}
			c, ok := x.Credential()
			if !ok || c.Username != tt.user || c.Password != tt.secret || c.PasswordLen != len([]rune(tt.secret)) ||
				c.PasswordMasked != record.Mask(tt.secret) || c.Malformed != tt.malformed || c.Recoverable != tt.recover {
				t.Fatalf("credential %+v (ok %v)", c, ok)
			}
		})
	}
}

func FuzzClientLine(f *testing.F) {
	for _, s := range []string{"AGEAcHc=junk!", "alice:pw", "User: Ym9i", "=", "#", "AGFsaWNlAHB3"} {
		f.Add("PLAIN", s)
		f.Add("LOGIN", s)
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, mech, line string) {
		x := Start(mech)
		x.ClientLine([]byte(line))
		x.ClientLine([]byte(line))
		c, ok := x.Credential()
		if ok && x.Malformed() && c.Username != "" && c.Malformed != record.MalformedTrailing {
			// Only NULs that decoded prove a username.
			t.Fatalf("malformed exchange names user %q: %+v", c.Username, c)
		}
	})
}
