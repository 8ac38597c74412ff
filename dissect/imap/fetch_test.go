package imap

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

// gifMessage is a message with a GIF attachment, as in lab §1.2.
func gifMessage() (string, string) {
	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	sum := sha256.Sum256(gif)
	msg := "From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: =?UTF-8?Q?image_jointe_=C3=A9t=C3=A9?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nVoici l'image.\r\n" +
		"--b1\r\nContent-Type: image/gif; name=\"pixel.gif\"\r\nContent-Disposition: attachment; filename=\"pixel.gif\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(gif) + "\r\n--b1--\r\n"
	return msg, hex.EncodeToString(sum[:])
}

func TestFetchWholeMessageWithAttachment(t *testing.T) {
	msg, sum := gifMessage()
	r := runDefault(t,
		c("a SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na OK done\r\n"),
		c("b FETCH 1 (UID BODY.PEEK[])\r\n"),
		sv("* 1 FETCH (UID 12 BODY[] "+lit(msg)+" FLAGS (\\Seen))\r\nb OK done\r\n"),
	)
	m := r.messages()
	if len(m) != 1 {
		t.Fatalf("%s", r.dump())
	}
	got := m[0]
	if got.Direction != "fetched" || got.Subject != "image jointe été" || got.From != "Bob <bob@example.org>" || got.IMAPSeq != "1" ||
		got.IMAPUID != "12" || got.Mailbox != "INBOX" || got.Partial != "" || got.Truncated || got.Size != int64(len(msg)) || got.Packet != 4 {
		t.Fatalf("message %+v", got)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].Filename != "pixel.gif" || got.Attachments[0].SHA256 != sum {
		t.Fatalf("attachments %+v", got.Attachments)
	}
	if len(r.mailboxes()[0].Events) != 0 {
		t.Fatalf("FLAGS answering a FETCH is no change: %q", r.mailboxes()[0].Events)
	}
}

func TestFetchPartialSections(t *testing.T) {
	hdr := "From: carol@example.org\r\nSubject: only the header\r\n\r\n"
	tests := []struct {
		name    string
		resp    string
		partial string
		subject string
		size    int64
	}{
		{"Header", "* 1 FETCH (BODY[HEADER] " + lit(hdr) + ")", "BODY[HEADER]", "only the header", int64(len(hdr))},
		{"HeaderFields", "* 1 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] " + lit(hdr) + ")", "BODY[HEADER.FIELDS (FROM SUBJECT)]", "only the header", int64(len(hdr))},
		{"RFC822Header", "* 1 FETCH (RFC822.HEADER " + lit(hdr) + ")", "RFC822.HEADER", "only the header", int64(len(hdr))},
		{"OnePart", "* 1 FETCH (BODY[1] {5}\r\nhello)", "BODY[1]", "", 5},
		{"ByteRangeOfWhole", "* 1 FETCH (BODY[]<0> {5}\r\nFrom:)", "BODY[]<0>", "", 5},
		{"QuotedText", `* 1 FETCH (BODY[TEXT] "short")`, "BODY[TEXT]", "", 5},
		{"Envelope", `* 1 FETCH (ENVELOPE ("Mon, 1 Jan 2026 10:00:00 +0000" "=?ISO-8859-1?Q?caf=E9?=" (("Dan" NIL "dan" "example.org")) NIL NIL ((NIL NIL "eve" "example.org")) NIL NIL NIL "<id@x>"))`,
			"ENVELOPE", "café", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDefault(t, c("a FETCH 1 X\r\n"), sv(tt.resp+"\r\na OK done\r\n"))
			m := r.messages()
			if len(m) != 1 || m[0].Partial != tt.partial || m[0].Subject != tt.subject || m[0].Size != tt.size {
				t.Fatalf("%s", r.dump())
			}
			if strings.Contains(tt.partial, "HEADER") && len(m[0].MIME) != 0 {
				t.Fatalf("a type the header did not show: %q", m[0].MIME)
			}
		})
	}
}

