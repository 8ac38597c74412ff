package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailwire/mailwire/dissect/record"
)

// FuzzWriters renders records whose every wire string is fuzzed: no
// renderer may panic, emit invalid UTF-8, a control character, a bidi
// override, or (in HTML) a tag from the input.
func FuzzWriters(f *testing.F) {
	for _, s := range []string{hostile, "Compte rendu de mission", "=?utf-8?q?x?=", "\xff\xfe", "a|b`c`*d*", "<img src=x onerror=alert(1)>", "{user}"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, subject, user string) {
		c := &record.Credential{Session: "s1", Proto: "imap", Mechanism: "LOGIN", Username: user, Packet: 3, Recoverable: true}
		c.SetPassword(subject)
		recs := []record.Record{
			&record.Session{ID: "s1", Proto: "imap", Client: user, Server: subject, Security: "cleartext"},
			&record.Command{Session: "s1", Proto: "imap", Verb: "LOGIN", Tag: user, Args: subject, Packet: 3},
			c,
			&record.Message{Session: "s1", Proto: "imap", Direction: "fetched", Subject: subject, From: user, To: []string{subject},
				Attachments: []record.Attachment{{Filename: subject, ContentType: "image/" + user}}, Packet: 4},
			&record.Mailbox{Session: "s1", Name: subject, Events: []string{user}, Packet: 5},
			&record.Finding{ID: record.FindingID(user), Severity: record.Severity(subject), Title: subject, Args: map[string]string{"subject": subject}},
		}
		for _, fd := range Derive(recs) {
			recs = append(recs, fd)
		}
		caps := []Capture{Held(&record.Capture{File: subject}, recs)}
		for name, write := range writers() {
			var b bytes.Buffer
			if err := write(&b, caps, &record.Summary{Warnings: []record.Warning{record.NewWarning(1, record.WarnMessageRefused, "reply", user)}}, Options{Lang: "fr", Width: 60}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out := b.String()
			if !utf8.ValidString(out) {
				t.Fatalf("%s: invalid UTF-8", name)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Fatalf("%s: unsafe rune %U", name, r)
				}
			}
			if name == "html" && (strings.Contains(out, "<img") || strings.Contains(out, "<script")) {
				t.Fatalf("html: tag from the input")
			}
		}
	})
}
