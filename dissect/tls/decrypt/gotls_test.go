package decrypt

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder keeps the bytes one side wrote.
type recorder struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	r.out.Write(b)
	r.mu.Unlock()
	return r.Conn.Write(b)
}

var (
	certOnce sync.Once
	rsaCert  tls.Certificate
	ecCert   tls.Certificate
)

func testCerts(t testing.TB) {
	certOnce.Do(func() {
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"mail.test"}}
		for _, k := range []struct {
			priv any
			pub  any
			out  *tls.Certificate
		}{{rk, &rk.PublicKey, &rsaCert}, {ek, &ek.PublicKey, &ecCert}} {
			der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.pub, k.priv)
			if err != nil {
				t.Fatal(err)
			}
			*k.out = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k.priv}
		}
	})
}

// session is one conversation run through crypto/tls: the bytes each side
// wrote, its key log and what was sent inside.
type session struct {
	client, server []byte
	keylog         string
	suite, version uint16
	clientMsgs     [][]byte
	serverMsgs     [][]byte
}

// runGoTLS runs a crypto/tls client and server over a pipe: they exchange
// msgs and close. It is the independent implementation the decryption is
// checked against.
func runGoTLS(t testing.TB, version, suite uint16, msgs []string) *session {
	testCerts(t)
	cc, sc := net.Pipe()
	crec, srec := &recorder{Conn: cc}, &recorder{Conn: sc}
	var keys bytes.Buffer
	cert := rsaCert
	if strings.Contains(tls.CipherSuiteName(suite), "ECDSA") {
		cert = ecCert
	}
	scfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: version, MaxVersion: version}
	ccfg := &tls.Config{InsecureSkipVerify: true, MinVersion: version, MaxVersion: version, KeyLogWriter: &keys}
	if suite != 0 && version != tls.VersionTLS13 {
		scfg.CipherSuites = []uint16{suite}
		ccfg.CipherSuites = []uint16{suite}
	}
	s := &session{}
	done := make(chan error, 1)
	go func() {
		srv := tls.Server(srec, scfg)
		for i, m := range msgs {
			if _, err := io.ReadFull(srv, make([]byte, len(m))); err != nil {
				done <- err
				return
			}
			reply := strings.Repeat("R", 10+i*7000)
			if _, err := srv.Write([]byte(reply)); err != nil {
				done <- err
				return
			}
			s.serverMsgs = append(s.serverMsgs, []byte(reply))
		}
		done <- srv.Close()
	}()
	cl := tls.Client(crec, ccfg)
	for i, m := range msgs {
		if _, err := cl.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
		s.clientMsgs = append(s.clientMsgs, []byte(m))
		if _, err := io.ReadFull(cl, make([]byte, 10+i*7000)); err != nil {
			t.Fatal(err)
		}
	}
	st := cl.ConnectionState()
	io.Copy(io.Discard, cl) // the server's close_notify
	cl.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.client, s.server = crec.out.Bytes(), srec.out.Bytes()
	s.keylog, s.suite, s.version = keys.String(), st.CipherSuite, st.Version
	return s
}

// records cuts a direction's bytes into records.
func records(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 5 {
		n := 5 + (int(b[3])<<8 | int(b[4]))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// keylogValue returns the secret of label in a key log.
func keylogValue(t testing.TB, log, label string) []byte {
	for _, l := range strings.Split(log, "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == label {
			b, _ := hex.DecodeString(f[2])
			return b
		}
	}
	t.Fatalf("no %s in %q", label, log)
	return nil
}

// opened decrypts a direction's records after its ChangeCipherSpec (TLS
// 1.2) and returns its application data and the types it saw.
func opened(t testing.TB, c *Cipher, recs [][]byte, tls13 bool) (app []byte, types []uint8) {
	on := tls13
	for _, r := range recs {
		if r[0] == 20 {
			on = true
			continue
		}
		if !on || (tls13 && r[0] != TypeApplicationData) {
			continue
		}
		typ, out, err := c.Open(nil, r[:5], r[5:])
		if err != nil {
			t.Fatalf("record %d (type %d, %d bytes): %v", c.Seq(), r[0], len(r), err)
		}
		types = append(types, typ)
		if typ == TypeApplicationData {
			app = append(app, out...)
		}
	}
	return app, types
}

func TestGoTLS12(t *testing.T) {
	for _, suite := range []uint16{
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	} {
		for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS10} {
			if version == tls.VersionTLS10 && !strings.HasSuffix(tls.CipherSuiteName(suite), "CBC_SHA") {
				continue
			}
			name := tls.CipherSuiteName(suite) + "/" + tls.VersionName(version)
			t.Run(name, func(t *testing.T) { checkGoTLS12(t, version, suite) })
		}
	}
}

