package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	gotls "crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
	"golang.org/x/crypto/cryptobyte"
)

// captureTime is when the test conversations "were captured".
var captureTime = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// chunk is one segment of a conversation.
type chunk struct {
	dir  stream.Direction
	data []byte
	gap  int
}

// result is what one conversation produced.
type result struct {
	sess     *session.Session
	tls      []*record.TLS
	findings []*record.Finding
}

func (r *result) finding(id string) *record.Finding {
	for _, f := range r.findings {
		if string(f.ID) == id {
			recordtest.RenderWarnings(f) // the English title and detail, from the catalogue
			return f
		}
	}
	return nil
}

// run feeds chunks as frames 1, 2, ... to a new handler and closes it.
func run(t testing.TB, implicit bool, chunks []chunk) *result {
	t.Helper()
	res := &result{}
	flow := stream.Flow{
		Client:    netip.MustParseAddrPort("192.0.2.1:50000"),
		Server:    netip.MustParseAddrPort("192.0.2.2:993"),
		Transport: "tcp",
	}
	emit := func(r record.Record) {
		switch r := r.(type) {
		case *record.TLS:
			res.tls = append(res.tls, r)
		case *record.Finding:
			res.findings = append(res.findings, r)
		default:
			t.Fatalf("unexpected record kind %s", r.Kind())
		}
	}
	res.sess = session.New("s1", flow, session.DefaultLimits(), emit, nil)
	if !implicit {
		res.sess.Upgraded()
	}
	h := New(res.sess, implicit)
	for i, c := range chunks {
		h.Handle(&stream.Event{Dir: c.dir, Data: c.data, Frame: int64(i + 1),
			Time: captureTime.Add(time.Duration(i) * time.Millisecond), Gap: c.gap})
	}
	h.Close(captureTime.Add(time.Second), int64(len(chunks)))
	return res
}

// recorder writes down every Write of one side of a connection.
type recorder struct {
	net.Conn
	dir stream.Direction
	mu  *sync.Mutex
	out *[]chunk
}

func (r recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	*r.out = append(*r.out, chunk{dir: r.dir, data: append([]byte(nil), p...)})
	r.mu.Unlock()
	return r.Conn.Write(p)
}

// handshake runs a real crypto/tls client and server over a loopback TCP
// connection (a pipe would deadlock when one side gives up while the other
// is still writing its flight), lets them exchange one line each way, and
// returns the bytes they wrote in order, with the client's view of the
// connection (nil when the handshake failed).
func handshake(t testing.TB, client, server *gotls.Config) ([]chunk, *gotls.ConnectionState) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var out []chunk
	done := make(chan error, 1)
	go func() {
		s, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer s.Close()
		sc := gotls.Server(recorder{s, stream.ServerToClient, &mu, &out}, server)
		if err := sc.Handshake(); err != nil {
			done <- err
			return
		}
		buf := make([]byte, 64)
		n, err := sc.Read(buf)
		if err == nil {
			_, err = sc.Write(append([]byte("* OK "), buf[:n]...))
		}
		done <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cc := gotls.Client(recorder{c, stream.ClientToServer, &mu, &out}, client)
	var state *gotls.ConnectionState
	if err := cc.Handshake(); err == nil {
		st := cc.ConnectionState()
		state = &st
		cc.Write([]byte("a1 NOOP\r\n"))
		buf := make([]byte, 64)
		cc.Read(buf)
	}
	// Close the socket itself: no close_notify, so that the recorded
	// bytes end with the exchange.
	c.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	return out, state
}

// certificate makes a self-signed ECDSA certificate for names, valid
// between from and to.
func certificate(t testing.TB, cn string, names []string, from, to time.Time) gotls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Lab"}},
		DNSNames:     names,
		NotBefore:    from,
		NotAfter:     to,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return gotls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// hello describes a ClientHello to build by hand.
type hello struct {
	version    uint16
	ciphers    []uint16
	extensions []uint16 // order on the wire; bodies come from the fields below
	sni        string
	alpn       []string
	groups     []uint16
	points     []uint8
	sigAlgs    []uint16
	versions   []uint16
}

// message builds the ClientHello handshake message (with its header).
func (h hello) message() []byte {
	var b cryptobyte.Builder
	b.AddUint8(msgClientHello)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(h.version)
		b.AddBytes(make([]byte, 32))
		b.AddUint8(0)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, c := range h.ciphers {
				b.AddUint16(c)
			}
		})
		b.AddUint8(1)
		b.AddUint8(0)
		if len(h.extensions) == 0 {
			return
		}
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, e := range h.extensions {
				b.AddUint16(e)
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { h.extension(b, e) })
			}
		})
	})
	return b.BytesOrPanic()
}

func (h hello) extension(b *cryptobyte.Builder, e uint16) {
	u16s := func(vs []uint16) func(*cryptobyte.Builder) {
		return func(b *cryptobyte.Builder) {
			for _, v := range vs {
				b.AddUint16(v)
			}
		}
	}
	switch e {
	case extServerName:
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint8(0)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(h.sni)) })
		})
	case extALPN:
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, p := range h.alpn {
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(p)) })
			}
		})
	case extSupportedGroups:
		b.AddUint16LengthPrefixed(u16s(h.groups))
	case extECPointFormats:
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(h.points) })
	case extSignatureAlgorithms:
		b.AddUint16LengthPrefixed(u16s(h.sigAlgs))
	case extSupportedVersions:
		b.AddUint8LengthPrefixed(u16s(h.versions))
	}
}

// records wraps handshake bytes in records of at most size bytes each.
func records(typ uint8, msg []byte, size int) []byte {
	var out []byte
	for len(msg) > 0 {
		n := min(size, len(msg))
		out = append(out, typ, 3, 1, byte(n>>8), byte(n))
		out = append(out, msg[:n]...)
		msg = msg[n:]
	}
	return out
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// serverHello builds a ServerHello handshake message; selected, when not
// zero, goes in a supported_versions extension (TLS 1.3).
func serverHelloMsg(version, cipher, selected uint16) []byte {
	var b cryptobyte.Builder
	b.AddUint8(msgServerHello)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(version)
		b.AddBytes(make([]byte, 32))
		b.AddUint8(0)
		b.AddUint16(cipher)
		b.AddUint8(0)
		if selected == 0 {
			return
		}
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint16(extSupportedVersions)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(selected) })
		})
	})
	return b.BytesOrPanic()
}
