package smimekey

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds PKCS#12, PEM and certificate input to the loaders: they
// must return an error, never panic or hang.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"bob.p12", "alice-legacy.p12", "bob.key", "ca.crt"} {
		if b, err := os.ReadFile(filepath.Join(pki, name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	// Key derivation is what costs here, not parsing: keep it to what
	// the seeds use so that the engine explores the parsers.
	maxIterations = 4096
	f.Fuzz(func(t *testing.T, data []byte) {
		Load("fuzz", data, "trousseau-bob")
		Certificates("fuzz", data, "trousseau-bob")
	})
}
