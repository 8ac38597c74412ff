package message

import (
	"fmt"
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
