package pop3

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// Whatever the dialogue does with PASS or AUTH (refused, pipelined,
// cancelled, lines sent after it as if they were commands), the secret
// reaches no record and no warning once Redact ran.
func TestSecretsMaskedWhateverTheDialogue(t *testing.T) {
	const pw, b64pw, plain = "Wonderland!42", "V29uZGVybGFuZCE0Mg==", "AGFsaWNlAFdvbmRlcmxhbmQhNDI="
	for name, script := range map[string][]ev{
		"user pass":         {S(greeting), C("USER alice\r\n"), S("+OK\r\n"), C("PASS " + pw + "\r\n"), S("-ERR no\r\n")},
		"pipelined":         {S(greeting), C("USER alice\r\nPASS " + pw + "\r\n"), S("+OK\r\n+OK\r\n")},
		"pass without user": {S(greeting), C("PASS " + pw + "\r\n"), S("-ERR no\r\n")},
		"plain":             {S(greeting), C("AUTH PLAIN\r\n"), S("+ \r\n"), C(plain + "\r\n"), S("+OK\r\n")},
		"plain initial":     {S(greeting), C("AUTH PLAIN " + plain + "\r\n"), S("+OK\r\n")},
		"plain refused":     {S(greeting), C("AUTH PLAIN\r\n"), S("-ERR no\r\n"), C(plain + "\r\n"), S("-ERR what\r\n")},
		"login pipelined":   {S(greeting), C("AUTH LOGIN\r\nYWxpY2U=\r\n" + b64pw + "\r\n"), S("+ VXNlcm5hbWU6\r\n+ UGFzc3dvcmQ6\r\n+OK\r\n")},
		"cancelled":         {S(greeting), C("AUTH LOGIN\r\n"), S("+ VXNlcm5hbWU6\r\n"), C("*\r\n"), S("-ERR cancelled\r\n"), C(b64pw + "\r\n"), S("-ERR what\r\n")},
	} {
		r := playDefault(script...)
		if shown := recordtest.Shown(r.records, r.s.Warnings, pw, b64pw, plain); len(shown) > 0 {
			t.Errorf("%s: %q shown", name, shown)
		}
	}
}
