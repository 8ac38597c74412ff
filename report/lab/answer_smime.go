package lab

import (
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/certreport"
)

// labSigned (1.3.2 item 4): the MIME type of the signature.
func (x *finder) labSigned() *Answer {
	for _, m := range x.messages {
		if !strings.Contains(m.SMIME, "signed") || strings.HasPrefix(m.SMIME, "pgp") {
			continue
		}
		types := signatureTypes(m)
		filter := `frame contains "pkcs7-signature"`
		if !strings.Contains(types, "pkcs7-signature") {
			filter = `frame contains "pkcs7-mime"`
		}
		a := &Answer{Frames: []int64{m.Packet, m.EndPacket}, Filters: []string{filter}}
		a.say("lab.1.3.2.4.type", "subject", wire(m.Subject, maxLong), "types", wire(types, maxLong))
		if m.Signer != nil {
			a.say("lab.1.3.2.4.signer", "subject", wire(m.Signer.Subject, maxLong),
				"issuer", wire(m.Signer.Issuer, maxLong), "verdict", Verdict(m.Signer))
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

// Verdict says whether a signature was checked and held, the sentence
// the lab's answers and the report's decrypted messages both show.
func Verdict(s *record.Signer) Sentence {
	if s.Verified == nil {
		return key("smime.unverified")
	}
	if *s.Verified {
		return key("smime.verified.true")
	}
	return key("smime.verified.false")
}

// encryptedMessage returns the first S/MIME encrypted message, preferring
// one with the given direction.
func (x *finder) encryptedMessage(direction record.Direction) *record.Message {
	var first *record.Message
	for _, m := range x.messages {
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
func (x *finder) labEncryptedSent() *Answer {
	var a *Answer
	for _, m := range x.messages {
		if !strings.Contains(m.SMIME, "encrypted") || strings.HasPrefix(m.SMIME, "pgp") || m.Direction != record.DirectionSent {
			continue
		}
		if a == nil {
			a = &Answer{Filters: []string{`frame contains "pkcs7-mime"`}}
		}
		a.Frames = append(a.Frames, m.Packet, m.EndPacket)
		alg := ""
		if m.Encryption != nil {
			alg = m.Encryption.ContentAlg
		}
		a.say("lab.1.3.2.5.sent", "subject", wire(m.Subject, maxLong), "from", wire(m.From, maxShort),
			"to", wire(strings.Join(m.To, ", "), maxShort), "alg", wire(dash(alg), maxShort))
	}
	if a == nil {
		// Only fetched: the message still crossed encrypted.
		if m := x.encryptedMessage(""); m != nil {
			a = &Answer{Frames: []int64{m.Packet, m.EndPacket}, Filters: []string{`frame contains "pkcs7-mime"`}}
			a.say("lab.1.3.2.5.sent", "subject", wire(m.Subject, maxLong), "from", wire(m.From, maxShort),
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
func (x *finder) labClientReads() *Answer {
	m := x.encryptedMessage(record.DirectionFetched)
	if m == nil {
		return nil
	}
	a := &Answer{Frames: []int64{m.Packet, m.EndPacket}, Filters: []string{`frame contains "pkcs7-mime"`}}
	a.say("lab.1.3.2.6.client", "subject", wire(m.Subject, maxLong), "recipients", recipients(m))
	x.labDecrypted(a, m)
	return a
}

// labWebmail (1.3.2 item 7): the webmail has no private key.
func (x *finder) labWebmail() *Answer {
	m := x.encryptedMessage(record.DirectionFetched)
	if m == nil {
		return nil
	}
	a := &Answer{Frames: []int64{m.Packet, m.EndPacket}, Filters: []string{`frame contains "pkcs7-mime"`}}
	a.say("lab.1.3.2.7.webmail", "subject", wire(m.Subject, maxLong))
	a.note("lab.1.3.2.7.note")
	return a
}

// recipients names the certificates the message was encrypted for: by
// e-mail address when a known certificate matches, with the frame it
// crossed in, else by issuer and serial number.
func recipients(m *record.Message) Arg {
	if m.Encryption == nil || len(m.Encryption.Recipients) == 0 {
		return Arg{Value: "–"}
	}
	out := Arg{Sep: "; "}
	for _, r := range m.Encryption.Recipients {
		// The message names the recipient's certificate by its issuer
		// and serial number: the issuer is not the recipient.
		who := Sentence{Text: wire(r.SubjectKeyID, maxShort)}
		if r.Issuer != "" {
			who = key("smime.certificate", "issuer", wire(r.Issuer, maxShort), "serial", wire(dash(r.Serial), maxShort))
		}
		switch {
		case r.Email != "" && r.CertFrame > 0:
			who = key("smime.recipient.seen", "who", wire(r.Email, maxShort), "frame", itoa(r.CertFrame))
		case r.Email != "":
			who = key("smime.recipient.key", "who", wire(r.Email, maxShort))
		}
		out.Sentences = append(out.Sentences, who)
	}
	return out
}

// labDecrypted tells, for lab 1.3.2 item 6, what mailwire read with the
// key given, as Thunderbird would.
func (x *finder) labDecrypted(a *Answer, m *record.Message) {
	if m.Encryption != nil && m.Encryption.Decryption == "not-for-key" {
		a.note("lab.1.3.2.6.not-for-key")
	}
	d := m.SMIMEDecrypted
	if d == nil {
		return
	}
	mime := strings.TrimSpace(strings.Join(d.MIME, ", "))
	a.say("lab.1.3.2.6.decrypted", "who", wire(m.Encryption.DecryptedWith, maxShort),
		"mime", wire(dash(mime), maxLong), "preview", wire(d.BodyPreview, maxLong))
	if d.Signer != nil {
		who := d.Signer.Email
		if who == "" {
			who = d.Signer.Subject
		}
		a.say("lab.1.3.2.6.inner-signed", "signer", wire(who, maxShort), "verdict", Verdict(d.Signer))
	}
}

// labCertificate (1.3.1 item 5): type, usages and validity of the signer
// certificate a signed message carried.
func (x *finder) labCertificate() *Answer {
	for _, m := range x.messages {
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
		if at := x.captureTime(m); !at.IsZero() && !at.Before(s.NotBefore) && !at.After(s.NotAfter) {
			today = "lab.1.3.1.5.today.valid"
		}
		a := &Answer{Frames: []int64{m.Packet, m.EndPacket}, Filters: []string{`frame contains "pkcs7"`}}
		a.say("lab.1.3.1.5.cert", "subject", wire(m.Subject, maxLong), "who", wire(who, maxShort),
			"issuer", wire(s.Issuer, maxLong), "from", s.NotBefore.Format("2006-01-02"), "to", s.NotAfter.Format("2006-01-02"),
			"days", strconv.Itoa(certreport.Days(s.NotBefore, s.NotAfter)), "today", key(today))
		a.say("cert.key-usage", "v", wire(strings.Join(s.KeyUsage, ", "), maxLong))
		a.say("cert.ext-key-usage", "v", wire(strings.Join(s.ExtKeyUsage, ", "), maxLong))
		a.Lines = append(a.Lines, Sentence{Kind: KindCertUses, KeyUsage: s.KeyUsage, ExtKeyUsage: s.ExtKeyUsage})
		return a
	}
	return nil
}

// captureTime is when the session of m started, the day the lab asks
// validity about.
func (x *finder) captureTime(m *record.Message) time.Time {
	for _, s := range x.sessions {
		if s.ID == m.Session {
			return s.Start
		}
	}
	return time.Time{}
}
