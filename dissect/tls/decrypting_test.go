package tls

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls/decrypt"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// sealer protects TLS 1.3 records (TLS_AES_128_GCM_SHA256) the way a
// sender does, so that tests can build conversations record by record.
type sealer struct {
	secret []byte
	aead   cipher.AEAD
	iv     []byte
	seq    uint64
}

func newSealer(secret []byte) *sealer {
	s := &sealer{}
	s.set(secret)
	return s
}

func (s *sealer) set(secret []byte) {
	s.secret = secret
	b, _ := aes.NewCipher(decrypt.ExpandLabel(sha256.New, secret, "key", nil, 16))
	s.aead, _ = cipher.NewGCM(b)
	s.iv = decrypt.ExpandLabel(sha256.New, secret, "iv", nil, 12)
	s.seq = 0
}

func (s *sealer) update() {
	s.set(decrypt.ExpandLabel(sha256.New, s.secret, "traffic upd", nil, 32))
}

func (s *sealer) seal(typ uint8, content []byte) []byte {
	inner := append(append([]byte(nil), content...), typ)
	n := len(inner) + s.aead.Overhead()
	hdr := []byte{23, 3, 3, byte(n >> 8), byte(n)}
	nonce := append([]byte(nil), s.iv...)
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], s.seq)
	for i := range seq {
		nonce[4+i] ^= seq[i]
	}
	s.seq++
	return s.aead.Seal(hdr, nonce, inner, hdr)
}

func hsMsg(typ uint8, body []byte) []byte {
	var b cryptobyte.Builder
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(body) })
	return b.BytesOrPanic()
}

// secrets13 are the four traffic secrets of the built conversation.
type secrets13 struct{ cHS, sHS, cApp, sApp []byte }

func newSecrets(seed byte) secrets13 {
	mk := func(n byte) []byte { return bytes.Repeat([]byte{seed + n}, 32) }
	return secrets13{mk(1), mk(2), mk(3), mk(4)}
}

// keyLogFor writes the key log of the built conversation, whose client
// random is all zeros.
func keyLogFor(s secrets13) *keylog.Log {
	r := strings.Repeat("00", 32)
	l := keylog.New()
	l.Add([]byte(fmt.Sprintf("CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %x\nSERVER_HANDSHAKE_TRAFFIC_SECRET %s %x\n"+
		"CLIENT_TRAFFIC_SECRET_0 %s %x\nSERVER_TRAFFIC_SECRET_0 %s %x\n", r, s.cHS, r, s.sHS, r, s.cApp, r, s.sApp)), "test")
	return l
}

// exchange is one record of the built conversation, with the plaintext
// it carries when it is application data.
type exchange struct {
	dir   stream.Direction
	rec   []byte
	plain string
}

// conversation13 builds a TLS 1.3 IMAP session: hellos, the server's
// encrypted flight with its certificate, both Finished, a login, a client
// KeyUpdate and commands under the updated key.
func conversation13(t testing.TB, s secrets13) []exchange { return conversationN(t, s, 0) }

// conversationN is conversation13 followed by n server records of 16 KiB.
func conversationN(t testing.TB, s secrets13, n int) []exchange {
	c2s, s2c := stream.ClientToServer, stream.ServerToClient
	ch := hello{version: 0x0303, ciphers: []uint16{0x1301}, extensions: []uint16{extSupportedVersions}, versions: []uint16{0x0304}}
	cert := certificate(t, "mail.example.org", []string{"mail.example.org"}, captureTime.Add(-time.Hour), captureTime.Add(time.Hour))
	var cm cryptobyte.Builder
	cm.AddUint8(0) // request context
	cm.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(cert.Certificate[0]) })
		b.AddUint16(0)
	})
	cHS, sHS, cApp, sApp := newSealer(s.cHS), newSealer(s.sHS), newSealer(s.cApp), newSealer(s.sApp)
	flight := append(append(hsMsg(8, []byte{0, 0}), hsMsg(msgCertificate, cm.BytesOrPanic())...), hsMsg(15, make([]byte, 8))...)
	var out []exchange
	add := func(dir stream.Direction, rec []byte, plain string) { out = append(out, exchange{dir, rec, plain}) }
	add(c2s, records(typeHandshake, ch.message(), 1<<14), "")
	add(s2c, records(typeHandshake, serverHelloMsg(0x0303, 0x1301, 0x0304), 1<<14), "")
	add(s2c, sHS.seal(typeHandshake, flight), "")
	add(s2c, sHS.seal(typeHandshake, hsMsg(msgFinished, make([]byte, 32))), "")
	add(s2c, sApp.seal(typeHandshake, hsMsg(4, make([]byte, 20))), "") // NewSessionTicket
	add(c2s, cHS.seal(typeHandshake, hsMsg(msgFinished, make([]byte, 32))), "")
	add(s2c, sApp.seal(typeApplicationData, []byte("* OK IMAP ready\r\n")), "* OK IMAP ready\r\n")
	add(c2s, cApp.seal(typeApplicationData, []byte("a1 LOGIN alice secret\r\n")), "a1 LOGIN alice secret\r\n")
	add(s2c, sApp.seal(typeApplicationData, []byte("a1 OK Logged in\r\n")), "a1 OK Logged in\r\n")
	add(c2s, cApp.seal(typeHandshake, hsMsg(msgKeyUpdate, []byte{0})), "")
	cApp.update()
	add(c2s, cApp.seal(typeApplicationData, []byte("a2 SELECT INBOX\r\n")), "a2 SELECT INBOX\r\n")
	add(s2c, sApp.seal(typeApplicationData, []byte("* 2 EXISTS\r\na2 OK done\r\n")), "* 2 EXISTS\r\na2 OK done\r\n")
	big := strings.Repeat("x", 9000) + "\r\n"
	add(c2s, cApp.seal(typeApplicationData, []byte(big)), big)
	line := "* 1 FETCH (BODY[] {40}\r\nSubject: hello there, how are you\r\n)\r\n"
	body := strings.Repeat(line, 1<<14/len(line)+1)[:1<<14]
	for range n {
		add(s2c, sApp.seal(typeApplicationData, []byte(body)), body)
	}
	return out
}

