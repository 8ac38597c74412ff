package decrypt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// RFC 8448 section 3 (Simple 1-RTT Handshake, TLS_AES_128_GCM_SHA256).
const (
	rfcServerHS  = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"
	rfcClientHS  = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"
	rfcClientApp = "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"
	rfcServerApp = "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"

	rfcClientFinished = `17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c
		56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c
		ae ac ab 68 67 d7 26 c4 05 46`
	rfcClientAppRecord = `17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55
		cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b
		62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4`
	rfcServerAppRecord = `17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4
		a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3 0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8
		fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 ab f3 32 54 0d d0 32 e1 67 c2 95 5d`
	rfcClientAlert = "17 03 03 00 13 c9 87 27 60 65 56 66 b7 4d 7f f1 15 3e fd 6d b6 d0 b0 e3"
)

func TestExpandLabelRFC8448(t *testing.T) {
	tests := []struct {
		secret, label string
		n             int
		want          string
	}{
		{rfcServerHS, "key", 16, "3fce516009c21727d0f2e4e86ee403bc"},
		{rfcServerHS, "iv", 12, "5d313eb2671276ee13000b30"},
		{rfcServerHS, "finished", 32, "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8"},
		{rfcClientHS, "key", 16, "dbfaa693d1762c5b666af5d950258d01"},
		{rfcClientHS, "iv", 12, "5bd3c71b836e0b76bb73265f"},
		{rfcClientApp, "key", 16, "17422dda596ed5d9acd890e3c63f5051"},
		{rfcClientApp, "iv", 12, "5b78923dee08579033e523d9"},
		{rfcServerApp, "key", 16, "9f02283b6c9c07efc26bb9f2ac92e356"},
		{rfcServerApp, "iv", 12, "cf782b88dd83549aadf1e984"},
	}
	for _, tt := range tests {
		got := ExpandLabel(sha256.New, unhex(tt.secret), tt.label, nil, tt.n)
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s of %s… = %x, want %s", tt.label, tt.secret[:8], got, tt.want)
		}
	}
}

func TestOpenRFC8448(t *testing.T) {
	payload := make([]byte, 50)
	for i := range payload {
		payload[i] = byte(i)
	}
	tests := []struct {
		name     string
		secret   string
		seq      uint64
		record   string
		wantType uint8
		want     []byte // nil: check only the first bytes below
		prefix   string
	}{
		{name: "client finished", secret: rfcClientHS, record: rfcClientFinished, wantType: TypeHandshake, prefix: "14000020"},
		{name: "client application data", secret: rfcClientApp, record: rfcClientAppRecord, wantType: TypeApplicationData, want: payload},
		{name: "server application data after a ticket", secret: rfcServerApp, seq: 1, record: rfcServerAppRecord, wantType: TypeApplicationData, want: payload},
		{name: "client close_notify", secret: rfcClientApp, seq: 1, record: rfcClientAlert, wantType: TypeAlert, want: []byte{1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewTLS13(0x1301, unhex(tt.secret))
			if err != nil {
				t.Fatal(err)
			}
			c.seq = tt.seq
			rec := unhex(tt.record)
			typ, out, err := c.Open(nil, rec[:5], rec[5:])
			if err != nil {
				t.Fatal(err)
			}
			if typ != tt.wantType {
				t.Errorf("type %d, want %d", typ, tt.wantType)
			}
			if tt.want != nil && !bytes.Equal(out, tt.want) {
				t.Errorf("plaintext %x, want %x", out, tt.want)
			}
			if tt.prefix != "" && !strings.HasPrefix(hex.EncodeToString(out), tt.prefix) {
				t.Errorf("plaintext %x, want it to start with %s", out, tt.prefix)
			}
			if c.Seq() != tt.seq+1 {
				t.Errorf("seq %d after one record, want %d", c.Seq(), tt.seq+1)
			}
			// The same record again is at the wrong sequence number.
			if _, _, err := c.Open(nil, rec[:5], rec[5:]); err != ErrAuth {
				t.Errorf("replayed record: %v, want ErrAuth", err)
			}
			if c.Seq() != tt.seq+1 {
				t.Errorf("a failed record moved seq to %d", c.Seq())
			}
		})
	}
}

func TestWrongSecret(t *testing.T) {
	c, _ := NewTLS13(0x1301, unhex(rfcServerApp)) // the server's key for the client's record
	rec := unhex(rfcClientAppRecord)
	if _, _, err := c.Open(nil, rec[:5], rec[5:]); err != ErrAuth {
		t.Errorf("got %v, want ErrAuth", err)
	}
}

func TestKeyUpdate(t *testing.T) {
	secret := unhex(rfcClientApp)
	next := ExpandLabel(sha256.New, secret, "traffic upd", nil, 32)
	a, _ := NewTLS13(0x1301, secret)
	a.seq = 5
	if err := a.Update(); err != nil {
		t.Fatal(err)
	}
	b, _ := NewTLS13(0x1301, next)
	if a.Seq() != 0 || !bytes.Equal(a.iv, b.iv) || !bytes.Equal(a.secret, next) {
		t.Errorf("after update: seq %d, iv %x, want 0 and %x", a.Seq(), a.iv, b.iv)
	}
}

func TestConstructorErrors(t *testing.T) {
	if _, err := NewTLS13(0xC02F, unhex(rfcClientApp)); err == nil {
		t.Error("a TLS 1.2 suite accepted for TLS 1.3")
	}
	if _, err := NewTLS13(0x1302, unhex(rfcClientApp)); err == nil {
		t.Error("a 32-byte secret accepted for SHA-384")
	}
	r := make([]byte, 32)
	if _, err := NewTLS12(0x1301, VersionTLS12, make([]byte, 48), r, r, true, false); err == nil {
		t.Error("a TLS 1.3 suite accepted for TLS 1.2")
	}
	if _, err := NewTLS12(0xC02F, VersionTLS11, make([]byte, 48), r, r, true, false); err == nil {
		t.Error("GCM accepted before TLS 1.2")
	}
	if _, err := NewTLS12(0xC02F, VersionTLS12, make([]byte, 47), r, r, true, false); err == nil {
		t.Error("short master secret accepted")
	}
	if Supported(0x0005) || !Supported(0xCCA8) || !CBC(0xC013) || CBC(0xC02F) {
		t.Error("Supported/CBC disagree with the suite table")
	}
}

// TestPRF12 checks the TLS 1.2 PRF with the SHA-256 test vector that
// circulated on the TLS working group list for RFC 5246.
func TestPRF12(t *testing.T) {
	secret := unhex("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35")
	seed := unhex("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c")
	want := unhex(`e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 e6 1e db 5a
		6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af 0f a0 22 f7 07 7d ef 17 ab fd 37 97 c0 56 4b ab
		4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba a4 80 82 d1 22 ee 42 c5 a7 2e 5a 51 10 ff f7 01
		87 34 7b 66`)
	got := PRF(VersionTLS12, sha256.New, secret, "test label", seed, len(want))
	if !bytes.Equal(got, want) {
		t.Errorf("PRF = %x\nwant  %x", got, want)
	}
}
