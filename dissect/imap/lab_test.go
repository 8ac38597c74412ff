package imap

import (
	"testing"
)

// labSession is the sequence of lab §1.1 typed by hand.
var labSession = []piece{
	sv("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n"),
	c(". LOGIN alice@example.org s3cretPass\r\n"),
	sv(". OK [CAPABILITY IMAP4rev1 SASL-IR MOVE] Logged in\r\n"),
	c(". SELECT inbox\r\n"),
	sv("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n* 3 EXISTS\r\n* 1 RECENT\r\n* OK [UNSEEN 2] First unseen.\r\n* OK [UIDVALIDITY 1764230400] UIDs valid\r\n* OK [UIDNEXT 4] Predicted next UID\r\n. OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n"),
	c(". FETCH 1 BODY[]\r\n"),
	sv("* 1 FETCH (BODY[] " + lit("From: bob@example.org\r\nSubject: test 1\r\n\r\n. OK not the end\r\n") + ")\r\n. OK Fetch completed.\r\n"),
	c(". STORE 1 +FLAGS (\\Deleted)\r\n"),
	sv("* 1 FETCH (FLAGS (\\Seen \\Deleted))\r\n. OK Store completed.\r\n"),
	c(". EXPUNGE\r\n"),
	sv("* 1 EXPUNGE\r\n. OK Expunge completed.\r\n"),
	c(". CREATE Archives\r\n"),
	sv(". OK Create completed.\r\n"),
	c(". COPY 1 Archives\r\n"),
	sv(". OK [COPYUID 1764230401 2 1] Copy completed.\r\n"),
	c(". STORE 1 +FLAGS.SILENT (\\Seen)\r\n"),
	sv(". OK Store completed.\r\n"),
	c(". LOGOUT\r\n"),
	sv("* BYE Logging out\r\n. OK Logout completed.\r\n"),
}

// TestLabSequence checks what the lab sequence tells an observer besides
// the mailbox view (TestLabSequenceMailboxView): the password, the message
// read, and that STARTTLS was offered but not used.
func TestLabSequence(t *testing.T) {
	r := runDefault(t, labSession...)
	cr := r.creds()
	if len(cr) != 1 || cr[0].Username != "alice@example.org" || cr[0].Password != "s3cretPass" || !*cr[0].Accepted || cr[0].ReplyPacket != 3 {
		t.Fatalf("%s", r.dump())
	}
	m := r.messages()
	if len(m) != 1 || m[0].Subject != "test 1" || m[0].From != "bob@example.org" || m[0].Mailbox != "inbox" || m[0].IMAPSeq != "1" || m[0].Truncated {
		t.Fatalf("%s", r.dump())
	}
	f := r.findings()["starttls-not-used"]
	if f == nil || f.Lab != "" || len(r.findings()) != 1 || r.s.Security() != "cleartext" || r.s.AuthUser != "alice@example.org" {
		t.Fatalf("%s", r.dump())
	}
}
