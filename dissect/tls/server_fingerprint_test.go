package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"testing"
	"time"
)

// serverHelloBody builds a ServerHello: legacy version, cipher and the
// extensions (type, body) in order.
func serverHelloBody(legacy, cipher uint16, exts ...[]byte) []byte {
	b := []byte{byte(legacy >> 8), byte(legacy)}
	b = append(b, make([]byte, 32)...)
	b = append(b, 0, byte(cipher>>8), byte(cipher), 0)
	var e []byte
	for _, x := range exts {
		e = append(e, x...)
	}
	if len(exts) > 0 {
		b = append(b, byte(len(e)>>8), byte(len(e)))
		b = append(b, e...)
	}
	return b
}

func ext(typ uint16, body ...byte) []byte {
	return append([]byte{byte(typ >> 8), byte(typ), byte(len(body) >> 8), byte(len(body))}, body...)
}

func TestServerFingerprints(t *testing.T) {
	tests := []struct {
		name            string
		body            []byte
		ja3s, hash, ja4 string
	}{
		// The same ServerHello as captures/imap-starttls.pcap, where
		// tshark gives JA3S 771,4866,43-51 / 15af977c...; the JA4S
		// extension hash is sha256("002b,0033") cut to 12.
		{"TLS13", serverHelloBody(0x0303, 0x1302, ext(43, 3, 4), ext(51, 0, 29, 0, 0)),
			"771,4866,43-51", "15af977ce25de452b96affa2addb1036", "t130200_1302_a56c5b993250"},
		// FoxIO's JA4S example orders key_share first: 234ea6891581.
		{"TLS13KeyShareFirst", serverHelloBody(0x0303, 0x1301, ext(51, 0, 29, 0, 0), ext(43, 3, 4)),
			"771,4865,51-43", "", "t130200_1301_234ea6891581"},
		{"TLS12WithALPN", serverHelloBody(0x0303, 0xc030, ext(65281, 0), ext(16, 0, 3, 2, 'h', '2')),
			"771,49200,65281-16", "", "t1202h2_c030_" + cut12("ff01,0010")},
		{"NoExtensions", serverHelloBody(0x0301, 0x002f), "769,47,", "", "t100000_002f_000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ja3s, hash, ja4s := serverFingerprints(tt.body)
			if ja3s != tt.ja3s || (tt.hash != "" && hash != tt.hash) || ja4s != tt.ja4 {
				t.Fatalf("got %q %q %q, want %q %q %q", ja3s, hash, ja4s, tt.ja3s, tt.hash, tt.ja4)
			}
		})
	}
	if a, b, c := serverFingerprints([]byte{3, 3, 0}); a != "" || b != "" || c != "" {
		t.Fatalf("a cut ServerHello gave %q %q %q", a, b, c)
	}
}

func cut12(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:12]
}

func TestCertChainListsEveryCertificate(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	caTpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Lab CA"}, NotBefore: now,
		NotAfter: now.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTpl, caTpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leafTpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "mail.example"}, NotBefore: now,
		NotAfter: now.AddDate(1, 0, 0), DNSNames: []string{"mail.example"}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTpl, caTpl, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	var list []byte
	for _, der := range [][]byte{leafDER, caDER, []byte("not a certificate")} {
		list = append(list, byte(len(der)>>16), byte(len(der)>>8), byte(len(der)))
		list = append(list, der...)
	}
	body := append([]byte{byte(len(list) >> 16), byte(len(list) >> 8), byte(len(list))}, list...)
	chain := certChain(body)
	if len(chain) != 3 {
		t.Fatalf("%d certificates", len(chain))
	}
	leaf, ca, junk := chain[0], chain[1], chain[2]
	sum := sha256.Sum256(caDER)
	if leaf.Subject != "CN=mail.example" || leaf.Issuer != "CN=Lab CA" || leaf.CA || leaf.SelfSigned || !leaf.NotAfter.Equal(now.AddDate(1, 0, 0)) || leaf.Key == "" {
		t.Errorf("leaf %+v", leaf)
	}
	if ca.Subject != "CN=Lab CA" || !ca.CA || !ca.SelfSigned || ca.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("ca %+v", ca)
	}
	if junk.Subject != "" || len(junk.SHA256) != 64 {
		t.Errorf("unreadable certificate %+v", junk)
	}
}
