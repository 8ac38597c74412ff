package imap

import (
	"reflect"
	"testing"

	"github.com/mailwire/mailwire/reassembly/stream"
)

func TestLabSequenceMailboxView(t *testing.T) {
	r := runDefault(t, labSession...)
	mb := r.mailboxes()
	if len(mb) != 2 {
		t.Fatalf("%s", r.dump())
	}
	create, inbox := mb[0], mb[1]
	if create.Name != "Archives" || create.Command != "CREATE" || create.Status != "OK" || create.Packet != 12 {
		t.Fatalf("create %+v", create)
	}
	if inbox.Name != "inbox" || inbox.Command != "SELECT" || *inbox.Exists != 3 || *inbox.Recent != 1 || *inbox.Unseen != 2 ||
		inbox.UnseenCount != nil || *inbox.UIDValidity != 1764230400 || *inbox.UIDNext != 4 || inbox.ReadOnly || inbox.Status != "OK" {
		t.Fatalf("inbox %+v", inbox)
	}
	if len(inbox.Flags) != 5 || len(inbox.PermFlags) != 6 || inbox.PermFlags[5] != `\*` {
		t.Fatalf("flags %q %q", inbox.Flags, inbox.PermFlags)
	}
	want := []string{
		`FLAGS 1 (\Seen \Deleted)`,
		`STORE 1 +FLAGS (\Deleted)`,
		`EXPUNGE 1`,
		`CREATE "Archives"`,
		`COPY 1 Archives [COPYUID 1764230401 2 1]`,
		`STORE 1 +FLAGS.SILENT (\Seen)`,
	}
	if !reflect.DeepEqual(inbox.Events, want) {
		t.Fatalf("events\n%q\nwant\n%q", inbox.Events, want)
	}
	verbs := ""
	for _, c := range r.commands() {
		verbs += c.Verb + ":" + c.Status + " "
	}
	if verbs != "LOGIN:OK SELECT:OK FETCH:OK STORE:OK EXPUNGE:OK CREATE:OK COPY:OK STORE:OK LOGOUT:OK " {
		t.Fatalf("commands %s", verbs)
	}
}

