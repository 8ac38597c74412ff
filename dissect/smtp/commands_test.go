package smtp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const greeting = "220 mx.example.org ESMTP Postfix\r\n"
const ehloReply = "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-8BITMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n"

func TestCommandsMatchedWithReplies(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"OneCommandPerSegment", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("NOOP\r\n"), s("250 2.0.0 Ok\r\n"), c("QUIT\r\n"), s("221 2.0.0 Bye\r\n")},
			"EHLO 250,NOOP 250,QUIT 221"},
		{"PipelinedCommandsBatchedReplies", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply),
			c("MAIL FROM:<a@x.org>\r\nRCPT TO:<b@y.org>\r\nRCPT TO:<c@y.org>\r\nDATA\r\n"),
			s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <c@y.org>: unknown\r\n354 End data with <CR><LF>.<CR><LF>\r\n"),
			c("Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n"), s("250 2.0.0 Ok: queued as 1\r\n221 Bye\r\n")},
			"EHLO 250,MAIL 250,RCPT 250,RCPT 550,DATA 354,QUIT 221"},
		{"LowerCaseCommands", []step{s(greeting), c("helo me\r\n"), s("250 mx\r\n"), c("mail from: <a@x.org>\r\n"), s("250 ok\r\n"), c("quit\r\n"), s("221 bye\r\n")},
			"HELO 250,MAIL 250,QUIT 221"},
		{"RepliesSplitAcrossSegments", []step{s("220 mx "), s("ready\r\n"), c("EH"), c("LO me\r\n"), s("250-mx\r\n250-PIPE"), s("LINING\r\n250 8BITMIME\r\n")},
			"EHLO 250"},
		{"VrfyExpnHelpRsetNoop", []step{s(greeting), c("VRFY bob\r\n"), s("252 2.0.0 bob\r\n"), c("EXPN staff\r\n"), s("502 5.5.1 no\r\n"),
			c("HELP\r\n"), s("214 2.0.0 see RFC\r\n"), c("RSET\r\n"), s("250 2.0.0 Ok\r\n"), c("NOOP\r\n"), s("250 Ok\r\n")},
			"VRFY 252,EXPN 502,HELP 214,RSET 250,NOOP 250"},
		{"UnknownCommandKeepsQueueAligned", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("XYZZY\r\n\x01\x02\r\nNOOP\r\n"), s("502 5.5.2 unknown\r\n500 5.5.2 bad\r\n250 ok\r\n")},
			"EHLO 250,XYZZY 502,NOOP 250"},
		{"UnfinishedMultiLineReplyEndsAtNextCode", []step{s(greeting), c("EHLO me\r\n"), s("250-mx\r\n"), c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c(b64("tim") + "\r\n"), s("334 UGFzc3dvcmQ6\r\n"), c(b64("pw") + "\r\n"), s("235 ok\r\n")},
			"EHLO 250,AUTH 235"},
		{"BDATWithBadSyntaxDoesNotEatNextCommand", []step{s(greeting), c("BDAT 5 X\r\nMAIL FROM:<a@x.org>\r\n"), s("501 5.5.4 Syntax: BDAT count [LAST]\r\n250 ok\r\n")},
			"BDAT 501,MAIL 250"},
		{"CommandWithoutReplyAtClose", []step{s(greeting), c("QUIT\r\n")},
			"QUIT"},
		{"MidStreamStartSkipsBodyUntilACommand", []step{c("some body text\r\nmore text\r\n.\r\n"), s("250 2.0.0 Ok: queued\r\n"), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n")},
			"MAIL 250"},
		{"ServerGapDropsRepliesOfEarlierCommands", []step{s(greeting), c("NOOP\r\n"), sgap(30, "ok\r\n"), c("QUIT\r\n"), s("221 bye\r\n")},
			"NOOP,QUIT 221"},
		{"ClientGapResynchronisesAtNextCommand", []step{s(greeting), c("NOOP\r\n"), s("250 ok\r\n"), cgap(100, "tail of something\r\nQUIT\r\n"), s("221 bye\r\n")},
			"NOOP 250,QUIT 221"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.steps)
			if got := r.verbs(); got != tt.want {
				t.Errorf("commands = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCommandRecordFields(t *testing.T) {
	r := run(t, []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("MAIL FROM: <a@x.org> SIZE=123 BODY=8BITMIME\r\n"), s("250 2.1.0 Ok\r\n")})
	cmds := r.commands()
	if len(cmds) != 2 {
		t.Fatalf("got %d commands", len(cmds))
	}
	m := cmds[1]
	if m.Session != "s1" || m.Proto != "smtp" || m.Verb != "MAIL" || m.Args != "FROM: <a@x.org> SIZE=123 BODY=8BITMIME" ||
		m.Status != "250" || m.Reply != "2.1.0 Ok" || m.Packet != 4 || m.ReplyPacket != 5 {
		t.Errorf("MAIL = %+v", m)
	}
	e := cmds[0]
	if e.Verb != "EHLO" || e.Args != "me" || e.Reply != "mx.example.org" || e.Packet != 2 || e.ReplyPacket != 3 {
		t.Errorf("EHLO = %+v", e)
	}
}

func TestControlCharactersNeverReachRecords(t *testing.T) {
	r := run(t, []step{s(greeting), c("EHLO \x1b[31mred\x07\r\n"), s("250 hi \x1b[0m\xff\r\n")})
	e := r.commands()[0]
	for _, v := range []string{e.Args, e.Reply} {
		if strings.IndexByte(v, 0x1b) >= 0 || strings.IndexByte(v, 0x07) >= 0 || !utf8.ValidString(v) || !strings.Contains(v, "\uFFFD") {
			t.Errorf("not cleaned: %q", v)
		}
	}
}

func TestPath(t *testing.T) {
	tests := []struct{ name, args, prefix, want string }{
		{"Brackets", "FROM:<a@b.c>", "FROM:", "a@b.c"},
		{"SpaceAfterColon", "FROM: <a@b.c> SIZE=10", "FROM:", "a@b.c"},
		{"NoBrackets", "TO:a@b.c", "TO:", "a@b.c"},
		{"LowerCase", "to:<a@b.c>", "TO:", "a@b.c"},
		{"NullSender", "FROM:<>", "FROM:", ""},
		{"SourceRoute", "TO:<@relay.org:a@b.c>", "TO:", "a@b.c"},
		{"WrongPrefix", "XX:<a@b.c>", "TO:", ""},
		{"Unclosed", "FROM:<a@b.c SIZE=1", "FROM:", "a@b.c"},
		{"SpacesInBrackets", "FROM:< a@b.c > SIZE=1", "FROM:", "a@b.c"},
		{"QuotedLocalPart", `TO:<"john doe"@b.c> NOTIFY=NEVER`, "TO:", `"john doe"@b.c`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := path(tt.args, tt.prefix); got != tt.want {
				t.Errorf("path(%q) = %q, want %q", tt.args, got, tt.want)
			}
		})
	}
}
