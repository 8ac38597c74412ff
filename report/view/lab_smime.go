package view

import (
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/certreport"
)

// labSigned (1.3.2 item 4): the MIME type of the signature.
func (b *builder) labSigned() *answer {
	for _, m := range b.ix.messages {
		if !strings.Contains(m.SMIME, "signed") || strings.HasPrefix(m.SMIME, "pgp") {
			continue
		}
		types := signatureTypes(m)
		filter := `frame contains "pkcs7-signature"`
		if !strings.Contains(types, "pkcs7-signature") {
			filter = `frame contains "pkcs7-mime"`
		}
		a := &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{filter}}
		a.say(b, "lab.1.3.2.4.type", "subject", wire(m.Subject, maxLong), "types", wire(types, maxLong))
		if m.Signer != nil {
			a.say(b, "lab.1.3.2.4.signer", "subject", wire(m.Signer.Subject, maxLong),
				"issuer", wire(m.Signer.Issuer, maxLong), "verdict", b.verdict(m.Signer))
		}
		return a
	}
	return nil
}

// signatureTypes lists the S/MIME content types of m's MIME tree.
func signatureTypes(m *record.Message) string {
	var out []string
	for _, t := range m.MIME {
		full := strings.ToLower(strings.TrimSpace(t))
		ct := full
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		if strings.Contains(full, "smime-type=signed-data") || (ct == "application/pkcs7-mime" && m.SMIME == "signed") {
			// Opaque signing: the signature and the content travel
			// together in one application/pkcs7-mime part.
			ct += "; smime-type=signed-data"
		}
		if strings.HasPrefix(ct, "multipart/signed") || strings.Contains(ct, "pkcs7") {
			out = append(out, ct)
		}
	}
	if len(out) == 0 {
		return "multipart/signed + application/pkcs7-signature"
	}
	return strings.Join(out, " + ")
}

func (b *builder) verdict(s *record.Signer) string {
	if s.Verified == nil {
		return b.tr.T("smime.unverified")
	}
	if *s.Verified {
		return b.tr.T("smime.verified.true")
	}
	return b.tr.T("smime.verified.false")
}

// encryptedMessage returns the first S/MIME encrypted message, preferring
// one with the given direction.
func (b *builder) encryptedMessage(direction record.Direction) *record.Message {
	var first *record.Message
	for _, m := range b.ix.messages {
		if !strings.Contains(m.SMIME, "encrypted") || strings.HasPrefix(m.SMIME, "pgp") {
			continue
		}
		if direction == "" || m.Direction == direction {
			return m
		}
		if first == nil {
			first = m
		}
	}
	return first
}

// labEncryptedSent (1.3.2 item 5): each encrypted message on its way.
func (b *builder) labEncryptedSent() *answer {
	var a *answer
	for _, m := range b.ix.messages {
		if !strings.Contains(m.SMIME, "encrypted") || strings.HasPrefix(m.SMIME, "pgp") || m.Direction != record.DirectionSent {
			continue
		}
		if a == nil {
			a = &answer{filters: []string{`frame contains "pkcs7-mime"`}}
		}
		a.frames = append(a.frames, m.Packet, m.EndPacket)
		alg := ""
		if m.Encryption != nil {
			alg = m.Encryption.ContentAlg
		}
		a.say(b, "lab.1.3.2.5.sent", "subject", wire(m.Subject, maxLong), "from", wire(m.From, maxShort),
			"to", wire(strings.Join(m.To, ", "), maxShort), "alg", wire(dash(alg), maxShort))
	}
	if a == nil {
		// Only fetched: the message still crossed encrypted.
		if m := b.encryptedMessage(""); m != nil {
			a = &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{`frame contains "pkcs7-mime"`}}
			a.say(b, "lab.1.3.2.5.sent", "subject", wire(m.Subject, maxLong), "from", wire(m.From, maxShort),
				"to", wire(strings.Join(m.To, ", "), maxShort), "alg", wire(dash(encAlg(m)), maxShort))
		}
	}
	return a
}

func encAlg(m *record.Message) string {
	if m.Encryption != nil {
		return m.Encryption.ContentAlg
	}
	return ""
}

// labClientReads (1.3.2 item 6): the mail client holds the private key.
func (b *builder) labClientReads() *answer {
	m := b.encryptedMessage(record.DirectionFetched)
	if m == nil {
		return nil
	}
	a := &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{`frame contains "pkcs7-mime"`}}
	a.say(b, "lab.1.3.2.6.client", "subject", wire(m.Subject, maxLong), "recipients", b.recipients(m))
	b.labDecrypted(a, m)
	return a
}

