package imap

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// lit returns an IMAP literal of s: "{n}\r\n" and s.
func lit(s string) string { return fmt.Sprintf("{%d}\r\n%s", len(s), s) }

const trapBody = "From: eve@example.org\r\nSubject: trap\r\n\r\na1 OK LOGIN done\r\n* 3 EXISTS\r\n.\r\n* BYE\r\n"

func TestLiteralHoldingProtocolLinesIsData(t *testing.T) {
	r := runDefault(t,
		sv("* OK ready\r\n"),
		c("a1 SELECT INBOX\r\n"),
		sv("* 1 EXISTS\r\na1 OK [READ-WRITE] done\r\n"),
		c("a2 FETCH 1 BODY[]\r\n"),
		sv("* 1 FETCH (BODY[] "+lit(trapBody)+")\r\n"),
		sv("a2 OK Fetch completed.\r\n"),
	)
	fetch := r.command(t, "FETCH")
	if fetch.Status != "OK" || fetch.ReplyPacket != 6 || fetch.Reply != "Fetch completed." {
		t.Fatalf("FETCH completed by the literal's lines: %+v", fetch)
	}
	msgs := r.messages()
	if len(msgs) != 1 || msgs[0].Subject != "trap" || msgs[0].Size != int64(len(trapBody)) || msgs[0].Truncated {
		t.Fatalf("message: %s", r.dump())
	}
	mb := r.mailboxes()
	if len(mb) != 1 || *mb[0].Exists != 1 || len(mb[0].Events) != 0 {
		t.Fatalf("EXISTS inside the literal was read as a response: %s", r.dump())
	}
}

func TestLiteralSplitAcrossEvents(t *testing.T) {
	body := strings.Repeat("x", 3000)
	msg := "Subject: split\r\n\r\n" + body
	full := "* 1 FETCH (UID 7 BODY[] " + lit(msg) + ")\r\na OK done\r\n"
	pieces := []piece{c("a UID FETCH 7 BODY[]\r\n")}
	for i := 0; i < len(full); i += 700 {
		pieces = append(pieces, sv(full[i:min(i+700, len(full))]))
	}
	r := runDefault(t, pieces...)
	m := r.messages()
	if len(m) != 1 || m[0].Subject != "split" || m[0].IMAPUID != "7" || m[0].Packet != 2 || m[0].EndPacket != 6 {
		t.Fatalf("%s", r.dump())
	}
	if cmd := r.command(t, "UID FETCH"); cmd.Status != "OK" {
		t.Fatalf("%+v", cmd)
	}
}

func TestNonSynchronisingLiteralInLogin(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"),
		c("a LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n"),
		sv("a OK logged in\r\n"),
	)
	cr := r.creds()
	if len(cr) != 1 || cr[0].Username != "alice" || cr[0].Password != "secret" || cr[0].Accepted == nil || !*cr[0].Accepted {
		t.Fatalf("%s", r.dump())
	}
}

func TestGapInsideLiteralIsSubtracted(t *testing.T) {
	head := "Subject: gap\r\n\r\n"
	body := head + strings.Repeat("y", 1000)
	r := runDefault(t,
		c("a FETCH 1 BODY[]\r\n"),
		sv("* 1 FETCH (BODY[] "+fmt.Sprintf("{%d}\r\n", len(body))+body[:300]),
		piece{dir: stream.ServerToClient, gap: 400},
		sv(body[700:]+")\r\na OK done\r\n"),
		c("b NOOP\r\n"),
		sv("b OK noop\r\n"),
	)
	m := r.messages()
	if len(m) != 1 || !m[0].Truncated || m[0].Subject != "gap" || m[0].Size != int64(len(body)) {
		t.Fatalf("%s", r.dump())
	}
	if r.command(t, "FETCH").Status != "OK" || r.command(t, "NOOP").Status != "OK" {
		t.Fatalf("lost sync after the gap: %s", r.dump())
	}
	if !strings.Contains(strings.Join(recordtest.Texts(r.s.Warnings), ";"), "400 bytes missing inside a literal") {
		t.Fatalf("warnings %q", r.s.Warnings)
	}
}

