package decrypt

import (
	"testing"
)

// FuzzOpen feeds hostile records to every kind of cipher: none may panic,
// and a record that fails must leave the sequence number alone.
func FuzzOpen(f *testing.F) {
	rec := unhex(rfcClientAppRecord)
	f.Add(uint8(0), rec)
	f.Add(uint8(1), []byte{23, 3, 3, 0, 0})
	f.Add(uint8(4), append([]byte{23, 3, 1, 0, 32}, make([]byte, 32)...))
	master := make([]byte, 48)
	r := make([]byte, 32)
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		if len(b) < 5 {
			return
		}
		var c *Cipher
		var err error
		switch which % 7 {
		case 0:
			c, err = NewTLS13(0x1301, unhex(rfcClientApp))
		case 1:
			c, err = NewTLS13(0x1303, unhex(rfcClientApp))
		case 2:
			c, err = NewTLS12(0xC02F, VersionTLS12, master, r, r, true, false)
		case 3:
			c, err = NewTLS12(0xCCA8, VersionTLS12, master, r, r, false, false)
		case 4:
			c, err = NewTLS12(0xC013, VersionTLS10, master, r, r, true, false)
		case 5:
			c, err = NewTLS12(0xC028, VersionTLS12, master, r, r, true, true)
		case 6:
			c, err = NewTLS12(0x003C, VersionTLS12, master, r, r, false, false)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, out, err := c.Open(nil, b[:5], b[5:])
		if err != nil && (c.Seq() != 0 || len(out) != 0) {
			t.Fatalf("failed record: seq %d, %d bytes out", c.Seq(), len(out))
		}
		if err == nil && len(out) > len(b) {
			t.Fatalf("%d bytes of plaintext from %d", len(out), len(b))
		}
	})
}
