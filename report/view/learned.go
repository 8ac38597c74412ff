package view

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/findings"
	"github.com/mailwire/mailwire/report/spool"
)

// learned is "what an eavesdropper learned": every fact that crossed the
// wire readable, or that TLS left visible.
func (b *builder) learned() Section {
	t := b.tr
	sec := Section{ID: "learned", Title: t.T("learned.title"), Empty: t.T("learned.none")}
	for _, blk := range []*Block{b.credentials(), b.messages(), b.mailboxes(), b.dnsAnswers(), b.tlsMeta()} {
		if blk != nil {
			sec.Blocks = append(sec.Blocks, *blk)
		}
	}
	return sec
}

func (b *builder) credentials() *Block {
	if b.src.Count(spool.Credentials) == 0 {
		return nil
	}
	t := b.tr
	tab := &Table{Head: []string{t.T("col.session"), t.T("col.mechanism"), t.T("col.user"),
		t.T("col.secret"), t.T("col.accepted"), t.T("col.frames")}}
	tab.Rows = rows(b.src, spool.Credentials, b.credentialRow)
	return &Block{Title: t.T("learned.credentials"), Table: tab}
}

func (b *builder) credentialRow(c *record.Credential) []Span {
	mech := strings.ToUpper(wire(string(c.Proto), 10)) + " " + wire(c.Mechanism, maxShort)
	if c.Decrypted {
		// Read inside TLS with the key log: not what an eavesdropper saw.
		mech += " " + b.tr.T("learned.keylog")
	}
	return []Span{
		{Text: wire(c.Session, maxShort)},
		{Text: mech},
		{Text: dash(wire(c.Username, maxShort)), Style: Strong},
		{Text: b.secret(c), Style: Secret},
		b.accepted(c.Accepted),
		{Text: frames(c.Packet, c.SecretPacket, c.ReplyPacket)},
	}
}

// secret shows a password's shape, or the password itself only when the
// reader asked for it and the records still hold it.
func (b *builder) secret(c *record.Credential) string {
	t := b.tr
	if b.opt.Reveal && c.Password != "" {
		return wire(c.Password, maxShort)
	}
	if b.opt.Reveal && c.Hash != "" {
		return wire(c.Hash, maxLong)
	}
	if c.PasswordLen == 0 && findings.ChallengeResponse(c.Mechanism) {
		return t.T("secret.challenge")
	}
	if c.PasswordLen == 0 && c.PasswordMasked == "" {
		return t.T("secret.none")
	}
	masked := c.PasswordMasked
	if masked == "" {
		masked = strings.Repeat("*", min(c.PasswordLen, 32))
	}
	return t.T("secret.masked", "masked", wire(masked, maxShort), "len", strconv.Itoa(c.PasswordLen))
}

func (b *builder) accepted(a *bool) Span {
	switch {
	case a == nil:
		return Span{Text: b.tr.T("accepted.unknown"), Style: Dim}
	case *a:
		return Span{Text: b.tr.T("accepted.yes"), Style: High}
	}
	return Span{Text: b.tr.T("accepted.no")}
}

func (b *builder) messages() *Block {
	if b.src.Count(spool.Messages) == 0 {
		return nil
	}
	n := 0
	return &Block{Title: b.tr.T("learned.messages"), Lines: lines(b.src, spool.Messages, func() { n = 0 },
		func(m *record.Message) []Line {
			n++
			return b.messageLines(n, m)
		})}
}

