package smtp

import (
	"testing"
)

func TestAuth(t *testing.T) {
	type want struct {
		mech, user, authzid, password, domain, ws string
		hash                                      bool
		recoverable                               bool
		accepted                                  *bool
		packet, replyPacket                       int64
	}
	yes, no := true, false
	tests := []struct {
		name     string
		steps    []step
		want     []want
		authUser string
		args     string // the AUTH command's masked arguments
	}{
		{"PlainInitialResponse", []step{s(greeting), c("AUTH PLAIN " + b64("\x00tim\x00tanstaaf") + "\r\n"), s("235 2.7.0 Authentication successful\r\n")},
			[]want{{mech: "PLAIN", user: "tim", password: "tanstaaf", recoverable: true, accepted: &yes, packet: 2, replyPacket: 3}}, "tim", "PLAIN " + maskOf(b64("\x00tim\x00tanstaaf"))},
		{"PlainAfterChallengeWithAuthzid", []step{s(greeting), c("AUTH PLAIN\r\n"), s("334 \r\n"), c(b64("admin\x00tim\x00pw") + "\r\n"), s("235 ok\r\n")},
			[]want{{mech: "PLAIN", user: "tim", authzid: "admin", password: "pw", recoverable: true, accepted: &yes, packet: 2, replyPacket: 5}}, "tim", "PLAIN"},
		{"LoginByChallenges", []step{s(greeting), c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c(b64("sneakyg33k@aol.com") + "\r\n"), s("334 UGFzc3dvcmQ6\r\n"), c(b64("558r00lz") + "\r\n"), s("235 2.0.0 OK\r\n")},
			[]want{{mech: "LOGIN", user: "sneakyg33k@aol.com", password: "558r00lz", recoverable: true, accepted: &yes, packet: 2, replyPacket: 7}}, "sneakyg33k@aol.com", "LOGIN"},
		{"LoginInitialResponseUsername", []step{s(greeting), c("auth login " + b64("tim") + "\r\n"), s("334 UGFzc3dvcmQ6\r\n"), c(b64("secret") + "\r\n"), s("235 ok\r\n")},
			[]want{{mech: "LOGIN", user: "tim", password: "secret", recoverable: true, accepted: &yes, packet: 2, replyPacket: 5}}, "tim", "LOGIN ****"},
		{"CramMD5", []step{s(greeting), c("AUTH CRAM-MD5\r\n"), s("334 " + b64("<1896.697170952@postoffice.reston.mci.net>") + "\r\n"), c(b64("tim b913a602c7eda7a495b4e6e7334d3890") + "\r\n"), s("235 ok\r\n")},
			[]want{{mech: "CRAM-MD5", user: "tim", hash: true, accepted: &yes, packet: 2, replyPacket: 5}}, "tim", "CRAM-MD5"},
		{"XOAuth2TokenIsTheSecret", []step{s(greeting), c("AUTH XOAUTH2 " + b64("user=a@b.c\x01auth=Bearer ya29.token\x01\x01") + "\r\n"), s("235 2.7.0 Accepted\r\n")},
			[]want{{mech: "XOAUTH2", user: "a@b.c", password: "ya29.token", recoverable: true, accepted: &yes, packet: 2, replyPacket: 3}}, "a@b.c", ""},
		{"OAuthBearer", []step{s(greeting), c("AUTH OAUTHBEARER " + b64("n,a=u@b.c,\x01auth=Bearer tok\x01\x01") + "\r\n"), s("235 ok\r\n")},
			[]want{{mech: "OAUTHBEARER", user: "u@b.c", password: "tok", recoverable: true, accepted: &yes, packet: 2, replyPacket: 3}}, "u@b.c", ""},
		{"NTLM", []step{s(greeting), c("AUTH NTLM " + b64("NTLMSSP\x00\x01\x00\x00\x00") + "\r\n"), s("334 " + b64(string(ntlmChallenge())) + "\r\n"), c(b64(string(ntlmAuthenticate("User", "Domain", "COMPUTER"))) + "\r\n"), s("235 ok\r\n")},
			[]want{{mech: "NTLM", user: "User", domain: "Domain", ws: "COMPUTER", hash: true, accepted: &yes, packet: 2, replyPacket: 5}}, "User", ""},
		{"CancelledLogin", []step{s(greeting), c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c(b64("tim") + "\r\n"), s("334 UGFzc3dvcmQ6\r\n"), c("*\r\n"), s("501 5.7.0 Authentication aborted\r\n"), c("NOOP\r\n"), s("250 ok\r\n")},
			[]want{{mech: "LOGIN", user: "tim", accepted: &no, packet: 2, replyPacket: 7}}, "", "LOGIN"},
		{"FailedThenGoodLogin", []step{s(greeting), c("AUTH PLAIN " + b64("\x00tim\x00wrong") + "\r\n"), s("535 5.7.8 Error: authentication failed\r\n"), c("AUTH PLAIN " + b64("\x00tim\x00right") + "\r\n"), s("235 ok\r\n")},
			[]want{{mech: "PLAIN", user: "tim", password: "wrong", recoverable: true, accepted: &no, packet: 2, replyPacket: 3},
				{mech: "PLAIN", user: "tim", password: "right", recoverable: true, accepted: &yes, packet: 4, replyPacket: 5}}, "tim", ""},
		{"NoReplySeen", []step{s(greeting), c("AUTH PLAIN " + b64("\x00tim\x00pw") + "\r\n")},
			[]want{{mech: "PLAIN", user: "tim", password: "pw", recoverable: true, packet: 2}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.steps)
			got := r.credentials()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d credentials, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Session != "s1" || g.Proto != "smtp" || !g.SASL || g.Mechanism != w.mech || g.Username != w.user || g.Authzid != w.authzid ||
					g.Password != w.password || g.Domain != w.domain || g.Workstation != w.ws || (g.Hash != "") != w.hash ||
					g.Recoverable != w.recoverable || g.Packet != w.packet || g.ReplyPacket != w.replyPacket {
					t.Errorf("credential %d = %+v, want %+v", i, g, w)
				}
				if (g.Accepted == nil) != (w.accepted == nil) || (g.Accepted != nil && *g.Accepted != *w.accepted) {
					t.Errorf("credential %d accepted = %v, want %v", i, g.Accepted, w.accepted)
				}
				if w.password != "" && g.PasswordLen != len(w.password) {
					t.Errorf("password_len = %d", g.PasswordLen)
				}
			}
			if r.s.AuthUser != tt.authUser {
				t.Errorf("AuthUser = %q, want %q", r.s.AuthUser, tt.authUser)
			}
			if tt.args != "" {
				if a := r.commands()[0].Args; a != tt.args {
					t.Errorf("AUTH args = %q, want %q", a, tt.args)
				}
			}
			for _, cmd := range r.commands() {
				if cmd.Verb != "AUTH" && cmd.Verb != "NOOP" {
					t.Errorf("SASL response read as a command: %+v", cmd)
				}
			}
		})
	}
}

func maskOf(s string) string {
	if len(s) < 8 {
		return "****"[:len(s)]
	}
	b := []byte(s)
	for i := 1; i < len(b)-1; i++ {
		b[i] = '*'
	}
	return string(b)
}