func TestGapAcrossLiteralEndResynchronises(t *testing.T) {
	r := runDefault(t,
		c("a FETCH 1 BODY[]\r\n"),
		sv("* 1 FETCH (BODY[] {100}\r\nSubject: cut\r\n\r\n"),
		piece{dir: stream.ServerToClient, gap: 500},
		sv("ll of the lost response\r\n* 2 EXISTS\r\n"),
		sv("a OK done\r\n"),
	)
	if r.command(t, "FETCH").Status != "OK" {
		t.Fatalf("%s", r.dump())
	}
	m := r.messages()
	if len(m) != 1 || !m[0].Truncated || m[0].Subject != "cut" {
		t.Fatalf("%s", r.dump())
	}
}

func TestHugeLiteralIsSkippedWithoutBuffering(t *testing.T) {
	chunk := strings.Repeat("z", 64<<10)
	pieces := []piece{c("a FETCH 1 BODY[]\r\n"), sv("* 1 FETCH (BODY[] {4294967295}\r\nSubject: huge\r\n\r\n")}
	for i := 0; i < 64; i++ { // 4 MB of the announced 4 GB
		pieces = append(pieces, sv(chunk))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := run(t, session.DefaultLimits(), pieces...)
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
		t.Errorf("allocated %d bytes for a skipped literal", grown)
	}
	if !strings.Contains(strings.Join(recordtest.Texts(r.s.Warnings), ";"), "literal of 4294967295 bytes over the limit") {
		t.Fatalf("no warning: %q", r.s.Warnings)
	}
	m := r.messages()
	if len(m) != 1 || !m[0].Truncated || m[0].Subject != "huge" || m[0].Size != 4294967295 {
		t.Fatalf("%s", r.dump())
	}
}

func TestMidStreamStartSkipsToFirstResponse(t *testing.T) {
	r := runDefault(t,
		sv("end of a literal\r\na9 OK fake\r\n)\r\n"), // "a9 OK" passes as a start: no harm, no command
		sv("* 2 EXISTS\r\n"),
		c("ghost line\r\nb NOOP\r\n"),
		sv("b OK done\r\n"),
	)
	cmds := r.commands()
	if len(cmds) != 1 || cmds[0].Verb != "NOOP" || cmds[0].Status != "OK" {
		t.Fatalf("%s", r.dump())
	}
}

func TestRefusedSynchronisingLiteral(t *testing.T) {
	r := runDefault(t,
		c("a LOGIN {500000}\r\n"),
		sv("a NO literal too big\r\n"),
		c("b LOGIN bob pw\r\n"),
		sv("b OK welcome\r\n"),
	)
	cmds := r.commands()
	if len(cmds) != 2 || cmds[0].Status != "NO" || cmds[1].Verb != "LOGIN" || cmds[1].Status != "OK" {
		t.Fatalf("%s", r.dump())
	}
	cr := r.creds()
	if len(cr) != 1 || cr[0].Username != "bob" {
		t.Fatalf("%s", r.dump())
	}
}

func TestOverlongLineIsCutAndWarned(t *testing.T) {
	lim := session.DefaultLimits()
	lim.MaxLine = 100
	r := run(t, lim,
		c("a SEARCH TEXT "+strings.Repeat("q", 1000)+"\r\n"),
		sv("* SEARCH\r\na OK done\r\n"),
	)
	if r.command(t, "SEARCH").Status != "OK" || len(r.s.Warnings) == 0 {
		t.Fatalf("%s", r.dump())
	}
}

