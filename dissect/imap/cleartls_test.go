package imap

import (
	"reflect"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

// A tagged OK to STARTTLS that no TLS follows: the rest is still IMAP.
func TestStartTLSAcceptedThenClear(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
		c("a STARTTLS\r\n"), sv("a OK Begin TLS\r\n"),
		c("b LOGIN alice s3cret\r\n"), sv("b OK logged in\r\n"),
		c("c LOGOUT\r\n"), sv("* BYE\r\nc OK bye\r\n"))
	st := r.starttls()
	if len(st) != 1 || !st[0].Accepted || st[0].TLSSeen || st[0].Packet != 2 || st[0].ReplyPacket != 3 {
		t.Fatalf("starttls %+v", st)
	}
	f := r.findings()["starttls-not-tls"]
	if f == nil || f.Severity != "high" || !reflect.DeepEqual(f.Frames, []int64{2, 3, 4}) || f.Args["excerpt"] != "b LOGIN alice ***\\r\\n" {
		t.Fatalf("starttls-not-tls %+v", f)
	}
	if l := r.command(t, "LOGIN"); l.Status != "OK" || l.Packet != 4 || l.ReplyPacket != 5 {
		t.Fatalf("LOGIN %+v", l)
	}
	cr := r.creds()
	if len(cr) != 1 || cr[0].Username != "alice" || cr[0].Password != "s3cret" || cr[0].Accepted == nil || !*cr[0].Accepted {
		t.Fatalf("credentials %+v", cr)
	}
	if r.s.Security() != session.StartTLSFailed || r.s.EncryptedBytes() != 0 || r.s.AuthUser != "alice" {
		t.Fatalf("security %q, %d encrypted bytes, user %q", r.s.Security(), r.s.EncryptedBytes(), r.s.AuthUser)
	}
}

func TestSessionKeepsTheLastCapabilityList(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"),
		c("a CAPABILITY\r\n"), sv("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\na OK done\r\n"))
	if !reflect.DeepEqual(r.s.Capabilities, []string{"IMAP4rev1", "STARTTLS", "AUTH=PLAIN"}) || r.s.CapabilitiesFrame != 3 {
		t.Fatalf("capabilities %q at %d", r.s.Capabilities, r.s.CapabilitiesFrame)
	}
}

func TestListNamesTheMailboxes(t *testing.T) {
	r := runDefault(t, sv("* OK ready\r\n"),
		c("a LIST \"\" \"*\"\r\n"),
		sv("* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren \\Sent) \"/\" \"Envoy&AOk-s\"\r\n* LIST (\\Noselect) NIL {4}\r\nTeam\r\na OK done\r\n"),
		c("b LSUB \"\" \"*\"\r\n"), sv("* LSUB () \".\" Archives\r\nb OK done\r\n"))
	want := []record.ListedMailbox{
		{Name: "INBOX", Delimiter: "/", Flags: []string{"\\HasNoChildren"}},
		{Name: "Envoyés", Delimiter: "/", Flags: []string{"\\HasNoChildren", "\\Sent"}},
		{Name: "Team", Flags: []string{"\\Noselect"}},
	}
	if l := r.command(t, "LIST"); !reflect.DeepEqual(l.Mailboxes, want) || l.Status != "OK" {
		t.Fatalf("LIST %+v", l)
	}
	if l := r.command(t, "LSUB"); !reflect.DeepEqual(l.Mailboxes, []record.ListedMailbox{{Name: "Archives", Delimiter: "."}}) {
		t.Fatalf("LSUB %+v", l.Mailboxes)
	}
}
