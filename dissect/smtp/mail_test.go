package smtp

import (
	"testing"
)

// The dissector reports the message as it crossed; who sent it is
// decided by report/lab over the whole capture.
func TestForgeryMessageKeepsEnvelopeAndHeader(t *testing.T) {
	r := run(t, []step{s(greeting), c("MAIL FROM:<007@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<alice@y.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"),
		c("From: James Bond <james.bond@mi6.example>\r\nTo: alice@y.org\r\nSubject: Compte rendu de mission\r\n\r\nhi\r\n.\r\n"), s("250 ok\r\n")})
	if fs := r.findings("spoofed-sender"); len(fs) != 0 {
		t.Fatalf("the dissector raised %+v", fs)
	}
	m := r.messages()
	if len(m) != 1 || m[0].EnvelopeFrom != "007@x.org" || m[0].Subject != "Compte rendu de mission" || m[0].From != "James Bond <james.bond@mi6.example>" {
		t.Errorf("message = %+v", m)
	}
}
