package smtp

import (
	"strconv"
	"strings"
	"testing"
)

// A gap inside a BDAT LAST chunk that also swallowed the next pipelined
// MAIL and RCPT: the replies to the lost commands must not be paired with
// the DATA that follows, and the BDAT message is reported as partial.
func TestGapPastBDATChunkKeepsPairing(t *testing.T) {
	chunk := "Subject: first\r\n\r\n" + strings.Repeat("x", 40) + "\r\n"
	lostTail := chunk[20:] + "MAIL FROM:<b@x.org>\r\nRCPT TO:<c@y.org>\r\n"
	r := run(t, []step{
		s(greeting), c("EHLO me\r\n"), s(ehloReply),
		c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<c@y.org>\r\n"), s("250 ok\r\n"),
		c("BDAT " + strconv.Itoa(len(chunk)) + " LAST\r\n" + chunk[:20]),
		cgap(len(lostTail), "DATA\r\n"),
		s("250 2.0.0 queued as A\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n"),
		c("Subject: second\r\n\r\nhello\r\n.\r\n"), s("250 2.0.0 queued as B\r\n"),
	})
	if got, want := r.verbs(), "EHLO 250,MAIL 250,RCPT 250,BDAT 250,DATA 354"; got != want {
		t.Errorf("commands %q, want %q", got, want)
	}
	ms := r.messages()
	if len(ms) != 2 {
		t.Fatalf("%d messages: %+v", len(ms), ms)
	}
	if ms[0].Subject != "first" || !ms[0].Truncated || ms[0].Partial != "BDAT" || ms[0].Size != int64(len(chunk)) || ms[0].Packet != 8 {
		t.Errorf("BDAT message %+v", ms[0])
	}
	if ms[1].Subject != "second" || ms[1].Truncated || ms[1].Packet != 11 || ms[1].EndPacket != 11 {
		t.Errorf("DATA message %+v", ms[1])
	}
}

// After DATA is refused, a client that sends its text anyway gets 500s:
// the text is counted in one finding, the replies keep their pairs, and
// what follows is read as commands again.
func TestTextAfterRefusedData(t *testing.T) {
	r := run(t, []step{
		s(greeting), c("EHLO me\r\n"), s(ehloReply),
		c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<c@y.org>\r\n"), s("250 ok\r\n"),
		c("DATA\r\n"), s("554 5.5.1 no valid recipients\r\n"),
		c("Subject: hi\r\n\r\nHello there\r\n.\r\n"),
		s("500 5.5.2 Error: bad syntax\r\n500 5.5.2 Error: bad syntax\r\n500 5.5.2 Error: bad syntax\r\n500 5.5.2 Error: bad syntax\r\n"),
		c("QUIT\r\n"), s("221 bye\r\n"),
	})
	if got, want := r.verbs(), "EHLO 250,MAIL 250,RCPT 250,DATA 554,QUIT 221"; got != want {
		t.Errorf("commands %q, want %q", got, want)
	}
	fs := r.findings("smtp-refused-data-sent")
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	want := map[string]string{"code": "554", "lines": "4", "bytes": "31", "replies": "4", "reply": "500"}
	for k, v := range want {
		if f.Args[k] != v {
			t.Errorf("arg %s = %q, want %q", k, f.Args[k], v)
		}
	}
	if f.Severity != "medium" || len(f.Frames) != 4 || f.Frames[0] != 8 || f.Frames[1] != 9 || f.Frames[2] != 10 || f.Frames[3] != 10 {
		t.Errorf("finding %+v", f)
	}
	if len(r.messages()) != 0 {
		t.Errorf("a refused message was reported as sent")
	}
}

func TestRecipientsPastTheBoundAreCounted(t *testing.T) {
	steps := []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n")}
	for i := 0; i < maxRecipients+5; i++ {
		steps = append(steps, c("RCPT TO:<u"+strconv.Itoa(i)+"@y.org>\r\n"), s("250 ok\r\n"))
	}
	steps = append(steps, c("DATA\r\n"), s("354 go\r\n"), c("Subject: many\r\n\r\nx\r\n.\r\n"), s("250 queued\r\n"))
	r := run(t, steps)
	ms := r.messages()
	if len(ms) != 1 || len(ms[0].EnvelopeTo) != maxRecipients || ms[0].EnvelopeToDropped != 5 || len(ms[0].Warnings) == 0 {
		t.Fatalf("messages %+v", ms)
	}
	firstDropped := int64(6 + 2*maxRecipients)
	if w := r.s.Warnings; len(w) != 1 || w[0].Frame != firstDropped {
		t.Fatalf("warnings %q", w)
	}
}
