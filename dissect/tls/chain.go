package tls

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"

	"golang.org/x/crypto/cryptobyte"

	"github.com/mailwire/mailwire/dissect/certinfo"
	"github.com/mailwire/mailwire/dissect/record"
)

// maxChain bounds the certificates of a chain that are described.
const maxChain = 10

// certChain describes every certificate of a Certificate message (TLS 1.2
// and older, where it crosses in clear), leaf first, as the server sent
// them: an eavesdropper learns the whole chain, intermediates included.
// Certificates that do not parse are listed by their fingerprint only.
func certChain(body []byte) []record.Certificate {
	s := cryptobyte.String(body)
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) {
		return nil
	}
	var out []record.Certificate
	for !list.Empty() && len(out) < maxChain {
		var der cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&der) {
			break
		}
		sum := sha256.Sum256(der)
		c := record.Certificate{SHA256: hex.EncodeToString(sum[:])}
		if cert, err := x509.ParseCertificate(der); err == nil {
			c.Subject = dnString(cert.Subject)
			c.Issuer = dnString(cert.Issuer)
			c.Key = certinfo.KeyDescription(cert)
			c.NotBefore, c.NotAfter = cert.NotBefore.UTC(), cert.NotAfter.UTC()
			c.CA = cert.IsCA
			c.SelfSigned = selfSigned(cert)
		}
		out = append(out, c)
	}
	return out
}
