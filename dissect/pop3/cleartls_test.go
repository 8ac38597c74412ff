package pop3

import (
	"reflect"
	"testing"

	"github.com/mailwire/mailwire/dissect/session"
)

// A +OK to STLS that no TLS follows: the login and the message fetched
// after it are still POP3.
func TestSTLSAcceptedThenClear(t *testing.T) {
	r := playDefault(S(greeting), C("STLS\r\n"), S("+OK Begin TLS\r\n"),
		C("USER alice\r\n"), S("+OK\r\n"), C("PASS s3cret\r\n"), S("+OK 1 message\r\n"),
		C("RETR 1\r\n"), S("+OK\r\nSubject: plain\r\n\r\nbody\r\n.\r\n"), C("QUIT\r\n"), S("+OK bye\r\n"))
	st := r.starttls()
	if len(st) != 1 || !st[0].Accepted || st[0].TLSSeen || st[0].Packet != 2 || st[0].ReplyPacket != 3 {
		t.Fatalf("starttls %+v", st)
	}
	var notTLS []int64
	for _, f := range r.findings() {
		if f.ID == "starttls-not-tls" {
			notTLS = f.Frames
		}
	}
	if !reflect.DeepEqual(notTLS, []int64{2, 3, 4}) {
		t.Fatalf("starttls-not-tls frames %v", notTLS)
	}
	cr := r.credentials()
	if len(cr) != 1 || cr[0].Username != "alice" || cr[0].Password != "s3cret" || cr[0].Packet != 6 {
		t.Fatalf("credentials %+v", cr)
	}
	ms := r.messages()
	if len(ms) != 1 || ms[0].Subject != "plain" || ms[0].Packet != 9 {
		t.Fatalf("messages %+v", ms)
	}
	if r.s.Security() != session.StartTLSFailed || r.s.EncryptedBytes() != 0 || len(r.tls.events) != 0 {
		t.Fatalf("security %q, %d encrypted bytes, %d TLS events", r.s.Security(), r.s.EncryptedBytes(), len(r.tls.events))
	}
}

func TestSessionKeepsTheCapaList(t *testing.T) {
	r := playDefault(S(greeting), C("CAPA\r\n"), S(capaSTLS))
	if !reflect.DeepEqual(r.s.Capabilities, []string{"USER", "STLS", "PIPELINING"}) || r.s.CapabilitiesFrame != 3 {
		t.Fatalf("capabilities %q at %d", r.s.Capabilities, r.s.CapabilitiesFrame)
	}
}
