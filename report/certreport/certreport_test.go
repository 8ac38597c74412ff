package certreport

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/report/i18n"
)

func TestUsesSentence(t *testing.T) {
	tests := []struct {
		name    string
		ku, eku []string
		ca      bool
		want    string
	}{
		{"emailProtection only", []string{"digitalSignature", "keyEncipherment"}, []string{"emailProtection"}, false, "S/MIME only"},
		{"clientAuth too", []string{"digitalSignature"}, []string{"emailProtection", "clientAuth"}, false, "also for: TLS client authentication"},
		{"server only", []string{"digitalSignature"}, []string{"serverAuth"}, false, "Not usable for S/MIME"},
		{"no EKU", []string{"keyCertSign"}, nil, true, "No extended key usage"},
	}
	tr := i18n.New("en")
	for _, tt := range tests {
		if got := UsesSentence(tr, tt.ku, tt.eku, tt.ca); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestValidityToday(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	from := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x3ea), Subject: pkix.Name{CommonName: "carol"},
		NotBefore: from, NotAfter: from.AddDate(1, 0, 0), EmailAddresses: []string{"carol@lab.example"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	tests := []struct {
		now   time.Time
		valid bool
		line  string
	}{
		{from.AddDate(0, 6, 0), true, "Valid today (2026-03-01): 184 days left."},
		{from.AddDate(2, 0, 0), false, "Expired: not valid since 2026-09-01."},
		{from.AddDate(0, 0, -1), false, "Not valid yet"},
	}
	for _, tt := range tests {
		d := Describe(c, "DER", tt.now)
		if d.ValidNow != tt.valid || d.ValidityDays != 365 || d.Serial != "3ea" || d.Email != "carol@lab.example" || !d.SelfSigned {
			t.Errorf("%v: %+v", tt.now, d)
		}
		text := strings.Join(Text(i18n.New("en"), d, tt.now), "\n")
		if !strings.Contains(text, tt.line) || !strings.Contains(text, "TLS client authentication") {
			t.Errorf("%v: text\n%s\nlacks %q", tt.now, text, tt.line)
		}
	}
}
