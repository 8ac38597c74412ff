package message

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"

	"github.com/mailwire/mailwire/dissect/certinfo"
	"github.com/mailwire/mailwire/dissect/message/cms"
	"github.com/mailwire/mailwire/dissect/record"
)

// oidEmail is the emailAddress attribute of old-style subjects.
var oidEmail = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// describeCert fills what the lab asks about a signer's certificate: who,
// issued by whom, for what usages, valid how long, self-signed or not.
func describeCert(s *record.Signer, c *x509.Certificate) {
	s.Subject = sanitize(cms.DN(c.RawSubject))
	s.Issuer = sanitize(cms.DN(c.RawIssuer))
	s.Serial = c.SerialNumber.Text(16)
	s.NotBefore = c.NotBefore.UTC()
	s.NotAfter = c.NotAfter.UTC()
	s.KeyAlg = certinfo.KeyDescription(c)
	s.SubjectKeyID = hex.EncodeToString(c.SubjectKeyId)
	if len(c.EmailAddresses) > 0 {
		s.Email = sanitize(c.EmailAddresses[0])
	} else {
		for _, n := range c.Subject.Names {
			if n.Type.Equal(oidEmail) {
				s.Email = sanitize(fmt.Sprint(n.Value))
			}
		}
	}
	s.KeyUsage = certinfo.KeyUsages(c.KeyUsage)
	s.ExtKeyUsage = certinfo.ExtKeyUsages(c)
	s.SelfSigned = certinfo.SelfSigned(c)
}