func TestPipelinedCommandsMatchedByTag(t *testing.T) {
	r := runDefault(t,
		c("a1 NOOP\r\na2 STATUS Archives (MESSAGES UNSEEN)\r\na3 CAPABILITY\r\n"),
		sv("* CAPABILITY IMAP4rev1\r\na3 OK cap\r\n* STATUS Archives (MESSAGES 4 UNSEEN 1)\r\na2 OK status\r\n"),
		sv("a1 OK noop\r\n"),
	)
	got := map[string]string{}
	for _, c := range r.commands() {
		got[c.Tag] = c.Verb + " " + c.Status + " " + c.Reply
	}
	want := map[string]string{"a1": "NOOP OK noop", "a2": "STATUS OK status", "a3": "CAPABILITY OK cap"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
	mb := r.mailboxes()
	if len(mb) != 1 || mb[0].Command != "STATUS" || *mb[0].Exists != 4 || *mb[0].UnseenCount != 1 || mb[0].Unseen != nil {
		t.Fatalf("%s", r.dump())
	}
}

func TestSearchUnseenCountsMessages(t *testing.T) {
	r := runDefault(t,
		c("a SELECT INBOX\r\n"), sv("* 5 EXISTS\r\n* OK [UNSEEN 3] first unseen\r\na OK done\r\n"),
		c("b SEARCH UNSEEN\r\n"), sv("* SEARCH 3 4\r\nb OK done\r\n"),
		c("c UID SEARCH FROM bob\r\n"), sv("* SEARCH 9\r\nc OK done\r\n"),
	)
	mb := r.mailboxes()
	if len(mb) != 1 || *mb[0].Unseen != 3 || *mb[0].UnseenCount != 2 {
		t.Fatalf("%s", r.dump())
	}
}

func TestExamineFailedSelectAndClose(t *testing.T) {
	r := runDefault(t,
		c("a EXAMINE Sent\r\n"), sv("* 2 EXISTS\r\n* OK [READ-ONLY] ro\r\na OK [READ-ONLY] done\r\n"),
		c("b SELECT Nope\r\n"), sv("b NO Mailbox doesn't exist\r\n"),
		c("c SELECT Drafts\r\n"), sv("* 0 EXISTS\r\nc OK done\r\n"),
		c("d CLOSE\r\n"), sv("d OK closed\r\n"),
	)
	mb := r.mailboxes()
	if len(mb) != 3 {
		t.Fatalf("%s", r.dump())
	}
	if mb[0].Name != "Sent" || !mb[0].ReadOnly || mb[0].Command != "EXAMINE" || *mb[0].Exists != 2 {
		t.Fatalf("examine %+v", mb[0])
	}
	if mb[1].Name != "Nope" || mb[1].Status != "NO" || mb[1].Exists != nil {
		t.Fatalf("failed select %+v", mb[1])
	}
	if mb[2].Name != "Drafts" || *mb[2].Exists != 0 || mb[2].Status != "OK" {
		t.Fatalf("drafts %+v", mb[2])
	}
}

func TestMoveWithUntaggedCopyUID(t *testing.T) {
	r := runDefault(t,
		c("a SELECT INBOX\r\n"), sv("* 3 EXISTS\r\na OK done\r\n"),
		c("b UID MOVE 42:43 Archives\r\n"),
		sv("* OK [COPYUID 432432 42:43 10:11] Moved\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\nb OK Done\r\n"),
		c("c RENAME Archives Old\r\n"), sv("c OK done\r\n"),
		c("d DELETE Old\r\n"), sv("d NO [INUSE] busy\r\n"),
	)
	mb := r.mailboxes()
	last := mb[len(mb)-1]
	want := []string{"EXPUNGE 2", "EXPUNGE 2", "UID MOVE 42:43 Archives [COPYUID 432432 42:43 10:11]", `RENAME "Archives" "Old"`, `DELETE "Old" [NO]`}
	if last.Name != "INBOX" || !reflect.DeepEqual(last.Events, want) {
		t.Fatalf("events %q", last.Events)
	}
	if mb[0].Command != "RENAME" || mb[0].Name != "Archives" || mb[0].Events[0] != `RENAME "Archives" "Old"` || mb[1].Command != "DELETE" || mb[1].Status != "NO" {
		t.Fatalf("%s", r.dump())
	}
}

func TestIdleAndUnsolicitedUpdates(t *testing.T) {
	r := runDefault(t,
		c("a SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na OK done\r\n"),
		c("b IDLE\r\n"), sv("+ idling\r\n"), sv("* 2 EXISTS\r\n* 1 FETCH (FLAGS (\\Seen))\r\n"),
		c("DONE\r\n"), sv("b OK Idle completed\r\n"),
	)
	if cmd := r.command(t, "IDLE"); cmd.Status != "OK" || len(r.commands()) != 2 {
		t.Fatalf("%s", r.dump())
	}
	mb := r.mailboxes()
	want := []string{"EXISTS 2", `FLAGS 1 (\Seen)`}
	if *mb[0].Exists != 1 || !reflect.DeepEqual(mb[0].Events, want) {
		t.Fatalf("%s", r.dump())
	}
}

func TestModifiedUTF7MailboxNames(t *testing.T) {
	r := runDefault(t, c("a CREATE \"Archiv&AOk-s\"\r\n"), sv("a OK created\r\n"))
	mb := r.mailboxes()
	if len(mb) != 1 || mb[0].Name != "Archivés" {
		t.Fatalf("%s", r.dump())
	}
	if decodeMUTF7("A&-B") != "A&B" || decodeMUTF7("&Jjo-!") != "☺!" || decodeMUTF7("&bad") != "&bad" {
		t.Fatal("decodeMUTF7")
	}
}

func TestControlCharactersNeverReachRecords(t *testing.T) {
	// run fails the test on any control character in a record's strings.
	r := runDefault(t,
		c("a\x1b[31m SELECT \"x\x07y\"\r\n"),
		c("b SELECT \"in\x1b[2Jbox\"\r\n"),
		sv("b NO [ALERT] bad \x1b[2J\x00 name\r\n"),
	)
	mb := r.mailboxes()
	if len(mb) != 1 || mb[0].Name != "in\uFFFD[2Jbox" || r.command(t, "SELECT").Reply != "[ALERT] bad \uFFFD[2J\uFFFD name" {
		t.Fatalf("%s", r.dump())
	}
}

func TestUnseenCountFromSearchForms(t *testing.T) {
	tests := []struct {
		name    string
		search  string
		resp    string
		want    int64
		counted bool
	}{
		{"PlainSearch", "SEARCH UNSEEN", "* SEARCH 2 5 9", 3, true},
		{"CharsetSearch", "SEARCH CHARSET UTF-8 UNSEEN", "* SEARCH 4", 1, true},
		{"UIDSearchWithModseq", "UID SEARCH UNSEEN", "* SEARCH 12 13 (MODSEQ 917162500)", 2, true},
		{"ESearchCount", "SEARCH RETURN (COUNT) UNSEEN", `* ESEARCH (TAG "b") COUNT 7`, 7, true},
		{"ESearchMinOnlyIsNoCount", "SEARCH RETURN (MIN) UNSEEN", `* ESEARCH (TAG "b") MIN 2`, 0, false},
		{"OtherCriteriaAreNoCount", "SEARCH UNSEEN FROM bob", "* SEARCH 2", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDefault(t,
				c("a SELECT INBOX\r\n"), sv("* 9 EXISTS\r\na OK done\r\n"),
				c("b "+tt.search+"\r\n"), sv(tt.resp+"\r\nb OK done\r\n"),
			)
			mb := r.mailboxes()[0]
			if tt.counted != (mb.UnseenCount != nil) || tt.counted && *mb.UnseenCount != tt.want {
				t.Fatalf("%s", r.dump())
			}
		})
	}
}

func TestReplyBeforeItsCommandIsMatched(t *testing.T) {
	// Reassembly held the client's direction back behind a lost segment:
	// the server's replies come first.
	r := runDefault(t,
		c(". SELECT INBOX\r\n"), sv("* 2 EXISTS\r\n. OK done\r\n"),
		piece{dir: stream.ServerToClient, data: ". OK [COPYUID 9 1 1] Copy completed.\r\n", frame: 4},
		piece{dir: stream.ServerToClient, data: ". OK Logout completed.\r\n", frame: 6},
		piece{dir: stream.ClientToServer, data: ". COPY 1 Archives\r\n", frame: 3},
		piece{dir: stream.ClientToServer, data: ". LOGOUT\r\n", frame: 5},
	)
	copyCmd, logout := r.command(t, "COPY"), r.command(t, "LOGOUT")
	if copyCmd.Status != "OK" || copyCmd.ReplyPacket != 4 || logout.Status != "OK" || logout.ReplyPacket != 6 {
		t.Fatalf("%s", r.dump())
	}
}

func TestReplyToCommandBeforeCaptureIsNotReused(t *testing.T) {
	r := runDefault(t,
		sv("a1 OK old reply\r\n"),
		c("a1 NOOP\r\n"),
	)
	if cmd := r.command(t, "NOOP"); cmd.Status != "" {
		t.Fatalf("%s", r.dump())
	}
}
