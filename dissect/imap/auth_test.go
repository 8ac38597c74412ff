package imap

import (
	"encoding/base64"
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestLoginForms(t *testing.T) {
	tests := []struct {
		name     string
		client   []piece
		user, pw string
		args     string
	}{
		{"Atoms", []piece{c("a LOGIN alice s3cr3t\r\n")}, "alice", "s3cr3t", `alice "******"`},
		{"QuotedWithEscapes", []piece{c(`a LOGIN "al ice" "p\"w\\d"` + "\r\n")}, "al ice", `p"w\d`, `"al ice" "*****"`},
		{"SynchronisingLiterals", []piece{c("a LOGIN {5}\r\n"), sv("+ go ahead\r\n"), c("alice {8}\r\n"), sv("+ go ahead\r\n"), c("p w\r\nx y\r\n")}, "alice", "p w\r\nx y", `"alice" "p******y"`},
		{"LiteralUserQuotedPassword", []piece{c("a LOGIN {5}\r\n"), sv("+\r\n"), c("alice \"pw\"\r\n")}, "alice", "pw", `"alice" "**"`},
		{"AtomUserLiteralPassword", []piece{c("a LOGIN alice {2}\r\n"), sv("+ Ready\r\n"), c("pw\r\n")}, "alice", "pw", `alice "**"`},
		{"LongPasswordMasked", []piece{c("a LOGIN bob correcthorse\r\n")}, "bob", "correcthorse", `bob "c**********e"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := append([]piece{sv("* OK IMAP4rev1 ready\r\n")}, tt.client...)
			pieces = append(pieces, sv("a OK LOGIN completed\r\n"))
			r := runDefault(t, pieces...)
			cr := r.creds()
			if len(cr) != 1 {
				t.Fatalf("want one credential: %s", r.dump())
			}
			got := cr[0]
			if got.Mechanism != "LOGIN" || got.SASL || !got.Recoverable || got.Username != tt.user || got.Password != tt.pw ||
				got.PasswordLen != len([]rune(tt.pw)) || got.Accepted == nil || !*got.Accepted || got.Packet != 2 || got.ReplyPacket != int64(len(pieces)) {
				t.Fatalf("credential %+v", got)
			}
			if r.s.AuthUser != tt.user {
				t.Errorf("AuthUser %q", r.s.AuthUser)
			}
			if cmd := r.command(t, "LOGIN"); cmd.Args != tt.args || cmd.Status != "OK" {
				t.Errorf("args %q status %q", cmd.Args, cmd.Status)
			}
		})
	}
}

func TestLoginRefused(t *testing.T) {
	r := runDefault(t, c("a LOGIN bob wrong\r\n"), sv("a NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"))
	cr := r.creds()
	if len(cr) != 1 || cr[0].Accepted == nil || *cr[0].Accepted || cr[0].Reply != "NO [AUTHENTICATIONFAILED] Authentication failed." {
		t.Fatalf("%s", r.dump())
	}
	if r.s.AuthUser != "" {
		t.Fatalf("AuthUser %q after a refused login", r.s.AuthUser)
	}
}

func TestLoginWithoutReplyHasUnknownOutcome(t *testing.T) {
	r := runDefault(t, c("a LOGIN bob pw\r\n"))
	cr := r.creds()
	if len(cr) != 1 || cr[0].Accepted != nil || r.command(t, "LOGIN").Status != "" {
		t.Fatalf("%s", r.dump())
	}
}

func TestLoginDespiteLoginDisabled(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"),
		c("a LOGIN bob pw\r\n"),
		sv("a NO [PRIVACYREQUIRED] Plaintext authentication disallowed\r\n"),
	)
	f := r.findings()["login-disabled-ignored"]
	if f == nil || f.Severity != "high" || len(f.Frames) != 2 || f.Frames[0] != 1 || f.Frames[1] != 2 {
		t.Fatalf("%s", r.dump())
	}
	if r.findings()["starttls-not-used"] == nil {
		t.Fatalf("%s", r.dump())
	}
}

// ntlmType3 builds an NTLM AUTHENTICATE message (MS-NLMP 2.2.1.3).
func ntlmType3(user, domain, ws string, nt []byte) []byte {
	enc := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	b := make([]byte, 64)
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 3)
	put := func(off int, data []byte) {
		binary.LittleEndian.PutUint16(b[off:], uint16(len(data)))
		binary.LittleEndian.PutUint16(b[off+2:], uint16(len(data)))
		binary.LittleEndian.PutUint32(b[off+4:], uint32(len(b)))
		b = append(b, data...)
	}
	put(12, make([]byte, 24))
	put(20, nt)
	put(28, enc(domain))
	put(36, enc(user))
	put(44, enc(ws))
	put(52, nil)
	binary.LittleEndian.PutUint32(b[60:], 0x00088203)
	return b
}

func ntlmType2(challenge string) []byte {
	b := make([]byte, 48)
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 2)
	binary.LittleEndian.PutUint32(b[20:], 0x00000201)
	copy(b[24:], challenge)
	return b
}

func TestAuthenticate(t *testing.T) {
	ntResp := append([]byte{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}, []byte{1, 1, 0, 0, 0, 0, 0, 0, 9, 9}...)
	tests := []struct {
		name        string
		pieces      []piece
		mech, user  string
		pw          string
		hash        bool
		recoverable bool
		accepted    bool
		domain      string
	}{
		{"PlainWithInitialResponse", []piece{c("a AUTHENTICATE PLAIN " + b64("\x00alice\x00pw1") + "\r\n"), sv("a OK done\r\n")},
			"PLAIN", "alice", "pw1", false, true, true, ""},
		{"PlainAfterContinuation", []piece{c("a AUTHENTICATE PLAIN\r\n"), sv("+ \r\n"), c(b64("\x00alice\x00pw2") + "\r\n"), sv("a OK done\r\n")},
			"PLAIN", "alice", "pw2", false, true, true, ""},
		{"PlainRefused", []piece{c("a AUTHENTICATE PLAIN " + b64("\x00alice\x00bad") + "\r\n"), sv("a NO [AUTHENTICATIONFAILED] no\r\n")},
			"PLAIN", "alice", "bad", false, true, false, ""},
		{"LoginMechanism", []piece{c("a AUTHENTICATE LOGIN\r\n"), sv("+ " + b64("Username:") + "\r\n"), c(b64("bob") + "\r\n"),
			sv("+ " + b64("Password:") + "\r\n"), c(b64("hunter2") + "\r\n"), sv("a OK done\r\n")},
			"LOGIN", "bob", "hunter2", false, true, true, ""},
		{"CramMD5", []piece{c("a AUTHENTICATE CRAM-MD5\r\n"), sv("+ " + b64("<1896.697170952@postoffice.reston.mci.net>") + "\r\n"),
			c(b64("tim b913a602c7eda7a495b4e6e7334d3890") + "\r\n"), sv("a OK done\r\n")},
			"CRAM-MD5", "tim", "", true, false, true, ""},
		{"XOAuth2WithErrorChallenge", []piece{c("a AUTHENTICATE XOAUTH2 " + b64("user=u@example.com\x01auth=Bearer ya29.tok\x01\x01") + "\r\n"),
			sv("+ " + b64(`{"status":"401"}`) + "\r\n"), c("\r\n"), sv("a NO [AUTHENTICATIONFAILED] Invalid credentials\r\n")},
			"XOAUTH2", "u@example.com", "ya29.tok", false, true, false, ""},
		{"OAuthBearer", []piece{c("a AUTHENTICATE OAUTHBEARER " + b64("n,a=u@example.com,\x01auth=Bearer abc\x01\x01") + "\r\n"), sv("a OK done\r\n")},
			"OAUTHBEARER", "u@example.com", "abc", false, true, true, ""},
		{"NTLM", []piece{c("a AUTHENTICATE NTLM\r\n"), sv("+\r\n"), c(b64("NTLMSSP\x00\x01\x00\x00\x00\x07\x82\x08\xa2") + "\r\n"),
			sv("+ " + base64.StdEncoding.EncodeToString(ntlmType2("\x01\x23\x45\x67\x89\xab\xcd\xef")) + "\r\n"),
			c(base64.StdEncoding.EncodeToString(ntlmType3("User", "Domain", "PC", ntResp)) + "\r\n"), sv("a OK done\r\n")},
			"NTLM", "User", "", true, false, true, "Domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDefault(t, tt.pieces...)
			cr := r.creds()
			if len(cr) != 1 {
				t.Fatalf("want one credential: %s", r.dump())
			}
			got := cr[0]
			if got.Mechanism != tt.mech || !got.SASL || got.Username != tt.user || got.Password != tt.pw ||
				(got.Hash != "") != tt.hash || got.Recoverable != tt.recoverable || got.Domain != tt.domain {
				t.Fatalf("credential %+v", got)
			}
			if got.Accepted == nil || *got.Accepted != tt.accepted || got.Packet != 1 || got.ReplyPacket != int64(len(tt.pieces)) {
				t.Fatalf("outcome %+v", got)
			}
			cmd := r.command(t, "AUTHENTICATE")
			if cmd.ReplyPacket != int64(len(tt.pieces)) {
				t.Fatalf("command %+v", cmd)
			}
			if tt.pw != "" && (contains(cmd.Args, tt.pw) || contains(cmd.Args, b64("\x00alice\x00"+tt.pw))) {
				t.Fatalf("secret in args %q", cmd.Args)
			}
			if len(r.commands()) != 1 {
				t.Fatalf("SASL lines read as commands: %s", r.dump())
			}
		})
	}
}

func contains(s, sub string) bool { return len(sub) > 0 && len(s) >= len(sub) && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestAuthenticateCancelled(t *testing.T) {
	r := runDefault(t,
		c("a AUTHENTICATE LOGIN\r\n"), sv("+ "+b64("Username:")+"\r\n"), c(b64("bob")+"\r\n"),
		sv("+ "+b64("Password:")+"\r\n"), c("*\r\n"), sv("a BAD Authentication aborted\r\n"),
		c("b LOGOUT\r\n"), sv("b OK bye\r\n"),
	)
	cr := r.creds()
	if len(cr) != 1 || cr[0].Username != "bob" || cr[0].Password != "" || *cr[0].Accepted {
		t.Fatalf("%s", r.dump())
	}
	if r.command(t, "LOGOUT").Status != "OK" {
		t.Fatalf("%s", r.dump())
	}
}
