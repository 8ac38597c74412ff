package sasl

import (
	"bytes"
	"testing"
)

var fuzzMechanisms = []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER", "NTLM", "SCRAM-SHA-1", "SCRAM-SHA-256", "DIGEST-MD5", "EXTERNAL", "ANONYMOUS", "GSSAPI"}

// FuzzExchange feeds an exchange with messages split from data at "\n":
// those starting with "S" are server challenges, the others client
// messages. Nothing may panic, and every string field must be printable.
func FuzzExchange(f *testing.F) {
	f.Add(uint8(0), []byte("C\x00tim\x00tanstaaftanstaaf"))
	f.Add(uint8(1), []byte("SUsername:\nCtim\nSPassword:\nCpw"))
	f.Add(uint8(2), []byte("S<1896.697170952@postoffice.reston.mci.net>\nCtim b913a602c7eda7a495b4e6e7334d3890"))
	f.Add(uint8(3), []byte("Cuser=someuser@example.com\x01auth=Bearer ya29.vF9dft4\x01\x01"))
	f.Add(uint8(4), []byte("Cn,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9d==\x01\x01"))
	f.Add(uint8(5), append([]byte("S"), ntlmChallengeMessage([]byte("01234567"))...))
	f.Add(uint8(5), append([]byte("CNTLMSSP\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0xff}, 60)...))
	f.Add(uint8(6), []byte("Cn,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"))
	f.Add(uint8(8), []byte(`Cusername="chris",realm="x\"y",nonce="a,b"`))
	f.Fuzz(func(t *testing.T, m uint8, data []byte) {
		x := Start(fuzzMechanisms[int(m)%len(fuzzMechanisms)])
		for _, part := range bytes.Split(data, []byte{'\n'}) {
			if len(part) > 0 && part[0] == 'S' {
				x.Server(part[1:])
			} else if len(part) > 0 {
				x.Client(part[1:])
			}
		}
		c, _ := x.Credential()
		for _, s := range []string{c.Username, c.Authzid, c.Domain, c.Workstation, c.Hash} {
			for _, r := range s {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("control character in %q", s)
				}
			}
		}
		DecodeBase64(data)
	})
}

func BenchmarkExchange(b *testing.B) {
	type tc struct {
		mech string
		msgs []msg
	}
	cases := []tc{
		{"PLAIN", []msg{c("\x00tim\x00tanstaaftanstaaf")}},
		{"LOGIN", []msg{s("Username:"), c("tim"), s("Password:"), c("tanstaaf")}},
		{"CRAM-MD5", []msg{s("<1896.697170952@postoffice.reston.mci.net>"), c("tim b913a602c7eda7a495b4e6e7334d3890")}},
		{"NTLM", []msg{s(string(ntlmChallengeMessage([]byte("01234567")))), c(string(ntlmAuthenticateMessage(&testing.T{}, "User", "Domain", "PC", nil, bytes.Repeat([]byte{1}, 200), true)))}},
	}
	var size int64
	for _, k := range cases {
		for _, m := range k.msgs {
			size += int64(len(m.data))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range cases {
			if _, ok := run(k.mech, k.msgs).Credential(); !ok {
				b.Fatal("no credential")
			}
		}
	}
}

func BenchmarkDecodeBase64(b *testing.B) {
	line := bytes.Repeat([]byte("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"), 20)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := DecodeBase64(line); err != nil {
			b.Fatal(err)
		}
	}
}