func TestGapInsideAppendLiteral(t *testing.T) {
	msg := "Subject: saved\r\n\r\n" + strings.Repeat("b", 2000) + "\r\n"
	r := runDefault(t,
		c("a APPEND Sent "+fmt.Sprintf("{%d+}\r\n", len(msg))+msg[:500]),
		piece{dir: stream.ClientToServer, gap: 1000},
		c(msg[1500:]+"\r\n"),
		sv("a OK [APPENDUID 1 1] done\r\n"),
		c("b LOGOUT\r\n"), sv("b OK bye\r\n"),
	)
	m := r.messages()
	if len(m) != 1 || m[0].Direction != "appended" || !m[0].Truncated || m[0].Subject != "saved" || m[0].Size != int64(len(msg)) {
		t.Fatalf("%s", r.dump())
	}
	if r.command(t, "APPEND").Status != "OK" || r.command(t, "LOGOUT").Status != "OK" {
		t.Fatalf("%s", r.dump())
	}
}

func TestBinaryLiteralFetch(t *testing.T) {
	r := runDefault(t,
		c("a FETCH 1 BINARY.PEEK[]\r\n"),
		sv("* 1 FETCH (BINARY[] ~{24}\r\nSubject: bin\r\n\r\n\x00\x01\x02\x03\x04\x05\x06)\r\na OK done\r\n"),
	)
	m := r.messages()
	if len(m) != 1 || m[0].Subject != "bin" || m[0].Partial != "" || m[0].Size != 24 {
		t.Fatalf("%s", r.dump())
	}
}

func TestGapAfterLiteralKeepsTheMessage(t *testing.T) {
	msg := "Subject: kept\r\n\r\nbody\r\n"
	r := runDefault(t,
		c("a FETCH 1 (BODY[] FLAGS)\r\n"),
		sv("* 1 FETCH (BODY[] "+lit(msg)+" FLAGS (\\Se"),
		piece{dir: stream.ServerToClient, gap: 30},
		sv("a OK done\r\n"),
	)
	m := r.messages()
	if len(m) != 1 || m[0].Subject != "kept" || m[0].Truncated {
		t.Fatalf("%s", r.dump())
	}
}

// attachmentMessage is a message with one base64 attachment of n bytes.
func attachmentMessage(n int) string {
	var b strings.Builder
	b.WriteString("Subject: big\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--z\r\nContent-Type: image/gif; name=big.gif\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	line := strings.Repeat("R0lG", 19) + "\r\n" // 57 bytes a line
	for i := 0; i < n/57; i++ {
		b.WriteString(line)
	}
	b.WriteString("--z--\r\n")
	return b.String()
}

// A fetched or appended message is analysed as its literal arrives: a
// large attachment does not count against the budget of held bytes.
func TestMessageLiteralsAreAnalysedAsTheyArrive(t *testing.T) {
	msg := attachmentMessage(8 << 20)
	lim := session.DefaultLimits()
	lim.MaxHeld = 1 << 20
	lim.Held = session.NewBudget(lim.MaxHeld)
	var pieces []piece
	add := func(mk func(string) piece, s string) {
		for i := 0; i < len(s); i += 64 << 10 {
			pieces = append(pieces, mk(s[i:min(i+64<<10, len(s))]))
		}
	}
	pieces = append(pieces, sv("* OK ready\r\n"), c("a1 SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na1 OK done\r\n"),
		c("a2 FETCH 1 BODY.PEEK[]\r\n"))
	add(sv, "* 1 FETCH (BODY[] "+lit(msg)+")\r\na2 OK done\r\n")
	add(c, "a3 APPEND Sent (\\Seen) "+lit(msg)+"\r\n")
	pieces = append(pieces, sv("a3 OK APPEND done\r\n"))
	r := run(t, lim, pieces...)
	msgs := r.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want the fetched and the appended one: %s", len(msgs), r.dump())
	}
	for _, m := range msgs {
		if m.Truncated || m.Size != int64(len(msg)) || len(m.Attachments) != 1 || m.Attachments[0].Size != int64(8<<20/57*57) {
			t.Errorf("%s message: truncated %v, size %d, attachments %+v", m.Direction, m.Truncated, m.Size, m.Attachments)
		}
	}
	for _, rec := range r.records {
		for _, w := range record.Warnings(rec) {
			t.Errorf("warning %s", w)
		}
	}
}

