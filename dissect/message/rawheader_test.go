package message

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestRaw8bitHeaderWarns(t *testing.T) {
	m := Analyze(crlf("Subject: caf\xe9\nFrom: a@b.c\n\nbody\n"), Options{})
	if m.Subject != "café" {
		t.Fatalf("subject %q", m.Subject)
	}
	n := 0
	for _, w := range m.Warnings {
		if w.ID == record.WarnMIMEHeaderWindows1252 {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("warnings %q", m.Warnings)
	}
	m = Analyze(crlf("Subject: caf\xc3\xa9\n\nbody\n"), Options{})
	for _, w := range m.Warnings {
		if w.ID == record.WarnMIMEHeaderWindows1252 {
			t.Fatalf("valid UTF-8 warned: %q", w)
		}
	}
}

// A message with thousands of Received and To lines still shows the
// fields a mail client shows, wherever they come.
func TestFieldsThatMatterSurviveTheCap(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "Received: from h%d by mx\n", i)
	}
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "To: u%d@example.org\n", i)
	}
	b.WriteString("From: Alice <alice@example.org>\nCc: carol@example.org\nSubject: still here\n" +
		"Date: Wed, 2 Dec 2026 10:00:00 +0000\nMessage-ID: <m1@example.org>\nContent-Type: text/plain; charset=utf-8\n\nhello\n")
	m := Analyze(crlf(b.String()), Options{})
	if m.Subject != "still here" || m.From != "Alice <alice@example.org>" || len(m.Cc) != 1 || m.Cc[0] != "carol@example.org" ||
		m.Date != "Wed, 2 Dec 2026 10:00:00 +0000" || m.MessageID != "<m1@example.org>" {
		t.Fatalf("message %+v", m)
	}
	if len(m.To) != maxImportant {
		t.Fatalf("%d To kept, want %d (the bound past the cap)", len(m.To), maxImportant)
	}
	if len(m.Received) != 50 {
		t.Fatalf("%d Received kept", len(m.Received))
	}
}

func TestThreadingAndOriginFields(t *testing.T) {
	m := Analyze(crlf("From: a@b.c\nIn-Reply-To: <p1@x>\nReferences: <r1@x>\n <r2@x> <p1@x>\nX-Originating-IP: [192.0.2.55]\n\nhi\n"), Options{})
	if m.InReplyTo != "<p1@x>" || strings.Join(m.References, "|") != "<r1@x>|<r2@x>|<p1@x>" || m.OriginatingIP != "192.0.2.55" {
		t.Fatalf("in-reply-to %q references %q originating ip %q", m.InReplyTo, m.References, m.OriginatingIP)
	}
}

func TestEveryLeafPartIsSizedAndHashed(t *testing.T) {
	raw := "From: a@b.c\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nhello\n--XX\n" +
		"Content-Type: text/html\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n--XX\n" +
		"Content-Type: application/octet-stream; name=a.bin\nContent-Transfer-Encoding: base64\n\nAAEC\n--XX--\n"
	m := Analyze(crlf(raw), Options{})
	want := []record.Part{
		{Index: 1, ContentType: "text/plain", Size: 5, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{Index: 2, ContentType: "text/html", Size: 9, SHA256: sha("<b>hi</b>")},
		{Index: 3, ContentType: "application/octet-stream", Size: 3, SHA256: sha("\x00\x01\x02")},
	}
	if !reflect.DeepEqual(m.Parts, want) {
		t.Fatalf("parts\n got %+v\nwant %+v", m.Parts, want)
	}
	if m.Attachments[0].SHA256 != want[2].SHA256 {
		t.Fatalf("attachment %+v", m.Attachments[0])
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
