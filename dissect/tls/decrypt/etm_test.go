package decrypt

import (
	"bytes"
	"crypto/cipher"
	"crypto/hmac"
	"encoding/binary"
	"testing"
)

// sealETM builds an encrypt-then-MAC record (RFC 7366) with the keys of c:
// CBC over the padded plaintext, then HMAC over the IV and ciphertext.
func sealETM(c *Cipher, seq uint64, typ uint8, plain []byte) []byte {
	bs := c.block.BlockSize()
	pad := bs - (len(plain)+1)%bs
	p := append(append([]byte(nil), plain...), bytes.Repeat([]byte{byte(pad)}, pad+1)...)
	iv := bytes.Repeat([]byte{7}, bs)
	ct := make([]byte, len(p))
	cipher.NewCBCEncrypter(c.block, iv).CryptBlocks(ct, p)
	body := append(append([]byte(nil), iv...), ct...)
	hdr := []byte{typ, 3, 3, 0, 0}
	var ad [13]byte
	binary.BigEndian.PutUint64(ad[:8], seq)
	copy(ad[8:11], hdr[:3])
	binary.BigEndian.PutUint16(ad[11:], uint16(len(body)))
	m := hmac.New(c.suite.mac, c.macKey)
	m.Write(ad[:])
	m.Write(body)
	body = m.Sum(body)
	binary.BigEndian.PutUint16(hdr[3:], uint16(len(body)))
	return append(hdr, body...)
}

func TestEncryptThenMAC(t *testing.T) {
	master := bytes.Repeat([]byte{0x42}, 48)
	cr, sr := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	for _, suite := range []uint16{0xC013, 0xC028, 0x003C} {
		seal, _ := NewTLS12(suite, VersionTLS12, master, cr, sr, true, true)
		open, _ := NewTLS12(suite, VersionTLS12, master, cr, sr, true, true)
		for seq, msg := range []string{"a1 LOGIN alice secret\r\n", "", "0123456789abcdef"} {
			rec := sealETM(seal, uint64(seq), TypeApplicationData, []byte(msg))
			typ, out, err := open.Open(nil, rec[:5], rec[5:])
			if err != nil || typ != TypeApplicationData || string(out) != msg {
				t.Errorf("suite %04X record %d: %v type %d %q", suite, seq, err, typ, out)
			}
		}
		// Without the extension the same record does not verify.
		mte, _ := NewTLS12(suite, VersionTLS12, master, cr, sr, true, false)
		rec := sealETM(seal, 0, TypeApplicationData, []byte("hello"))
		if _, _, err := mte.Open(nil, rec[:5], rec[5:]); err == nil {
			t.Errorf("suite %04X: an encrypt-then-MAC record opened as MAC-then-encrypt", suite)
		}
		// A flipped bit fails the MAC.
		fresh, _ := NewTLS12(suite, VersionTLS12, master, cr, sr, true, true)
		rec[len(rec)-20] ^= 1
		if _, _, err := fresh.Open(nil, rec[:5], rec[5:]); err != ErrAuth {
			t.Errorf("suite %04X: corrupted record: %v", suite, err)
		}
	}
}