func TestFetchEnvelopeFields(t *testing.T) {
	r := runDefault(t, c("a FETCH 1 ENVELOPE\r\n"),
		sv(`* 1 FETCH (ENVELOPE ("Mon, 1 Jan 2026" "hi" (("Dan" NIL "dan" "example.org")) NIL (("Dan" NIL "dan" "example.org")) ((NIL NIL "eve" "example.org")("Fay" NIL "fay" "example.org")) ((NIL NIL "cc" "example.org")) NIL NIL "<id@x>"))`+"\r\na OK done\r\n"))
	m := r.messages()[0]
	if m.From != "Dan <dan@example.org>" || strings.Join(m.To, ",") != "eve@example.org,Fay <fay@example.org>" ||
		m.Cc[0] != "cc@example.org" || m.MessageID != "<id@x>" || m.Date != "Mon, 1 Jan 2026" || m.ReplyTo != "" {
		t.Fatalf("%+v", m)
	}
}

func TestFetchBodystructureListsAttachments(t *testing.T) {
	bs := `(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL)` +
		`("IMAGE" "GIF" ("NAME" "pixel.gif") NIL NIL "BASE64" 60 NIL ("ATTACHMENT" ("FILENAME" "pixel.gif")) NIL NIL)` +
		`("APPLICATION" "PDF" NIL NIL NIL "BASE64" 1000 NIL ("attachment" ("filename*" "utf-8''r%C3%A9sum%C3%A9.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)`
	r := runDefault(t, c("a UID FETCH 5 (UID BODYSTRUCTURE)\r\n"), sv("* 1 FETCH (UID 5 BODYSTRUCTURE "+bs+")\r\na OK done\r\n"))
	m := r.messages()
	if len(m) != 1 || m[0].Partial != "BODYSTRUCTURE" || m[0].IMAPUID != "5" {
		t.Fatalf("%s", r.dump())
	}
	if strings.Join(m[0].MIME, "|") != "multipart/mixed|  text/plain|  image/gif|  application/pdf" {
		t.Fatalf("mime %q", m[0].MIME)
	}
	a := m[0].Attachments
	if len(a) != 2 || a[0].Filename != "pixel.gif" || a[0].ContentType != "image/gif" || a[0].TransferEncoding != "base64" ||
		a[0].Size != 60 || a[1].Filename != "résumé.pdf" || a[1].Disposition != "attachment" {
		t.Fatalf("attachments %+v", a)
	}
}

func TestFetchFlagsOnlyMakesNoMessage(t *testing.T) {
	r := runDefault(t, c("a FETCH 1:2 (FLAGS UID)\r\n"), sv("* 1 FETCH (FLAGS () UID 1)\r\n* 2 FETCH (FLAGS (\\Seen) UID 2)\r\na OK done\r\n"))
	if len(r.messages()) != 0 {
		t.Fatalf("%s", r.dump())
	}
}

func TestAppendMessage(t *testing.T) {
	msg := "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: draft\r\n\r\nbody\r\n"
	r := runDefault(t,
		c("a LOGIN alice pw\r\n"), sv("a OK hi\r\n"),
		c("b APPEND Drafts (\\Draft) \"01-Jan-2026 10:00:00 +0000\" "+lit(msg)[:len(lit(msg))-len(msg)]),
		sv("+ Ready for literal data\r\n"),
		c(msg+"\r\n"),
		sv("b OK [APPENDUID 38505 3955] APPEND completed\r\n"),
	)
	m := r.messages()
	if len(m) != 1 || m[0].Direction != "appended" || m[0].Subject != "draft" || m[0].Mailbox != "Drafts" || m[0].Packet != 5 ||
		m[0].EndPacket != 5 || m[0].AuthUser != "alice" || m[0].Size != int64(len(msg)) {
		t.Fatalf("%s", r.dump())
	}
	cmd := r.command(t, "APPEND")
	if cmd.Args != `Drafts (\Draft) "01-Jan-2026 10:00:00 +0000" {`+itoa(int64(len(msg)))+"}" || cmd.Status != "OK" {
		t.Fatalf("args %q", cmd.Args)
	}
}

func TestMultiAppendReportsEachMessage(t *testing.T) {
	m1 := "Subject: one\r\n\r\n1\r\n"
	m2 := "Subject: two\r\n\r\n2\r\n"
	r := runDefault(t,
		c("a APPEND Saved {"+itoa(int64(len(m1)))+"+}\r\n"+m1+" (\\Seen) {"+itoa(int64(len(m2)))+"+}\r\n"),
		c(m2+"\r\n"),
		sv("a OK [APPENDUID 1 2:3] done\r\n"),
	)
	m := r.messages()
	if len(m) != 2 || m[0].Subject != "one" || m[1].Subject != "two" || m[0].EndPacket != 1 || m[1].Packet != 2 || m[1].Mailbox != "Saved" {
		t.Fatalf("%s", r.dump())
	}
}

