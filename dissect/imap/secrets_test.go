package imap

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// Whatever the dialogue does with a LOGIN or an AUTHENTICATE (refused,
// pipelined, cancelled, in literals, lines sent after it as if they were
// commands), the secret reaches no record and no warning once Redact ran.
func TestLoginSecretsMaskedWhateverTheDialogue(t *testing.T) {
	const pw, b64pw, plain = "Wonderland!42", "V29uZGVybGFuZCE0Mg==", "AGFsaWNlAFdvbmRlcmxhbmQhNDI="
	greet := sv("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] ready\r\n")
	for name, pieces := range map[string][]piece{
		"login":                 {greet, c("a LOGIN alice " + pw + "\r\n"), sv("a OK done\r\n")},
		"login quoted":          {greet, c(`a LOGIN "alice" "` + pw + `"` + "\r\n"), sv("a NO bad\r\n")},
		"login literals":        {greet, c("a LOGIN {5}\r\n"), sv("+ go\r\n"), c("alice {13}\r\n"), sv("+ go\r\n"), c(pw + "\r\n"), sv("a OK done\r\n")},
		"login non-sync":        {greet, c("a LOGIN {5+}\r\nalice {13+}\r\n" + pw + "\r\n"), sv("a OK done\r\n")},
		"login literal refused": {greet, c("a LOGIN alice {13}\r\n"), sv("a BAD no literals\r\n"), c(pw + "\r\n"), sv("* BAD what\r\n")},
		"plain":                 {greet, c("a AUTHENTICATE PLAIN\r\n"), sv("+ \r\n"), c(plain + "\r\n"), sv("a OK done\r\n")},
		"plain initial":         {greet, c("a AUTHENTICATE PLAIN " + plain + "\r\n"), sv("a OK done\r\n")},
		"plain refused":         {greet, c("a AUTHENTICATE PLAIN\r\n"), sv("a NO no plain\r\n"), c(plain + "\r\n"), sv("* BAD what\r\n")},
		"login sasl pipelined":  {greet, c("a AUTHENTICATE LOGIN\r\nYWxpY2U=\r\n" + b64pw + "\r\n"), sv("+ VXNlcm5hbWU6\r\n+ UGFzc3dvcmQ6\r\na OK done\r\n")},
		"cancelled":             {greet, c("a AUTHENTICATE LOGIN\r\n"), sv("+ VXNlcm5hbWU6\r\n"), c("*\r\n"), sv("a BAD cancelled\r\n"), c(b64pw + "\r\n"), sv("* BAD what\r\n")},
	} {
		r := runDefault(t, pieces...)
		if shown := recordtest.Shown(r.records, r.s.Warnings, pw, b64pw, plain); len(shown) > 0 {
			t.Errorf("%s: %q shown", name, shown)
		}
	}
}