// collector is the inner dissector of the tests: it keeps the plaintext
// events it is given.
type collector struct {
	events []stream.Event
	closed bool
}

func (c *collector) Handle(ev *stream.Event) {
	cp := *ev
	cp.Data = append([]byte(nil), ev.Data...)
	c.events = append(c.events, cp)
}

func (c *collector) Close(time.Time, int64) { c.closed = true }

func (c *collector) text(dir stream.Direction) string {
	var b strings.Builder
	for _, e := range c.events {
		if e.Dir == dir {
			b.Write(e.Data)
		}
	}
	return b.String()
}

// decrypted runs chunks (one frame each) through a decrypting handler.
func decrypted(t *testing.T, keys *keylog.Log, chunks []chunk) (*session.Session, *record.TLS, *collector) {
	t.Helper()
	flow := stream.Flow{Client: netip.MustParseAddrPort("192.0.2.1:50000"), Server: netip.MustParseAddrPort("192.0.2.2:993"), Transport: "tcp"}
	var rec *record.TLS
	s := session.New("s1", flow, session.DefaultLimits(), func(r record.Record) {
		if x, ok := r.(*record.TLS); ok {
			rec = x
		}
	}, nil)
	col := &collector{}
	h := NewDecrypting(s, true, Decryption{Keys: keys, Inner: func(*session.Session) stream.Handler { return col }})
	for i, c := range chunks {
		h.Handle(&stream.Event{Dir: c.dir, Data: c.data, Frame: int64(i + 1), Time: captureTime, Gap: c.gap})
	}
	h.Close(captureTime.Add(time.Second), int64(len(chunks)))
	return s, rec, col
}

// segmentsOf cuts each record into segments of at most size bytes.
func segmentsOf(ex []exchange, size int) []chunk {
	var out []chunk
	for _, e := range ex {
		for b := e.rec; len(b) > 0; {
			n := min(size, len(b))
			out = append(out, chunk{dir: e.dir, data: b[:n]})
			b = b[n:]
		}
	}
	return out
}

func want(ex []exchange, dir stream.Direction) string {
	var b strings.Builder
	for _, e := range ex {
		if e.dir == dir {
			b.WriteString(e.plain)
		}
	}
	return b.String()
}

func TestDecryptBuiltConversation(t *testing.T) {
	sec := newSecrets(0x10)
	ex := conversation13(t, sec)
	for _, size := range []int{1 << 16, 1000, 7, 1} {
		t.Run(fmt.Sprintf("segments of %d bytes", size), func(t *testing.T) {
			chunks := segmentsOf(ex, size)
			s, rec, col := decrypted(t, keyLogFor(sec), chunks)
			for _, dir := range []stream.Direction{stream.ClientToServer, stream.ServerToClient} {
				if got := col.text(dir); got != want(ex, dir) {
					t.Errorf("%s plaintext %q…, want %q…", dir, trim(got), trim(want(ex, dir)))
				}
			}
			if len(s.Warnings) > 0 {
				t.Errorf("warnings %q", s.Warnings)
			}
			if !s.Decrypted || rec == nil || !rec.Decrypted || !strings.HasSuffix(rec.CertSubject, "CN=mail.example.org") || !rec.HandshakeCompleted {
				t.Errorf("session decrypted %v, tls record %+v", s.Decrypted, rec)
			}
			if !col.closed {
				t.Error("inner dissector not closed")
			}
			// Each event is at the frame that completed its record.
			ends := map[int64]bool{}
			n := 0
			for _, e := range ex {
				n += (len(e.rec) + size - 1) / size
				ends[int64(n)] = true
			}
			for _, e := range col.events {
				if !ends[e.Frame] {
					t.Errorf("event %q at frame %d, which completes no record", trim(string(e.Data)), e.Frame)
				}
			}
		})
	}
}

