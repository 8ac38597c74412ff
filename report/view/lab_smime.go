package view

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
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

// labEncryptedSent (1.3.2 item 5): the encrypted message on its way.
func (b *builder) labEncryptedSent() *answer {
	m := b.encryptedMessage(record.DirectionSent)
	if m == nil {
		return nil
	}
	a := &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{`frame contains "pkcs7-mime"`}}
	alg := ""
	if m.Encryption != nil {
		alg = m.Encryption.ContentAlg
	}
	a.say(b, "lab.1.3.2.5.sent", "subject", wire(m.Subject, maxLong), "from", wire(m.From, maxShort),
		"to", wire(strings.Join(m.To, ", "), maxShort), "alg", wire(dash(alg), maxShort))
	return a
}

// labClientReads (1.3.2 item 6): the mail client holds the private key.
func (b *builder) labClientReads() *answer {
	m := b.encryptedMessage(record.DirectionFetched)
	if m == nil {
		return nil
	}
	a := &answer{frames: []int64{m.Packet, m.EndPacket}, filters: []string{`frame contains "pkcs7-mime"`}}
	a.say(b, "lab.1.3.2.6.client", "subject", wire(m.Subject, maxLong), "recipients", b.recipients(m))
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

// recipients names the certificates the message was encrypted for.
func (b *builder) recipients(m *record.Message) string {
	if m.Encryption == nil || len(m.Encryption.Recipients) == 0 {
		return "–"
	}
	var out []string
	for _, r := range m.Encryption.Recipients {
		who := r.Issuer
		if r.Serial != "" {
			who += " #" + r.Serial
		}
		if who == "" {
			who = r.SubjectKeyID
		}
		out = append(out, wire(who, maxShort))
	}
	return strings.Join(out, "; ")
}
