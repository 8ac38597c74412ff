package pop3

import "testing"

// TestAuthSecretFrame checks that the credential names the frame that
// carried the secret when it is not the command's own: PASS is its own
// command, AUTH PLAIN after "+" is not.
func TestAuthSecretFrame(t *testing.T) {
	plain := "AGFsaWNlAHMzY3JldA==" // \0alice\0s3cret
	greeting := S("+OK ready\r\n")
	cases := []struct {
		name           string
		script         []ev
		packet         int64
		secret, prompt int64
	}{
		{"PlainAfterContinuation", []ev{greeting, C("AUTH PLAIN\r\n"), S("+ \r\n"), C(plain + "\r\n"), S("+OK Logged in\r\n")}, 2, 4, 3},
		{"PlainInitialResponse", []ev{greeting, C("AUTH PLAIN " + plain + "\r\n"), S("+OK Logged in\r\n")}, 2, 0, 0},
		{"UserPass", []ev{greeting, C("USER alice\r\n"), S("+OK\r\n"), C("PASS s3cret\r\n"), S("+OK Logged in\r\n")}, 4, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := playDefault(tc.script...)
			cr := r.credentials()
			if len(cr) != 1 || cr[0].Password != "s3cret" || cr[0].Packet != tc.packet {
				t.Fatalf("credentials %+v", cr)
			}
			if cr[0].SecretPacket != tc.secret || cr[0].PromptPacket != tc.prompt {
				t.Errorf("secret frame %d prompt %d, want %d and %d", cr[0].SecretPacket, cr[0].PromptPacket, tc.secret, tc.prompt)
			}
		})
	}
}