func trim(s string) string { return s[:min(len(s), 40)] }

// TestMissingSegmentInsideRecord loses the middle of the client's login
// record: the client direction stops being decrypted with a warning, the
// server direction goes on.
func TestMissingSegmentInsideRecord(t *testing.T) {
	sec := newSecrets(0x20)
	ex := conversation13(t, sec)
	chunks := segmentsOf(ex, 10)
	// Find the segments of the LOGIN record and drop one in its middle.
	n := 0
	for _, e := range ex {
		k := (len(e.rec) + 9) / 10
		if strings.HasPrefix(e.plain, "a1 LOGIN") {
			mid := n + k/2
			chunks[mid] = chunk{dir: e.dir, gap: len(chunks[mid].data)}
			break
		}
		n += k
	}
	s, _, col := decrypted(t, keyLogFor(sec), chunks)
	if got := col.text(stream.ClientToServer); got != "" {
		t.Errorf("client plaintext %q after a gap inside its first record", got)
	}
	if got := col.text(stream.ServerToClient); got != want(ex, stream.ServerToClient) {
		t.Errorf("server plaintext %q, want %q", got, want(ex, stream.ServerToClient))
	}
	if !hasWarning(s, "client bytes missing; decryption of that direction ends here", 1) {
		t.Errorf("warnings %q", s.Warnings)
	}
	gaps := 0
	for _, e := range col.events {
		if e.Gap > 0 && e.Dir == stream.ClientToServer {
			gaps++
		}
	}
	if gaps != 1 {
		t.Errorf("%d gap events given to the inner dissector, want 1", gaps)
	}
}

func hasWarning(s *session.Session, part string, n int) bool {
	c := 0
	for _, w := range recordtest.Texts(s.Warnings) {
		if strings.Contains(w, part) {
			c++
		}
	}
	return c == n
}

func TestWrongOrMissingSecrets(t *testing.T) {
	sec := newSecrets(0x30)
	ex := conversation13(t, sec)
	other := keylog.New()
	other.Add([]byte("CLIENT_RANDOM "+strings.Repeat("11", 32)+" "+strings.Repeat("22", 48)), "other")
	noApp := keylog.New()
	r := strings.Repeat("00", 32)
	noApp.Add([]byte(fmt.Sprintf("CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %x\nSERVER_HANDSHAKE_TRAFFIC_SECRET %s %x\n", r, sec.cHS, r, sec.sHS)), "x")
	tests := []struct {
		name     string
		keys     *keylog.Log
		warning  string
		count    int
		certSeen bool
	}{
		{"secrets of another session", keyLogFor(newSecrets(0x40)), "does not decrypt (record authentication failed): this key log does not match this session (client random 0000", 1, false},
		{"no line for the client random", other, "no secret in the key log matches this session (client random " + r + ")", 1, false},
		{"handshake secrets only", noApp, "has no SERVER_TRAFFIC_SECRET_0 line", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec, col := decrypted(t, tt.keys, segmentsOf(ex, 100))
			if len(col.events) > 0 {
				t.Errorf("plaintext given: %q", col.events[0].Data)
			}
			if !hasWarning(s, tt.warning, tt.count) {
				t.Errorf("warnings %q, want %d containing %q", s.Warnings, tt.count, tt.warning)
			}
			if (rec.CertSubject != "") != tt.certSeen {
				t.Errorf("certificate %q", rec.CertSubject)
			}
		})
	}
}

// TestNoKeyLogUnchanged checks that the decrypting handler without a key
// log emits exactly what New does.
func TestNoKeyLogUnchanged(t *testing.T) {
	ex := conversation13(t, newSecrets(0x50))
	chunks := segmentsOf(ex, 50)
	s1, rec1, _ := decrypted(t, nil, chunks)
	res := run(t, true, chunks)
	if len(res.tls) != 1 || fmt.Sprintf("%+v", *res.tls[0]) != fmt.Sprintf("%+v", *rec1) ||
		strings.Join(recordtest.Texts(s1.Warnings), "|") != strings.Join(recordtest.Texts(res.sess.Warnings), "|") {
		t.Errorf("with no key log:\n %+v\nwant\n %+v", rec1, res.tls)
	}
	if s1.Decrypted || rec1.Decrypted {
		t.Error("decrypted without a key log")
	}
}
