package lab

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// dkimSign signs msg with dkimpy (python3-dkim), a signer independent of
// mailwire, and returns the signed message.
func dkimSign(t *testing.T, key *rsa.PrivateKey, msg, canon string) []byte {
	t.Helper()
	// Debian's python3-dkim lives beside Debian's python3, which another
	// python3 earlier in PATH may not see.
	python := "/usr/bin/python3"
	if _, err := exec.Command(python, "-c", "import dkim").CombinedOutput(); err != nil {
		t.Fatal("python3-dkim is not installed (make test installs it): it signs the messages this test verifies")
	}
	dir := t.TempDir()
	keyFile, msgFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "msg.eml")
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(msgFile, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	h, b, _ := strings.Cut(canon, "/")
	script := `import sys, dkim
msg = open(sys.argv[1], 'rb').read()
key = open(sys.argv[2], 'rb').read()
sig = dkim.sign(msg, b'lab2026', b'grenoble-inp.example', key, canonicalize=(sys.argv[3].encode(), sys.argv[4].encode()),
    include_headers=[b'from', b'to', b'subject', b'date'])
sys.stdout.buffer.write(sig + msg)`
	out, err := exec.Command(python, "-c", script, msgFile, keyFile, h, b).Output()
	if err != nil {
		t.Fatalf("dkimpy: %v", err)
	}
	return out
}

func TestDKIMVerifiedWithTheCapturesKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherSPKI, _ := x509.MarshalPKIXPublicKey(&other.PublicKey)
	dnsKey := func(der []byte) *record.DNS {
		return &record.DNS{Name: "lab2026._domainkey.grenoble-inp.example", Type: "TXT", Packet: 1,
			Answers: []record.DNSAnswer{{Text: "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)}}}
	}
	msg := "From: Alice <alice@grenoble-inp.example>\r\nTo: bob@grenoble-inp.example\r\nSubject: signed\r\n  and folded\r\n" +
		"Date: Wed, 02 Dec 2026 18:00:00 +0000\r\n\r\nHello  Bob,\r\n\r\nsee you.\r\n"
	cases := []struct {
		name   string
		canon  string
		tamper func(string) string
		dns    *record.DNS
		want   string
	}{
		{"RelaxedValid", "relaxed/relaxed", nil, dnsKey(spki), "dkim-valid"},
		{"SimpleValid", "simple/simple", nil, dnsKey(spki), "dkim-valid"},
		{"SubjectChanged", "relaxed/relaxed", func(s string) string { return strings.Replace(s, "Subject: signed", "Subject: SIGNED", 1) }, dnsKey(spki), "dkim-invalid"},
		{"AnotherKey", "relaxed/simple", nil, dnsKey(otherSPKI), "dkim-invalid"},
		{"NoKeyInTheCapture", "relaxed/relaxed", nil, nil, "dkim-body-match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			signed := string(dkimSign(t, key, msg, c.canon))
			if c.tamper != nil {
				signed = c.tamper(signed)
			}
			m := message.Analyze([]byte(signed), message.Options{})
			m.Proto, m.Direction, m.Session, m.EnvelopeFrom = record.ProtoSMTP, record.DirectionSent, "s1", "alice@grenoble-inp.example"
			recs := []record.Record{m}
			if c.dns != nil {
				recs = append(recs, c.dns)
			}
			s := Senders(recs)
			if len(s) != 1 {
				t.Fatalf("%d senders", len(s))
			}
			var ids []string
			for _, r := range s[0].Reasons {
				ids = append(ids, r.ID)
			}
			if !strings.Contains(","+strings.Join(ids, ",")+",", ","+c.want+",") {
				t.Errorf("reasons %v, want %s", ids, c.want)
			}
			if s[0].Verified != (c.want == "dkim-valid") {
				t.Errorf("verified %v with reasons %v", s[0].Verified, ids)
			}
		})
	}
}
