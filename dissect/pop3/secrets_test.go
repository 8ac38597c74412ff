package pop3

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
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
		for _, rec := range r.records {
			record.Redact(rec, false)
		}
		b, _ := json.Marshal(r.records)
		w, _ := json.Marshal(r.s.Warnings)
		for _, secret := range []string{pw, b64pw, plain} {
			if strings.Contains(string(b), secret) || strings.Contains(string(w), secret) {
				t.Errorf("%s: %q shown:\n%s\n%s", name, secret, b, w)
			}
		}
	}
}
