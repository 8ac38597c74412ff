package smtp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// Whatever the dialogue does with an AUTH (refused, pipelined, cancelled,
// lines sent after it as if they were commands), the secret lines it
// carries reach no record and no warning once Redact ran.
func TestAuthSecretsMaskedWhateverTheDialogue(t *testing.T) {
	pw := "V29uZGVybGFuZCE0Mg==" // Wonderland!42
	for name, steps := range map[string][]step{
		"login refused then lines": {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH LOGIN\r\n"), s("504 no\r\n"), c("YWxpY2U=\r\n"), s("500 what\r\n"), c(pw + "\r\n"), s("500 what\r\n")},
		"pipelined":                {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH LOGIN\r\nYWxpY2U=\r\n" + pw + "\r\n"), s("334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n")},
		"plain no space":           {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH PLAIN\r\n"), s("334 \r\n"), c("AGFsaWNlAFdvbmRlcmxhbmQhNDI=\r\n"), s("235 ok\r\n")},
		"cancelled then pw":        {s(greeting), c("EHLO me\r\n"), s(ehloReply), c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c("*\r\n"), s("501 cancelled\r\n"), c(pw + "\r\n"), s("500 what\r\n")},
	} {
		r := run(t, steps)
		w, _ := json.Marshal(r.s.Warnings)
		if strings.Contains(string(w), pw) {
			t.Errorf("%s warnings: %s", name, w)
		}
		for _, rec := range r.records {
			record.Redact(rec, false)
			b, _ := json.Marshal(rec)
			if strings.Contains(string(b), pw) || strings.Contains(string(b), "AGFsaWNlAFdvbmRlcmxhbmQhNDI=") || strings.Contains(string(b), "Wonderland") {
				t.Errorf("%s: %s", name, b)
			}
		}
	}
}
