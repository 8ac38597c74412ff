package smimekey

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const pki = "../../../captures/pki"

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	both := filepath.Join(dir, "bob-both.pem")
	key, _ := os.ReadFile(filepath.Join(pki, "bob.key"))
	crt, _ := os.ReadFile(filepath.Join(pki, "bob.crt"))
	if err := os.WriteFile(both, append(append(crt, '\n'), key...), 0o600); err != nil {
		t.Fatal(err)
	}
	lone := filepath.Join(dir, "lone.key")
	os.WriteFile(lone, key, 0o600)
	tests := []struct {
		name, file, pass, email string
		wantPassErr             bool
		wantErr                 bool
	}{
		{"modern p12", filepath.Join(pki, "bob.p12"), "trousseau-bob", "bob@grenoble-inp.example", false, false},
		{"legacy p12", filepath.Join(pki, "alice-legacy.p12"), "trousseau-alice", "alice@grenoble-inp.example", false, false},
		{"wrong password", filepath.Join(pki, "bob.p12"), "nope", "", true, true},
		{"no password", filepath.Join(pki, "bob-legacy.p12"), "", "", true, true},
		{"pem key with .crt next to it", filepath.Join(pki, "bob.key"), "", "bob@grenoble-inp.example", false, false},
		{"pem key and cert in one file", both, "", "bob@grenoble-inp.example", false, false},
		{"pem key alone", lone, "", "", false, true},
		{"certificate only", filepath.Join(pki, "ca.crt"), "", "", false, true},
		{"missing file", filepath.Join(pki, "nobody.p12"), "", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadFile(tt.file, tt.pass)
			if tt.wantErr != (err != nil) {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got := errors.Is(err, ErrPassword); got != tt.wantPassErr {
				t.Fatalf("errors.Is(err, ErrPassword) = %v (%v), want %v", got, err, tt.wantPassErr)
			}
			if err != nil {
				return
			}
			if k.Name() != tt.email {
				t.Errorf("Name() = %q, want %q", k.Name(), tt.email)
			}
			if k.Priv == nil || k.Cert == nil {
				t.Fatal("key or certificate missing")
			}
		})
	}
}

func TestPasswordErrorSaysPassword(t *testing.T) {
	_, err := LoadFile(filepath.Join(pki, "bob.p12"), "nope")
	var pe *PasswordError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "wrong password") {
		t.Fatalf("error %v does not say it is the password", err)
	}
}

func TestCertificates(t *testing.T) {
	tests := []struct {
		file, pass, enc string
		n               int
	}{
		{"ca.crt", "", "PEM", 1},
		{"bob.p12", "trousseau-bob", "DER", 2},
		{"alice-legacy.p12", "trousseau-alice", "DER", 2},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join(pki, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		cs, enc, err := Certificates(tt.file, data, tt.pass)
		if err != nil || enc != tt.enc || len(cs) != tt.n {
			t.Errorf("%s: %d certificates, %s, %v; want %d, %s", tt.file, len(cs), enc, err, tt.n, tt.enc)
		}
	}
}

// A key store asking for billions of iterations is refused before any
// key derivation runs.
func TestHugeIterationCountRefused(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl is needed")
		}
		t.Skip("openssl not installed")
	}
	// The bound is lowered so that openssl makes the file quickly.
	defer func(n int64) { maxIterations = n }(maxIterations)
	maxIterations = 10000
	dir := t.TempDir()
	out := filepath.Join(dir, "slow.p12")
	cmd := exec.Command("openssl", "pkcs12", "-export", "-inkey", filepath.Join(pki, "bob.key"), "-in", filepath.Join(pki, "bob.crt"),
		"-passout", "pass:x", "-iter", "20000", "-maciter", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v %s", err, b)
	}
	start := time.Now()
	_, err := LoadFile(out, "x")
	if err == nil || !strings.Contains(err.Error(), "iterations") {
		t.Fatalf("err = %v, want the iteration count refused", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("refusing took %v", time.Since(start))
	}
	if _, err := LoadFile(filepath.Join(pki, "bob.p12"), "trousseau-bob"); err != nil {
		t.Fatalf("a normal key store is refused: %v", err)
	}
}

// TestErrorKinds: each refusal says its kind, so that the command line
// words it in the user's language, and names the file.
func TestErrorKinds(t *testing.T) {
	crt, err := os.ReadFile(filepath.Join(pki, "bob.crt"))
	if err != nil {
		t.Fatal(err)
	}
	encrypted := "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
	tests := []struct {
		name string
		err  error
		kind error
	}{
		{"PEM without a key", func() error { _, err := Load("k.pem", crt, ""); return err }(), ErrNoPrivateKey},
		{"encrypted PEM", func() error { _, err := Load("k.pem", []byte(encrypted), ""); return err }(), ErrEncryptedPEM},
		{"not a certificate", func() error { _, _, err := Certificates("k.pem", []byte("hello"), ""); return err }(), ErrUnknownFile},
		{"not PKCS#12", func() error { _, err := Load("k.p12", []byte("hello"), ""); return err }(), ErrNotPKCS12},
	}
	for _, tt := range tests {
		var e *Error
		if !errors.As(tt.err, &e) || !errors.Is(tt.err, tt.kind) || e.File != "k.pem" && e.File != "k.p12" {
			t.Errorf("%s: %v, want an *Error of kind %v naming the file", tt.name, tt.err, tt.kind)
		}
	}
}
