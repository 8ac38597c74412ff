package smtp

import (
	"reflect"
	"testing"

	"github.com/mailwire/mailwire/dissect/session"
)

// A server answers 220 to STARTTLS but no TLS follows (a capture decrypted
// in place, a broken middlebox): the rest is still SMTP and is read as such.
func TestStartTLSAcceptedThenClear(t *testing.T) {
	r := run(t, []step{
		s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\n"), s("220 2.0.0 Ready to start TLS\r\n"),
		c("EHLO me\r\n"), s(ehloReply),
		c("AUTH PLAIN " + b64("\x00tim\x00secret") + "\r\n"), s("235 2.7.0 ok\r\n"),
		c("MAIL FROM:<tim@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<bob@y.org>\r\n"), s("250 ok\r\n"),
		c("DATA\r\n"), s("354 go\r\n"), c("Subject: in clear\r\n\r\nhello\r\n.\r\n"), s("250 queued\r\n"),
	})
	if got, want := r.verbs(), "EHLO 250,STARTTLS 220,EHLO 250,AUTH 235,MAIL 250,RCPT 250,DATA 354"; got != want {
		t.Errorf("commands %q, want %q", got, want)
	}
	st := r.starttls()
	if len(st) != 1 || !st[0].Accepted || st[0].TLSSeen || st[0].TLSPacket != 0 || st[0].Packet != 4 || st[0].ReplyPacket != 5 {
		t.Fatalf("starttls %+v", st)
	}
	fs := r.findings("starttls-not-tls")
	if len(fs) != 1 || fs[0].Severity != "high" || !reflect.DeepEqual(fs[0].Frames, []int64{4, 5, 6}) ||
		fs[0].Args["excerpt"] != "EHLO me\\r\\n" || fs[0].Lab != "" {
		t.Fatalf("starttls-not-tls %+v", fs)
	}
	creds := r.credentials()
	if len(creds) != 1 || creds[0].Username != "tim" || creds[0].Password != "secret" || creds[0].Packet != 8 {
		t.Fatalf("credentials %+v", creds)
	}
	ms := r.messages()
	if len(ms) != 1 || ms[0].Subject != "in clear" || ms[0].EnvelopeFrom != "tim@x.org" || ms[0].AuthUser != "tim" || ms[0].Packet != 16 {
		t.Fatalf("messages %+v", ms)
	}
	if r.s.Security() != session.StartTLSFailed || r.s.EncryptedBytes() != 0 || len(r.tls) != 0 {
		t.Fatalf("security %q, %d encrypted bytes, %d events to TLS", r.s.Security(), r.s.EncryptedBytes(), len(r.tls))
	}
}

// Commands the client pipelined after STARTTLS before the 220 are an
// injection; when no TLS follows they are still the client's commands.
func TestStartTLSInjectionThenClear(t *testing.T) {
	r := run(t, []step{
		s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\nRSET\r\n"), s("220 go\r\n"),
		s("250 reset\r\n"), c("QUIT\r\n"), s("221 bye\r\n"),
	})
	if got, want := r.verbs(), "EHLO 250,STARTTLS 220,RSET 250,QUIT 221"; got != want {
		t.Errorf("commands %q, want %q", got, want)
	}
	// The server's 250 to the injected RSET came after its 220, before
	// any TLS: both sides injected.
	inj := r.findings("starttls-plaintext-injection")
	if len(inj) != 2 || inj[0].Args["side"] != "client" || inj[1].Args["side"] != "server" || len(r.findings("starttls-not-tls")) != 1 {
		t.Fatalf("injections %+v", inj)
	}
}
