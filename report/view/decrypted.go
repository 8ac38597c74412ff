package view

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
)

// decryptedLines show the inner message of an S/MIME encrypted message
// opened with a key given: what the recipient's mail client shows, and
// what never crossed the wire readable.
func (b *builder) decryptedLines(m *record.Message) []Line {
	d := m.SMIMEDecrypted
	if d == nil || m.Encryption == nil {
		return nil
	}
	t := b.tr
	line := func(indent int, key, value string, style Style) Line {
		return Line{Indent: indent, Spans: []Span{{Text: t.T(key) + " "}, {Text: value, Style: style}}}
	}
	mime := strings.TrimSpace(strings.Join(d.MIME, ", "))
	out := []Line{line(1, "message.decrypted", t.T("message.decrypted.with", "who", wire(m.Encryption.DecryptedWith, maxShort),
		"mime", wire(dash(mime), maxLong)), Strong)}
	if s := d.Signer; s != nil {
		who := s.Email
		if who == "" {
			who = s.Subject
		}
		out = append(out, line(2, "message.smime", t.T("smime.signer", "who", wire(who, maxShort), "verdict", b.sentence(lab.Verdict(s)),
			"until", s.NotAfter.UTC().Format("2006-01-02")), Strong))
	}
	for _, a := range d.Attachments {
		out = append(out, Line{Indent: 2, Spans: b.attachmentSpans(a)})
	}
	if d.BodyPreview != "" {
		out = append(out, line(2, "message.preview", wire(d.BodyPreview, maxLong), Dim))
	}
	return out
}
