package smtp

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// Whatever the dialogue does with an AUTH (refused, pipelined, cancelled,
// lines sent after it as if they were commands), the secret it carries
// reaches no record and no warning once redacted.
func TestAuthSecretsMaskedWhateverTheDialogue(t *testing.T) {
	const pw, b64pw, plain = "Wonderland!42", "V29uZGVybGFuZCE0Mg==", "AGFsaWNlAFdvbmRlcmxhbmQhNDI="
	for name, steps := range map[string][]step{
		"login refused then lines": {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH LOGIN\r\n"), s("504 no\r\n"), c("YWxpY2U=\r\n"), s("500 what\r\n"), c(b64pw + "\r\n"), s("500 what\r\n")},
		"pipelined":                {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH LOGIN\r\nYWxpY2U=\r\n" + b64pw + "\r\n"), s("334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n")},
		"plain":                    {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH PLAIN\r\n"), s("334 \r\n"), c(plain + "\r\n"), s("235 ok\r\n")},
		"plain initial":            {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH PLAIN " + plain + "\r\n"), s("235 ok\r\n")},
		"plain refused":            {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH PLAIN\r\n"), s("504 no\r\n"), c(plain + "\r\n"), s("500 what\r\n")},
		"cancelled then secret":    {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c("*\r\n"), s("501 cancelled\r\n"), c(b64pw + "\r\n"), s("500 what\r\n")},
	} {
		r := run(t, steps)
		if shown := recordtest.Shown(r.records, r.s.Warnings, pw, b64pw, plain); len(shown) > 0 {
			t.Errorf("%s: %q shown", name, shown)
		}
	}
}
