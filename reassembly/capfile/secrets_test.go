package capfile

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

const tlsKeys = "CLIENT_RANDOM 213da648daa1f02e8e114f104b56429480f6541342cf506553dd249844dd16dc " +
	"065a03db113c72b6eeb0c4814651fd800b82d24aa596a29f290cefb5d2c39c1495062b303b2ad0e3ccd9f31c44a9617b"

// ngWithSecrets writes a pcapng file: a DSB of each given type and
// payload before the packets, and one more after the first packet.
func ngWithSecrets(t *testing.T, order []uint32, payloads []string, late string) []byte {
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	for i, typ := range order {
		if err := w.WriteDecryptionSecretsBlock(typ, []byte(payloads[i])); err != nil {
			t.Fatal(err)
		}
	}
	pkt := make([]byte, 60)
	ci := gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), CaptureLength: 60, Length: 60}
	if err := w.WritePacket(ci, pkt); err != nil {
		t.Fatal(err)
	}
	if late != "" {
		if err := w.WriteDecryptionSecretsBlock(secretsTLSK, []byte(late)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WritePacket(ci, pkt); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecryptionSecretsBlocks(t *testing.T) {
	tests := []struct {
		name     string
		types    []uint32
		payloads []string
		late     string
		gzip     bool
		early    bool     // HasTLSKeyLog once opened
		want     []string // key logs given to the callback, in order
	}{
		{name: "one TLS block", types: []uint32{secretsTLSK}, payloads: []string{tlsKeys}, early: true, want: []string{tlsKeys + "\n"}},
		{name: "odd length, padded", types: []uint32{secretsTLSK}, payloads: []string{tlsKeys + "\n#x"}, early: true, want: []string{tlsKeys + "\n#x\n"}},
		{name: "other secret types skipped", types: []uint32{0x57474b4c, secretsTLSK}, payloads: []string{"wireguard", tlsKeys},
			early: true, want: []string{tlsKeys + "\n"}},
		{name: "gzip", types: []uint32{secretsTLSK}, payloads: []string{tlsKeys}, gzip: true, early: true, want: []string{tlsKeys + "\n"}},
		// A small file is read ahead whole: the later block is already known.
		{name: "late block", types: []uint32{secretsTLSK}, payloads: []string{"# first"}, late: tlsKeys, early: true,
			want: []string{"# first\n" + tlsKeys + "\n"}},
		{name: "none", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ngWithSecrets(t, tt.types, tt.payloads, tt.late)
			if tt.gzip {
				var z bytes.Buffer
				zw := gzip.NewWriter(&z)
				zw.Write(b)
				zw.Close()
				b = z.Bytes()
			}
			r, err := NewReader("x.pcapng", bytes.NewReader(b), nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.HasTLSKeyLog() != tt.early {
				t.Errorf("HasTLSKeyLog = %v, want %v", r.HasTLSKeyLog(), tt.early)
			}
			var got []string
			r.TLSKeyLog(func(k []byte) { got = append(got, string(k)) })
			n := 0
			for {
				if _, _, _, err := r.Next(); err == io.EOF {
					break
				}
				n++
			}
			if n != 2 || r.Err != nil {
				t.Fatalf("read %d packets, err %v", n, r.Err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("key logs %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSecretsTap(f *testing.F) {
	f.Add(ngWithSecretsF(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		tap := &secretsTap{r: bytes.NewReader(b)}
		io.Copy(io.Discard, io.LimitReader(tap, 1<<20))
		if len(tap.keys) > maxSecretBytes+len(b) {
			t.Fatalf("%d bytes of secrets from %d", len(tap.keys), len(b))
		}
	})
}

func ngWithSecretsF(f *testing.F) []byte {
	var buf bytes.Buffer
	w, _ := pcapgo.NewNgWriter(&buf, layers.LinkTypeEthernet)
	w.WriteDecryptionSecretsBlock(secretsTLSK, []byte(tlsKeys))
	w.Flush()
	return buf.Bytes()
}
