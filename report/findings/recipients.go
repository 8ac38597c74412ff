package findings

import "github.com/mailwire/mailwire/dissect/record"

// seenCert is a certificate the capture showed, with the frame it
// crossed in.
type seenCert struct {
	id     record.CertID
	frame  int64
	source string // smime or tls
}

// nameRecipients names the recipients of encrypted messages by the
// certificates seen anywhere in the capture: signers of S/MIME messages
// carry their certificate, TLS servers send theirs. A certificate may
// cross after the message it names, so this runs once all records are
// known. Recipients already named by a key keep that name and learn the
// frame.
func nameRecipients(ix *index) {
	var certs []seenCert
	addSigner := func(s *record.Signer, frame int64) {
		if s == nil || s.Serial == "" {
			return
		}
		name := s.Email
		if name == "" {
			name = s.Subject
		}
		certs = append(certs, seenCert{record.CertID{Issuer: s.Issuer, Serial: s.Serial, SubjectKeyID: s.SubjectKeyID, Name: name}, frame, "smime"})
	}
	for _, m := range ix.messages {
		addSigner(m.Signer, m.Packet)
		if m.SMIMEDecrypted != nil {
			addSigner(m.SMIMEDecrypted.Signer, m.Packet)
		}
	}
	for _, list := range ix.tls {
		for _, t := range list {
			if t.CertID != nil {
				certs = append(certs, seenCert{*t.CertID, t.CertificatePacket, "tls"})
			}
		}
	}
	if len(certs) == 0 {
		return
	}
	for _, m := range ix.messages {
		nameIn(m.Encryption, certs)
		if m.SMIMEDecrypted != nil {
			nameIn(m.SMIMEDecrypted.Encryption, certs)
		}
	}
}

func nameIn(enc *record.Encryption, certs []seenCert) {
	if enc == nil {
		return
	}
	for i := range enc.Recipients {
		r := &enc.Recipients[i]
		if r.CertFrame > 0 {
			continue
		}
		if c := firstMatch(r, certs); c != nil {
			if r.Email == "" {
				r.Email, r.CertSource = c.id.Name, c.source
			}
			r.CertFrame = c.frame
		}
	}
}

// firstMatch is the earliest certificate that recipient r points at.
func firstMatch(r *record.Recipient, certs []seenCert) *seenCert {
	var best *seenCert
	for i := range certs {
		c := &certs[i]
		match := false
		if r.SubjectKeyID != "" {
			match = r.SubjectKeyID == c.id.SubjectKeyID
		} else {
			match = r.Serial != "" && r.Serial == c.id.Serial && r.Issuer == c.id.Issuer
		}
		if match && (best == nil || c.frame < best.frame) {
			best = c
		}
	}
	return best
}

// maxBookCerts bounds the certificates a CertBook remembers: a capture of
// many TLS sessions shows the same few certificates again and again.
const maxBookCerts = 1024

// CertBook names the recipients of encrypted messages as records go by
// in capture order, from the certificates seen before them: output that
// streams cannot wait for a certificate that crosses later.
type CertBook struct {
	certs []seenCert
}

// Pass learns the certificates r shows and names the recipients of r.
func (b *CertBook) Pass(r record.Record) {
	switch v := r.(type) {
	case *record.TLS:
		if v.CertID != nil {
			b.add(seenCert{*v.CertID, v.CertificatePacket, "tls"})
		}
	case *record.Message:
		b.addSigner(v.Signer, v.Packet)
		if v.SMIMEDecrypted != nil {
			b.addSigner(v.SMIMEDecrypted.Signer, v.Packet)
		}
		if len(b.certs) == 0 {
			return
		}
		nameIn(v.Encryption, b.certs)
		if v.SMIMEDecrypted != nil {
			nameIn(v.SMIMEDecrypted.Encryption, b.certs)
		}
	}
}

func (b *CertBook) addSigner(s *record.Signer, frame int64) {
	if s == nil || s.Serial == "" {
		return
	}
	name := s.Email
	if name == "" {
		name = s.Subject
	}
	b.add(seenCert{record.CertID{Issuer: s.Issuer, Serial: s.Serial, SubjectKeyID: s.SubjectKeyID, Name: name}, frame, "smime"})
}

func (b *CertBook) add(c seenCert) {
	for _, have := range b.certs {
		if have.id == c.id {
			return
		}
	}
	if len(b.certs) < maxBookCerts {
		b.certs = append(b.certs, c)
	}
}
