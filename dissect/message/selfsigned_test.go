package message

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// selfSignedMessage signs content with a throw-away self-signed ECDSA
// certificate and wraps it as multipart/signed.
func selfSignedMessage(t *testing.T, content string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:   big.NewInt(42),
		Subject:        pkix.Name{CommonName: "Eve Self"},
		EmailAddresses: []string{"eve@example.net"},
		NotBefore:      time.Now().Add(-time.Hour),
		NotAfter:       time.Now().Add(time.Hour),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	sd, err := pkcs7.NewSignedData([]byte(content))
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(cert, key, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	sd.Detach()
	sig, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return "From: eve@example.net\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"s\"\r\n\r\n" +
		"--s\r\n" + content + "\r\n--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(sig) + "\r\n--s--\r\n"
}

func TestSelfSignedECDSASigner(t *testing.T) {
	content := "Content-Type: text/plain\r\n\r\nhello"
	m := Analyze([]byte(selfSignedMessage(t, content)), Options{})
	s := m.Signer
	if s == nil || s.Verified == nil || !*s.Verified {
		t.Fatalf("signer = %+v", s)
	}
	if !s.SelfSigned || s.Subject != "CN=Eve Self" || s.Issuer != "CN=Eve Self" || s.Email != "eve@example.net" || s.Serial != "2a" {
		t.Errorf("signer = %+v", s)
	}
	if s.DigestAlg != "sha256" || !strings.HasPrefix(s.SigAlg, "ecdsa") {
		t.Errorf("algorithms %q %q", s.DigestAlg, s.SigAlg)
	}
}

func TestChangedByteInSignedPartFailsVerification(t *testing.T) {
	raw := selfSignedMessage(t, "Content-Type: text/plain\r\n\r\nhello")
	raw = strings.Replace(raw, "hello", "jello", 1)
	m := Analyze([]byte(raw), Options{})
	if m.Signer == nil || m.Signer.Verified == nil || *m.Signer.Verified || !strings.Contains(m.Signer.VerifyError, "modified") {
		t.Errorf("signer = %+v", m.Signer)
	}
}
