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
	s.KeyUsage = keyUsages(c.KeyUsage)
	for _, u := range c.ExtKeyUsage {
		s.ExtKeyUsage = append(s.ExtKeyUsage, extKeyUsageName(u))
	}
	for _, u := range c.UnknownExtKeyUsage {
		s.ExtKeyUsage = append(s.ExtKeyUsage, u.String())
	}
	// Self-signed: the certificate's own key made its signature, whether
	// or not it claims to be a CA (CheckSignatureFrom would demand one).
	s.SelfSigned = string(c.RawIssuer) == string(c.RawSubject) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

var keyUsageNames = []string{
	"digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
	"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
}

func keyUsages(u x509.KeyUsage) []string {
	var out []string
	for i, n := range keyUsageNames {
		if u&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

var extKeyUsageNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:             "any",
	x509.ExtKeyUsageServerAuth:      "serverAuth",
	x509.ExtKeyUsageClientAuth:      "clientAuth",
	x509.ExtKeyUsageCodeSigning:     "codeSigning",
	x509.ExtKeyUsageEmailProtection: "emailProtection",
	x509.ExtKeyUsageTimeStamping:    "timeStamping",
	x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",
}

func extKeyUsageName(u x509.ExtKeyUsage) string {
	if n, ok := extKeyUsageNames[u]; ok {
		return n
	}
	return fmt.Sprintf("extKeyUsage(%d)", int(u))
}
