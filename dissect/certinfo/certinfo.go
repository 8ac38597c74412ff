// Package certinfo describes X.509 certificates the way the reports name
// them, for TLS servers and S/MIME signers alike.
package certinfo

import (
	//lint:ignore SA1019 old certificates still carry DSA keys, which are only named here
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"

	"github.com/mailwire/mailwire/dissect/message/cms"
	"github.com/mailwire/mailwire/dissect/record"
)

// KeyDescription names the public key type and size: "RSA 2048",
// "ECDSA P-256", "Ed25519".
func KeyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	case *dsa.PublicKey:
		return fmt.Sprintf("DSA %d", k.P.BitLen())
	}
	return c.PublicKeyAlgorithm.String()
}

// Email is a certificate's first e-mail address: a subjectAltName
// rfc822Name, else the emailAddress attribute of old-style subjects.
func Email(c *x509.Certificate) string {
	if len(c.EmailAddresses) > 0 {
		return c.EmailAddresses[0]
	}
	for _, n := range c.Subject.Names {
		if n.Type.Equal(oidEmail) {
			if s, ok := n.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

var oidEmail = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// ID names a certificate the way S/MIME recipient infos point at it:
// issuer DN (as cms.DN writes it) and hex serial, or subject key id.
func ID(c *x509.Certificate) *record.CertID {
	return &record.CertID{Issuer: cms.DN(c.RawIssuer), Serial: c.SerialNumber.Text(16),
		SubjectKeyID: hex.EncodeToString(c.SubjectKeyId), Name: Name(c)}
}

// Name is how reports name a certificate's owner: its e-mail address,
// else its subject DN.
func Name(c *x509.Certificate) string {
	if e := Email(c); e != "" {
		return e
	}
	return cms.DN(c.RawSubject)
}

var keyUsageNames = []string{
	"digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
	"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
}

// KeyUsages names the key usage bits as RFC 5280 does.
func KeyUsages(u x509.KeyUsage) []string {
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

// ExtKeyUsages names a certificate's extended key usages, unknown ones
// by their OID.
func ExtKeyUsages(c *x509.Certificate) []string {
	var out []string
	for _, u := range c.ExtKeyUsage {
		if n, ok := extKeyUsageNames[u]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("extKeyUsage(%d)", int(u)))
		}
	}
	for _, u := range c.UnknownExtKeyUsage {
		out = append(out, u.String())
	}
	return out
}

// SelfSigned tells whether the certificate's own key made its signature,
// whether or not it claims to be a CA (CheckSignatureFrom would demand one).
func SelfSigned(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}
