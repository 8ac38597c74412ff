package cms

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seeds returns the DER of every S/MIME fixture of the message analyser.
func seeds(t testing.TB) [][]byte {
	files, _ := filepath.Glob("../testdata/smime/encrypted-*.eml")
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := strings.Cut(string(b), "\r\n\r\n")
		if i := strings.Index(body, "\r\n\r\n"); strings.HasPrefix(body, "This is") && i >= 0 {
			continue // multipart: not a bare enveloped body
		}
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
		if err == nil {
			out = append(out, der)
		}
	}
	return out
}

// FuzzEnveloped feeds arbitrary bytes to the CMS parser: it must never
// panic, hang or return recipients beyond its bound.
func FuzzEnveloped(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03, 0xa0, 0x80, 0x30, 0x80, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		env, _ := ParseEnveloped(b)
		if env != nil && len(env.Recipients) > maxRecipients {
			t.Fatalf("%d recipients", len(env.Recipients))
		}
		ContentType(b)
		if ae, _ := ParseAuthEnveloped(b); ae != nil && len(ae.Recipients) > maxRecipients {
			t.Fatalf("%d recipients", len(ae.Recipients))
		}
	})
}
