package imap

import "testing"

// TestAuthenticateSecretFrame checks that the credential names the frame
// that carried the secret when it is not the AUTHENTICATE command's own.
func TestAuthenticateSecretFrame(t *testing.T) {
	plain := "AGFsaWNlAHMzY3JldA==" // \0alice\0s3cret
	greeting := sv("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN] ready\r\n")
	cases := []struct {
		name           string
		pieces         []piece
		secret, prompt int64
	}{
		{"PlainAfterContinuation", []piece{greeting, c(". AUTHENTICATE PLAIN\r\n"), sv("+ \r\n"), c(plain + "\r\n"), sv(". OK Logged in\r\n")}, 4, 3},
		{"PlainInitialResponse", []piece{greeting, c(". AUTHENTICATE PLAIN " + plain + "\r\n"), sv(". OK Logged in\r\n")}, 0, 0},
		{"LoginTwoSteps", []piece{greeting, c(". AUTHENTICATE LOGIN\r\n"), sv("+ VXNlcm5hbWU6\r\n"), c("YWxpY2U=\r\n"),
			sv("+ UGFzc3dvcmQ6\r\n"), c("czNjcmV0\r\n"), sv(". OK Logged in\r\n")}, 6, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runDefault(t, tc.pieces...)
			cr := r.creds()
			if len(cr) != 1 || cr[0].Password != "s3cret" || cr[0].Packet != 2 {
				t.Fatalf("%s", r.dump())
			}
			if cr[0].SecretPacket != tc.secret || cr[0].PromptPacket != tc.prompt {
				t.Errorf("secret frame %d prompt %d, want %d and %d", cr[0].SecretPacket, cr[0].PromptPacket, tc.secret, tc.prompt)
			}
		})
	}
}
