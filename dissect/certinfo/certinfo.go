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
	"fmt"
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
