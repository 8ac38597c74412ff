package message

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand"
	"testing"
)

// FuzzPart: a part's body given in any pieces reads as the whole body
// does with the decoder of a message's attachments.
func FuzzPart(f *testing.F) {
	f.Add([]byte("R0lGODlh\r\nAQAB\r\n"), uint8(0), int64(1), int64(0))
	f.Add([]byte("Caf=C3=A9 cr=\r\n=C3=A8me\r\n"), uint8(1), int64(2), int64(5))
	f.Add([]byte("GIF89a\x00\x01"), uint8(2), int64(3), int64(3))
	f.Fuzz(func(t *testing.T, body []byte, enc uint8, seed, limit int64) {
		name := []string{"base64", "quoted-printable", "binary", "x-unknown"}[enc%4]
		limit %= 1 << 20
		whole, _ := decoder(name, body)
		want, err := io.ReadAll(whole)
		if err != nil {
			t.Fatal(err)
		}
		hashed := want
		if limit > 0 && int64(len(hashed)) > limit {
			hashed = hashed[:limit]
		}
		sum := sha256.Sum256(hashed)

		p := NewPart(name, limit)
		rng := rand.New(rand.NewSource(seed))
		for rest := body; len(rest) > 0; {
			n := 1 + rng.Intn(len(rest))
			p.Write(rest[:n])
			rest = rest[n:]
		}
		size, got, cut := p.End()
		if size != int64(len(want)) || got != hex.EncodeToString(sum[:]) || cut != (len(hashed) < len(want)) {
			t.Fatalf("%s: size %d cut %v, want %d bytes (%d hashed)", name, size, cut, len(want), len(hashed))
		}
	})
}