func TestFetchOnePartDecodedWithItsBodystructure(t *testing.T) {
	gif := "GIF89a\x01\x00\x01\x00\x00\x00\x00;"
	sum := sha256.Sum256([]byte(gif))
	b64part := base64.StdEncoding.EncodeToString([]byte(gif)) + "\r\n"
	bs := `(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL)` +
		`("IMAGE" "GIF" ("NAME" "tp4.gif") NIL NIL "BASE64" ` + itoa(int64(len(b64part))) + ` NIL ("ATTACHMENT" ("FILENAME" "tp4.gif")) NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)`
	r := runDefault(t,
		c("a SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na OK done\r\n"),
		c("b FETCH 1 BODYSTRUCTURE\r\n"), sv("* 1 FETCH (BODYSTRUCTURE "+bs+")\r\nb OK done\r\n"),
		c("c FETCH 1 BODY[2]\r\n"), sv("* 1 FETCH (BODY[2] "+lit(b64part)+")\r\nc OK done\r\n"),
		c("d FETCH 1 BODY[1]\r\n"), sv("* 1 FETCH (BODY[1] {5}\r\nhello)\r\nd OK done\r\n"),
	)
	m := r.messages()
	if len(m) != 3 || m[1].Partial != "BODY[2]" || len(m[1].Attachments) != 1 || len(m[2].Attachments) != 0 {
		t.Fatalf("%s", r.dump())
	}
	a := m[1].Attachments[0]
	if a.Filename != "tp4.gif" || a.ContentType != "image/gif" || a.Size != int64(len(gif)) || a.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("%+v", a)
	}
}

func TestPartsForgottenAfterExpunge(t *testing.T) {
	bs := `("IMAGE" "GIF" NIL NIL NIL "BASE64" 8 NIL ("ATTACHMENT" ("FILENAME" "x.gif")) NIL NIL)`
	r := runDefault(t,
		c("b FETCH 2 BODYSTRUCTURE\r\n"), sv("* 2 FETCH (BODYSTRUCTURE "+bs+")\r\nb OK done\r\n"),
		c("c EXPUNGE\r\n"), sv("* 1 EXPUNGE\r\nc OK done\r\n"),
		c("d FETCH 2 BODY[1]\r\n"), sv("* 2 FETCH (BODY[1] {8}\r\nR0lGODlh)\r\nd OK done\r\n"),
	)
	m := r.messages()
	if len(m) != 2 || len(m[1].Attachments) != 0 {
		t.Fatalf("%s", r.dump())
	}
}

// A literal that arrives while the capture's budget is spent is counted,
// not kept: the message is analysed from its head, truncated, its size
// the one announced, and the bytes are given back once it is delivered.
func TestFetchOverTheBudget(t *testing.T) {
	msg, _ := gifMessage()
	lim := session.DefaultLimits()
	lim.Held = session.NewBudget(64)
	head := fmt.Sprintf("* 1 FETCH (UID 12 BODY[] {%d}\r\n", len(msg))
	r := run(t, lim,
		c("a SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na OK done\r\n"),
		c("b FETCH 1 (UID BODY.PEEK[])\r\n"),
		sv(head+msg[:40]), sv(msg[40:]+" FLAGS (\\Seen))\r\nb OK done\r\n"),
	)
	m := r.messages()
	if len(m) != 1 {
		t.Fatalf("%s", r.dump())
	}
	if !m[0].Truncated || m[0].Size != int64(len(msg)) || m[0].From != "Bob <bob@example.org>" {
		t.Errorf("truncated %v, size %d (want %d), from %q", m[0].Truncated, m[0].Size, len(msg), m[0].From)
	}
	n := 0
	for _, w := range r.s.Warnings {
		if w.ID == record.WarnSessionHeldBudget {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d budget warnings: %v", n, r.s.Warnings)
	}
	if held := lim.Held.Held(); held != 0 {
		t.Errorf("%d bytes still held after the message", held)
	}
}