// labWebmail (1.3.2 item 7): the webmail has no private key.
func (b *builder) labWebmail() *answer {
	m := b.encryptedMessage(record.DirectionFetched)
	if m == nil {
		return nil
	}
	a := &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{`frame contains "pkcs7-mime"`}}
	a.say(b, "lab.1.3.2.7.webmail", "subject", wire(m.Subject, maxLong))
	a.note(b, "lab.1.3.2.7.note")
	return a
}

// recipients names the certificates the message was encrypted for: by
// e-mail address when a known certificate matches, with the frame it
// crossed in, else by issuer and serial number.
func (b *builder) recipients(m *record.Message) string {
	if m.Encryption == nil || len(m.Encryption.Recipients) == 0 {
		return "–"
	}
	var out []string
	for _, r := range m.Encryption.Recipients {
		// The message names the recipient's certificate by its issuer
		// and serial number: the issuer is not the recipient.
		who := wire(r.SubjectKeyID, maxShort)
		if r.Issuer != "" {
			who = b.tr.T("smime.certificate", "issuer", wire(r.Issuer, maxShort), "serial", wire(dash(r.Serial), maxShort))
		}
		switch {
		case r.Email != "" && r.CertFrame > 0:
			who = b.tr.T("smime.recipient.seen", "who", wire(r.Email, maxShort), "frame", itoa(r.CertFrame))
		case r.Email != "":
			who = b.tr.T("smime.recipient.key", "who", wire(r.Email, maxShort))
		}
		out = append(out, who)
	}
	return strings.Join(out, "; ")
}

// decryption says what the keys given did with an encrypted message.
func (b *builder) decryption(m *record.Message) string {
	if m.Encryption == nil || m.Encryption.Decryption == "" {
		return ""
	}
	return b.tr.T("smime."+m.Encryption.Decryption, "who", wire(m.Encryption.DecryptedWith, maxShort))
}

// labDecrypted tells, for lab 1.3.2 item 6, what mailwire read with the
// key given, as Thunderbird would.
func (b *builder) labDecrypted(a *answer, m *record.Message) {
	if m.Encryption != nil && m.Encryption.Decryption == "not-for-key" {
		a.note(b, "lab.1.3.2.6.not-for-key")
	}
	d := m.SMIMEDecrypted
	if d == nil {
		return
	}
	mime := strings.TrimSpace(strings.Join(d.MIME, ", "))
	a.say(b, "lab.1.3.2.6.decrypted", "who", wire(m.Encryption.DecryptedWith, maxShort),
		"mime", wire(dash(mime), maxLong), "preview", wire(d.BodyPreview, maxLong))
	if d.Signer != nil {
		who := d.Signer.Email
		if who == "" {
			who = d.Signer.Subject
		}
		a.say(b, "lab.1.3.2.6.inner-signed", "signer", wire(who, maxShort), "verdict", b.verdict(d.Signer))
	}
}

// labCertificate (1.3.1 item 5): type, usages and validity of the signer
// certificate a signed message carried.
func (b *builder) labCertificate() *answer {
	for _, m := range b.ix.messages {
		s := m.Signer
		if s == nil && m.SMIMEDecrypted != nil {
			s = m.SMIMEDecrypted.Signer
		}
		if s == nil || s.NotAfter.IsZero() {
			continue
		}
		who := s.Email
		if who == "" {
			who = s.Subject
		}
		today := "lab.1.3.1.5.today.invalid"
		if at := b.captureTime(m); !at.IsZero() && !at.Before(s.NotBefore) && !at.After(s.NotAfter) {
			today = "lab.1.3.1.5.today.valid"
		}
		a := &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{`frame contains "pkcs7"`}}
		a.say(b, "lab.1.3.1.5.cert", "subject", wire(m.Subject, maxLong), "who", wire(who, maxShort),
			"issuer", wire(s.Issuer, maxLong), "from", s.NotBefore.Format("2006-01-02"), "to", s.NotAfter.Format("2006-01-02"),
			"days", strconv.Itoa(certreport.Days(s.NotBefore, s.NotAfter)), "today", b.tr.T(today))
		a.say(b, "cert.key-usage", "v", wire(strings.Join(s.KeyUsage, ", "), maxLong))
		a.say(b, "cert.ext-key-usage", "v", wire(strings.Join(s.ExtKeyUsage, ", "), maxLong))
		a.lines = append(a.lines, Line{Indent: 1, Spans: []Span{{Text: certreport.UsesSentence(b.tr, s.KeyUsage, s.ExtKeyUsage, false)}}})
		return a
	}
	return nil
}

// captureTime is when the session of m started, the day the lab asks
// validity about.
func (b *builder) captureTime(m *record.Message) time.Time {
	for _, s := range b.ix.sessions {
		if s.ID == m.Session {
			return s.Start
		}
	}
	return time.Time{}
}
