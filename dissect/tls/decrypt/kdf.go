package decrypt

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"hash"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/hkdf"
)

// ExpandLabel is TLS 1.3's HKDF-Expand-Label (RFC 8446 7.1).
func ExpandLabel(h func() hash.Hash, secret []byte, label string, context []byte, n int) []byte {
	var b cryptobyte.Builder
	b.AddUint16(uint16(n))
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddBytes([]byte("tls13 "))
		b.AddBytes([]byte(label))
	})
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(context) })
	out := make([]byte, n)
	r := hkdf.Expand(h, secret, b.BytesOrPanic())
	if _, err := r.Read(out); err != nil {
		panic("hkdf: " + err.Error()) // only for n > 255 hash lengths
	}
	return out
}

// PRF is the pseudo-random function of TLS 1.2 (RFC 5246 5), P_hash with
// the suite's hash, or of TLS 1.0 and 1.1 (RFC 2246 5), P_MD5 XOR P_SHA1
// over the two halves of the secret.
func PRF(version uint16, h func() hash.Hash, secret []byte, label string, seed []byte, n int) []byte {
	ls := append([]byte(label), seed...)
	if version >= VersionTLS12 {
		return pHash(h, secret, ls, n)
	}
	half := (len(secret) + 1) / 2
	out := pHash(md5.New, secret[:half], ls, n)
	x := pHash(sha1.New, secret[len(secret)-half:], ls, n)
	for i := range out {
		out[i] ^= x[i]
	}
	return out
}

// pHash is P_hash(secret, seed): HMAC(secret, A(i) + seed) for A(0) =
// seed, A(i) = HMAC(secret, A(i-1)), concatenated up to n bytes.
func pHash(h func() hash.Hash, secret, seed []byte, n int) []byte {
	mac := hmac.New(h, secret)
	out := make([]byte, 0, n+mac.Size())
	mac.Write(seed)
	a := mac.Sum(nil)
	for len(out) < n {
		mac.Reset()
		mac.Write(a)
		mac.Write(seed)
		out = mac.Sum(out)
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(a[:0])
	}
	return out[:n]
}
