package decrypt

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// kind is the record protection of a cipher suite.
type kind uint8

const (
	aesGCM kind = iota
	chacha
	aesCBC
)

// suite is what decryption needs to know of a cipher suite.
type suite struct {
	kind   kind
	keyLen int
	// mac is the record MAC of CBC suites; nil for AEAD suites.
	mac func() hash.Hash
	// prf is the hash of the TLS 1.2 PRF, or of the TLS 1.3 key schedule.
	prf   func() hash.Hash
	tls13 bool
}

func gcm(keyLen int, prf func() hash.Hash) suite {
	return suite{kind: aesGCM, keyLen: keyLen, prf: prf}
}
func cbc(keyLen int, mac func() hash.Hash) suite {
	prf := sha256.New
	if mac().Size() == sha512.Size384 {
		prf = sha512.New384
	}
	return suite{kind: aesCBC, keyLen: keyLen, mac: mac, prf: prf}
}

// suites are the cipher suites mail clients and servers negotiate that
// the standard library can decrypt. Suites of other key exchanges
// (RSA, DHE, ECDHE) decrypt alike: the key log gives the master secret.
var suites = map[uint16]suite{
	// TLS 1.3 (RFC 8446 B.4)
	0x1301: {kind: aesGCM, keyLen: 16, prf: sha256.New, tls13: true},
	0x1302: {kind: aesGCM, keyLen: 32, prf: sha512.New384, tls13: true},
	0x1303: {kind: chacha, keyLen: 32, prf: sha256.New, tls13: true},

	// AES-GCM (RFC 5288, 5289)
	0x009C: gcm(16, sha256.New), 0x009D: gcm(32, sha512.New384), // RSA
	0x009E: gcm(16, sha256.New), 0x009F: gcm(32, sha512.New384), // DHE_RSA
	0xC02B: gcm(16, sha256.New), 0xC02C: gcm(32, sha512.New384), // ECDHE_ECDSA
	0xC02F: gcm(16, sha256.New), 0xC030: gcm(32, sha512.New384), // ECDHE_RSA

	// ChaCha20-Poly1305 (RFC 7905)
	0xCCA8: {kind: chacha, keyLen: 32, prf: sha256.New}, // ECDHE_RSA
	0xCCA9: {kind: chacha, keyLen: 32, prf: sha256.New}, // ECDHE_ECDSA
	0xCCAA: {kind: chacha, keyLen: 32, prf: sha256.New}, // DHE_RSA

	// AES-CBC with HMAC (RFC 5246, 5289, 4492)
	0x002F: cbc(16, sha1.New), 0x0035: cbc(32, sha1.New), // RSA
	0x003C: cbc(16, sha256.New), 0x003D: cbc(32, sha256.New),
	0x0033: cbc(16, sha1.New), 0x0039: cbc(32, sha1.New), // DHE_RSA
	0x0067: cbc(16, sha256.New), 0x006B: cbc(32, sha256.New),
	0xC009: cbc(16, sha1.New), 0xC00A: cbc(32, sha1.New), // ECDHE_ECDSA
	0xC023: cbc(16, sha256.New), 0xC024: cbc(32, sha512.New384),
	0xC013: cbc(16, sha1.New), 0xC014: cbc(32, sha1.New), // ECDHE_RSA
	0xC027: cbc(16, sha256.New), 0xC028: cbc(32, sha512.New384),
}

// Supported reports whether records of the cipher suite id can be
// decrypted.
func Supported(id uint16) bool {
	_, ok := suites[id]
	return ok
}

// CBC reports a suite whose records are AES-CBC with an HMAC, the only
// ones the encrypt-then-MAC extension changes.
func CBC(id uint16) bool { return suites[id].kind == aesCBC && Supported(id) }