func checkGoTLS12(t *testing.T, version, suite uint16) {
	msgs := []string{"a1 LOGIN alice secret\r\n", strings.Repeat("x", 20000)}
	s := runGoTLS(t, version, suite, msgs)
	if s.suite != suite || s.version != version {
		t.Fatalf("negotiated %x/%x", s.suite, s.version)
	}
	crecs, srecs := records(s.client), records(s.server)
	cr, sr := crecs[0][11:43], srecs[0][11:43]
	master := keylogValue(t, s.keylog, "CLIENT_RANDOM")
	for _, side := range []struct {
		client bool
		recs   [][]byte
		want   [][]byte
	}{{true, crecs, s.clientMsgs}, {false, srecs, s.serverMsgs}} {
		c, err := NewTLS12(suite, version, master, cr, sr, side.client, false)
		if err != nil {
			t.Fatal(err)
		}
		app, types := opened(t, c, side.recs, false)
		if !bytes.Equal(app, bytes.Join(side.want, nil)) {
			t.Errorf("client %v: application data of %d bytes differs from the %d sent", side.client, len(app), len(bytes.Join(side.want, nil)))
		}
		if len(types) == 0 || types[0] != TypeHandshake || types[len(types)-1] != TypeAlert {
			t.Errorf("client %v: record types %v, want Finished first and close_notify last", side.client, types)
		}
	}
}

func TestGoTLS13(t *testing.T) {
	msgs := []string{"a1 LOGIN alice secret\r\n", strings.Repeat("y", 40000)}
	s := runGoTLS(t, tls.VersionTLS13, 0, msgs)
	crecs, srecs := records(s.client), records(s.server)
	for _, side := range []struct {
		hs, app string
		recs    [][]byte
		want    [][]byte
	}{
		{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", crecs, s.clientMsgs},
		{"SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0", srecs, s.serverMsgs},
	} {
		hs, err := NewTLS13(s.suite, keylogValue(t, s.keylog, side.hs))
		if err != nil {
			t.Fatal(err)
		}
		var enc [][]byte
		for _, r := range side.recs {
			if r[0] == TypeApplicationData {
				enc = append(enc, r)
			}
		}
		// Handshake records until the Finished message, then the
		// application secret.
		i := 0
		for ; i < len(enc); i++ {
			typ, out, err := hs.Open(nil, enc[i][:5], enc[i][5:])
			if err != nil || typ != TypeHandshake {
				t.Fatalf("%s record %d: %v type %d", side.hs, i, err, typ)
			}
			if bytes.Contains(out, []byte{20, 0, 0, 32}) {
				break
			}
		}
		app, err := NewTLS13(s.suite, keylogValue(t, s.keylog, side.app))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := opened(t, app, enc[i+1:], true)
		if !bytes.Equal(got, bytes.Join(side.want, nil)) {
			t.Errorf("%s: %d bytes of application data, want %d", side.app, len(got), len(bytes.Join(side.want, nil)))
		}
	}
}

// BenchmarkOpen measures decryption throughput on full 16 KiB records.
func BenchmarkOpen(b *testing.B) {
	payload := bytes.Repeat([]byte("MAIL FROM:<alice@example.org>\r\n"), 10000)
	for _, suite := range []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA} {
		s := runGoTLS(b, tls.VersionTLS12, suite, []string{string(payload)})
		crecs, srecs := records(s.client), records(s.server)
		master := keylogValue(b, s.keylog, "CLIENT_RANDOM")
		var rec []byte
		var at int
		for i, r := range crecs {
			if r[0] == TypeApplicationData && len(r) > 16000 {
				rec, at = r, i
				break
			}
		}
		if rec == nil {
			b.Fatal("no full record")
		}
		b.Run(tls.CipherSuiteName(suite), func(b *testing.B) {
			b.SetBytes(int64(len(rec) - 5))
			dst := make([]byte, 0, 1<<15)
			c, err := NewTLS12(suite, tls.VersionTLS12, master, crecs[0][11:43], srecs[0][11:43], true, false)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				// The sequence number of the record.
				c.seq = uint64(at - ccsIndex(crecs) - 1)
				if _, _, err := c.Open(dst[:0], rec[:5], rec[5:]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ccsIndex(recs [][]byte) int {
	for i, r := range recs {
		if r[0] == 20 {
			return i
		}
	}
	return -1
}