func (b *builder) messageLines(n int, m *record.Message) []Line {
	t := b.tr
	head := t.T("message.head", "n", strconv.Itoa(n), "direction", t.T("direction."+directionKey(string(m.Direction))),
		"proto", strings.ToUpper(wire(string(m.Proto), 10)), "session", wire(m.Session, maxShort),
		"frames", b.framesText(m.Packet, m.EndPacket))
	if m.Decrypted {
		head += " " + t.T("learned.keylog")
	}
	lines := []Line{{Spans: []Span{{Text: head, Style: Strong}}}}
	add := func(key, value string, style Style) {
		if value != "" {
			lines = append(lines, Line{Indent: 1, Spans: []Span{{Text: t.T(key) + " "}, {Text: value, Style: style}}})
		}
	}
	add("message.part", wire(m.Partial, maxShort), Plain)
	add("message.subject", wire(m.Subject, maxLong), Strong)
	add("message.from", wire(m.From, maxLong), Plain)
	add("message.to", wire(strings.Join(m.To, ", "), maxLong), Plain)
	add("message.cc", wire(strings.Join(m.Cc, ", "), maxLong), Plain)
	add("message.reply-to", wire(m.ReplyTo, maxLong), Plain)
	if m.EnvelopeFrom != "" || len(m.EnvelopeTo) > 0 {
		add("message.envelope", wire("<"+m.EnvelopeFrom+"> → "+strings.Join(m.EnvelopeTo, ", "), maxLong), Plain)
	}
	add("message.auth-user", wire(m.AuthUser, maxShort), Plain)
	add("message.date", wire(m.Date, maxShort), Plain)
	add("message.user-agent", wire(m.UserAgent, maxShort), Plain)
	if m.Size > 0 {
		size := b.bytes(m.Size)
		if m.Truncated {
			size += " " + t.T("message.truncated")
		}
		add("message.size", size, Plain)
	}
	if m.SMIME != "" && m.SMIME != "none" {
		add("message.smime", b.smimeText(m), Strong)
	}
	for _, a := range m.Attachments {
		lines = append(lines, Line{Indent: 1, Spans: b.attachmentSpans(a)})
	}
	if m.BodyPreview != "" {
		add("message.preview", wire(m.BodyPreview, maxLong), Dim)
	}
	lines = append(lines, b.decryptedLines(m)...)
	return lines
}

func directionKey(d string) string {
	switch d {
	case string(record.DirectionSent), string(record.DirectionFetched), string(record.DirectionAppended):
		return d
	}
	return "other"
}

func (b *builder) attachmentSpans(a record.Attachment) []Span {
	t := b.tr
	name := a.Filename
	if name == "" {
		name = t.T("attachment.unnamed")
	}
	desc := t.T("attachment.desc", "type", wire(a.ContentType, maxShort),
		"encoding", dash(wire(a.TransferEncoding, maxShort)), "size", b.bytes(a.Size))
	spans := []Span{{Text: t.T("message.attachment") + " "}, {Text: wire(name, maxShort), Style: Strong},
		{Text: " " + desc}}
	if a.SHA256 != "" {
		spans = append(spans, Span{Text: " sha256 "}, Span{Text: wire(a.SHA256, 64), Style: Code})
	}
	if a.Truncated {
		spans = append(spans, Span{Text: " " + t.T("message.truncated"), Style: Medium})
	}
	return spans
}

// smimeText names the protection and, when signed, who signed and
// whether the signature checked out.
func (b *builder) smimeText(m *record.Message) string {
	t := b.tr
	s := t.T("smime." + smimeKey(m.SMIME))
	if m.Signer != nil {
		who := m.Signer.Email
		if who == "" {
			who = m.Signer.Subject
		}
		verdict := t.T("smime.unverified")
		if m.Signer.Verified != nil {
			verdict = t.T("smime.verified." + strconv.FormatBool(*m.Signer.Verified))
		}
		s += " — " + t.T("smime.signer", "who", wire(who, maxShort), "verdict", verdict,
			"until", m.Signer.NotAfter.UTC().Format("2006-01-02"))
	}
	if m.Encryption != nil && m.Encryption.ContentAlg != "" {
		s += " — " + wire(m.Encryption.ContentAlg, maxShort)
	}
	if d := b.decryption(m); d != "" {
		s += " — " + d
	}
	return s
}

func smimeKey(s string) string {
	switch s {
	case "signed", "encrypted", "signed+encrypted", "pgp-signed", "pgp-encrypted":
		return s
	}
	return "other"
}

// decryption says what the keys given did with an encrypted message.
func (b *builder) decryption(m *record.Message) string {
	if m.Encryption == nil || m.Encryption.Decryption == "" {
		return ""
	}
	return b.tr.T("smime."+m.Encryption.Decryption, "who", wire(m.Encryption.DecryptedWith, maxShort))
}