// The body of a part a BODYSTRUCTURE named as a file (the attachment a
// mail client fetches alone, BODY[2]) is decoded and hashed as its
// literal arrives, like the same attachment in the whole message: the
// two give one attachment, whatever the limit on held literals.
func TestPartLiteralsAreReadAsTheyArrive(t *testing.T) {
	msg := attachmentMessage(8 << 20)
	// A stray byte in the base64: both are read the way mail readers do.
	msg = strings.Replace(msg, "R0lGR0lG\r\n", "R0lGR0l!G\r\n", 1)
	_, body, _ := strings.Cut(msg, "Content-Transfer-Encoding: base64\r\n\r\n")
	body = strings.TrimSuffix(body, "--z--\r\n")
	bs := `(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL)` +
		`("IMAGE" "GIF" ("NAME" "big.gif") NIL NIL "BASE64" ` + itoa(int64(len(body))) + ` NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "z") NIL NIL NIL)`
	lim := session.DefaultLimits()
	lim.MaxHeld, lim.MaxLiteral = 1<<20, 64<<10
	lim.Held = session.NewBudget(lim.MaxHeld)
	var pieces []piece
	add := func(s string) {
		for i := 0; i < len(s); i += 64 << 10 {
			pieces = append(pieces, sv(s[i:min(i+64<<10, len(s))]))
		}
	}
	pieces = append(pieces, sv("* OK ready\r\n"), c("a SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na OK done\r\n"),
		c("b FETCH 1 BODYSTRUCTURE\r\n"), sv("* 1 FETCH (BODYSTRUCTURE "+bs+")\r\nb OK done\r\n"), c("c FETCH 1 BODY[2]\r\n"))
	add("* 1 FETCH (UID 7 BODY[2] " + lit(body) + ")\r\nc OK done\r\n")
	pieces = append(pieces, c("d FETCH 1 BODY.PEEK[]\r\n"))
	add("* 1 FETCH (BODY[] " + lit(msg) + ")\r\nd OK done\r\n")
	r := run(t, lim, pieces...)
	msgs := r.messages()
	if len(msgs) != 3 || len(msgs[1].Attachments) != 1 || len(msgs[2].Attachments) != 1 {
		t.Fatalf("want the structure, the part and the whole message: %s", r.dump())
	}
	part, whole := msgs[1].Attachments[0], msgs[2].Attachments[0]
	if part.Truncated || part.Size != whole.Size || part.SHA256 != whole.SHA256 || part.Size < 6<<20 {
		t.Errorf("fetched alone: %+v\nin the message: %+v", part, whole)
	}
	for _, rec := range r.records {
		for _, w := range record.Warnings(rec) {
			t.Errorf("warning %s", w)
		}
	}
}

// Past --max-attachment, a fetched part's hash covers that many bytes
// and its size counts them all, as for an attachment of a message.
func TestPartPastTheAttachmentLimit(t *testing.T) {
	data := strings.Repeat("mailwire", 100)
	part := base64.StdEncoding.EncodeToString([]byte(data)) + "\r\n"
	bs := `("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" ` + itoa(int64(len(part))) + ` NIL ("ATTACHMENT" ("FILENAME" "a.bin")) NIL NIL)`
	lim := session.DefaultLimits()
	lim.MaxAttachment = 100
	r := run(t, lim, c("b FETCH 1 BODYSTRUCTURE\r\n"), sv("* 1 FETCH (BODYSTRUCTURE "+bs+")\r\nb OK done\r\n"),
		c("c FETCH 1 BODY[1]\r\n"), sv("* 1 FETCH (BODY[1] "+lit(part)+")\r\nc OK done\r\n"))
	m := r.messages()
	sum := sha256.Sum256([]byte(data[:100]))
	if len(m) != 2 || len(m[1].Attachments) != 1 {
		t.Fatalf("%s", r.dump())
	}
	if a := m[1].Attachments[0]; !a.Truncated || a.Size != int64(len(data)) || a.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("%+v", a)
	}
}
