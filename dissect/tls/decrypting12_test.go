package tls

import (
	"bytes"
	gotls "crypto/tls"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// tls12Session runs crypto/tls (TLS 1.2, one suite) and returns the bytes
// both sides wrote, cut into segments of size, with the client's key log.
func tls12Session(t *testing.T, suite uint16, size int) ([]chunk, *keylog.Log) {
	t.Helper()
	cert := certificate(t, "mail.example.test", []string{"mail.example.test"}, captureTime.AddDate(0, -1, 0), captureTime.AddDate(1, 0, 0))
	var keys bytes.Buffer
	chunks, st := handshake(t,
		&gotls.Config{InsecureSkipVerify: true, MaxVersion: gotls.VersionTLS12, CipherSuites: []uint16{suite}, KeyLogWriter: &keys},
		&gotls.Config{Certificates: []gotls.Certificate{cert}, CipherSuites: []uint16{suite}})
	if st == nil || st.CipherSuite != suite {
		t.Fatalf("handshake: %+v", st)
	}
	l := keylog.New()
	if w := l.Add(keys.Bytes(), "go"); len(w) > 0 || l.Len() != 1 {
		t.Fatalf("key log %q: %q", keys.String(), w)
	}
	var out []chunk
	for _, c := range chunks {
		for b := c.data; len(b) > 0; {
			n := min(size, len(b))
			out = append(out, chunk{dir: c.dir, data: b[:n]})
			b = b[n:]
		}
	}
	return out, l
}

func TestDecryptTLS12(t *testing.T) {
	for _, suite := range []uint16{gotls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, gotls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		gotls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA} {
		for _, size := range []int{1 << 16, 3} {
			t.Run(gotls.CipherSuiteName(suite), func(t *testing.T) {
				chunks, keys := tls12Session(t, suite, size)
				s, rec, col := decrypted(t, keys, chunks)
				if got := col.text(stream.ClientToServer); got != "a1 NOOP\r\n" {
					t.Errorf("client plaintext %q", got)
				}
				if got := col.text(stream.ServerToClient); got != "* OK a1 NOOP\r\n" {
					t.Errorf("server plaintext %q", got)
				}
				if len(s.Warnings) > 0 || !s.Decrypted || !rec.Decrypted || !rec.HandshakeCompleted {
					t.Errorf("warnings %q, decrypted %v/%v", s.Warnings, s.Decrypted, rec.Decrypted)
				}
			})
		}
	}
}

// TestTamperedRecord changes one byte of the client's application record:
// its direction stops with one "does not match" warning, the server's
// records still open.
func TestTamperedRecord(t *testing.T) {
	chunks, keys := tls12Session(t, gotls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 1<<16)
	last := -1
	for i, c := range chunks {
		if c.dir == stream.ClientToServer && c.data[0] == typeApplicationData {
			last = i
		}
	}
	if last < 0 {
		t.Fatal("no client application record")
	}
	data := append([]byte(nil), chunks[last].data...)
	data[len(data)-1] ^= 0x80
	chunks[last].data = data
	s, _, col := decrypted(t, keys, chunks)
	if got := col.text(stream.ClientToServer); got != "" {
		t.Errorf("client plaintext %q from a tampered record", got)
	}
	if got := col.text(stream.ServerToClient); got != "* OK a1 NOOP\r\n" {
		t.Errorf("server plaintext %q", got)
	}
	n := 0
	for _, w := range recordtest.Texts(s.Warnings) {
		if strings.Contains(w, "this key log does not match this session") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("warnings %q, want one saying the key log does not match", s.Warnings)
	}
}
