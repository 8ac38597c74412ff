// Package decrypt opens TLS records with the secrets of a key log: TLS 1.3
// (AES-GCM, ChaCha20-Poly1305, keys from the traffic secrets with
// HKDF-Expand-Label, key updates) and TLS 1.0 to 1.2 (keys from the master
// secret with the PRF; AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC,
// encrypt-then-MAC). Every primitive is the standard library's (and
// golang.org/x/crypto's); this package only lays out keys, nonces and
// additional data as the RFCs say.
//
// A Cipher is one direction of one session: it counts the records it
// opened (the sequence number), so records must be given in order and
// none may be missed.
package decrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/chacha20poly1305"
)

// Errors of Open.
var (
	// ErrAuth is a record whose tag or MAC does not verify: the secrets
	// are not this session's, or a record was missed.
	ErrAuth = errors.New("record authentication failed")
	// ErrMalformed is a record too short or badly padded for its cipher.
	ErrMalformed = errors.New("record malformed for its cipher")
)

// Versions on the wire.
const (
	VersionTLS10 = 0x0301
	VersionTLS11 = 0x0302
	VersionTLS12 = 0x0303
	VersionTLS13 = 0x0304
)

// Record content types.
const (
	TypeAlert           = 21
	TypeHandshake       = 22
	TypeApplicationData = 23
)

// Cipher opens the records of one direction of a session.
type Cipher struct {
	suite suite
	seq   uint64

	// AEAD suites.
	aead cipher.AEAD
	iv   []byte // TLS 1.3 and ChaCha20: 12 bytes XORed with seq; GCM 1.2: 4-byte salt

	// CBC suites.
	block    cipher.Block
	macKey   []byte
	mac      hash.Hash
	chained  []byte // TLS 1.0: the IV is the last block of the previous record
	etm      bool
	macInput []byte

	// TLS 1.3: the current traffic secret, for key updates.
	secret []byte
}

// NewTLS13 returns the cipher of one direction of a TLS 1.3 session from
// one of its traffic secrets (handshake or application).
func NewTLS13(id uint16, secret []byte) (*Cipher, error) {
	s, ok := suites[id]
	if !ok || !s.tls13 {
		return nil, fmt.Errorf("cipher suite 0x%04X is not a TLS 1.3 suite this program decrypts", id)
	}
	if len(secret) != s.prf().Size() {
		return nil, fmt.Errorf("traffic secret of %d bytes for a suite that needs %d", len(secret), s.prf().Size())
	}
	c := &Cipher{suite: s}
	if err := c.setSecret(secret); err != nil {
		return nil, err
	}
	return c, nil
}

// setSecret derives the key and IV of a TLS 1.3 traffic secret (RFC 8446
// 7.3) and restarts the sequence numbers.
func (c *Cipher) setSecret(secret []byte) error {
	c.secret = append([]byte(nil), secret...)
	key := ExpandLabel(c.suite.prf, secret, "key", nil, c.suite.keyLen)
	c.iv = ExpandLabel(c.suite.prf, secret, "iv", nil, 12)
	c.seq = 0
	var err error
	c.aead, err = newAEAD(c.suite.kind, key)
	return err
}

// Update moves a TLS 1.3 direction to its next traffic secret, after a
// KeyUpdate message (RFC 8446 7.2).
func (c *Cipher) Update() error {
	if !c.suite.tls13 {
		return errors.New("key update outside TLS 1.3")
	}
	next := ExpandLabel(c.suite.prf, c.secret, "traffic upd", nil, len(c.secret))
	return c.setSecret(next)
}

// NewTLS12 returns the cipher of one direction of a TLS 1.0-1.2 session:
// keys are cut from the key block that the PRF expands from the master
// secret and both randoms (RFC 5246 6.3). client selects the client's
// write keys; etm is the encrypt-then-MAC extension (RFC 7366), which
// only changes CBC suites.
func NewTLS12(id, version uint16, master, clientRandom, serverRandom []byte, client, etm bool) (*Cipher, error) {
	s, ok := suites[id]
	if !ok || s.tls13 {
		return nil, fmt.Errorf("cipher suite 0x%04X is not a TLS 1.2 suite this program decrypts", id)
	}
	if version < VersionTLS10 || version > VersionTLS12 {
		return nil, fmt.Errorf("version 0x%04X is not TLS 1.0 to 1.2", version)
	}
	if s.kind != aesCBC && version < VersionTLS12 {
		return nil, fmt.Errorf("cipher suite 0x%04X needs TLS 1.2", id)
	}
	if len(master) != 48 || len(clientRandom) != 32 || len(serverRandom) != 32 {
		return nil, errors.New("master secret or randoms of the wrong size")
	}
	macLen, ivLen := 0, 4
	switch s.kind {
	case chacha:
		ivLen = 12
	case aesCBC:
		macLen, ivLen = s.mac().Size(), aes.BlockSize
	}
	seed := append(append([]byte(nil), serverRandom...), clientRandom...)
	kb := PRF(version, s.prf, master, "key expansion", seed, 2*(macLen+s.keyLen+ivLen))
	pick := func(n int, mine bool) []byte {
		a, b := kb[:n], kb[n:2*n]
		kb = kb[2*n:]
		if mine {
			return a
		}
		return b
	}
	macKey := pick(macLen, client)
	key := pick(s.keyLen, client)
	iv := pick(ivLen, client)

	c := &Cipher{suite: s, iv: iv}
	if s.kind != aesCBC {
		var err error
		c.aead, err = newAEAD(s.kind, key)
		return c, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	c.block, c.macKey, c.etm = block, macKey, etm
	c.mac = hmac.New(s.mac, macKey)
	if version == VersionTLS10 {
		c.chained = iv
	}
	return c, nil
}

func newAEAD(k kind, key []byte) (cipher.AEAD, error) {
	if k == chacha {
		return chacha20poly1305.New(key)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Seq is the sequence number of the next record.
func (c *Cipher) Seq() uint64 { return c.seq }

// Open decrypts and verifies one record: hdr is its 5-byte header, body
// its bytes. It returns the content type (the inner one in TLS 1.3) and
// the plaintext appended to dst. A record that fails is not counted, so
// that the caller may stop there.
func (c *Cipher) Open(dst, hdr, body []byte) (typ uint8, out []byte, err error) {
	if len(hdr) != 5 {
		return 0, dst, ErrMalformed
	}
	switch {
	case c.suite.tls13:
		typ, out, err = c.open13(dst, hdr, body)
	case c.aead != nil:
		typ, out, err = c.openAEAD12(dst, hdr, body)
	default:
		typ, out, err = c.openCBC(dst, hdr, body)
	}
	if err == nil {
		c.seq++
	}
	return typ, out, err
}

// nonce is iv XOR the sequence number, right-aligned (RFC 8446 5.3, RFC
// 7905 2).
func (c *Cipher) nonce() []byte {
	var n [12]byte
	copy(n[:], c.iv)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], c.seq)
	subtle.XORBytes(n[4:], n[4:], s[:])
	return n[:]
}

func (c *Cipher) open13(dst, hdr, body []byte) (uint8, []byte, error) {
	if len(body) < c.aead.Overhead()+1 {
		return 0, dst, ErrMalformed
	}
	start := len(dst)
	out, err := c.aead.Open(dst, c.nonce(), body, hdr)
	if err != nil {
		return 0, dst, ErrAuth
	}
	// The inner plaintext is content, type, zero padding.
	i := len(out) - 1
	for i >= start && out[i] == 0 {
		i--
	}
	if i < start {
		return 0, dst, ErrMalformed
	}
	return out[i], out[:i], nil
}

// additional is the TLS 1.2 additional data and MAC header: sequence
// number, type, version and length.
func (c *Cipher) additional(hdr []byte, n int) []byte {
	var a [13]byte
	binary.BigEndian.PutUint64(a[:8], c.seq)
	copy(a[8:11], hdr[:3])
	binary.BigEndian.PutUint16(a[11:], uint16(n))
	return a[:]
}

func (c *Cipher) openAEAD12(dst, hdr, body []byte) (uint8, []byte, error) {
	var nonce []byte
	if c.suite.kind == aesGCM {
		// GCM: 4-byte salt from the key block, 8 explicit bytes first
		// in the record (RFC 5288 3).
		if len(body) < 8+c.aead.Overhead() {
			return 0, dst, ErrMalformed
		}
		nonce = append(append(make([]byte, 0, 12), c.iv...), body[:8]...)
		body = body[8:]
	} else {
		if len(body) < c.aead.Overhead() {
			return 0, dst, ErrMalformed
		}
		nonce = c.nonce()
	}
	out, err := c.aead.Open(dst, nonce, body, c.additional(hdr, len(body)-c.aead.Overhead()))
	if err != nil {
		return 0, dst, ErrAuth
	}
	return hdr[0], out, nil
}

// openCBC opens a block-cipher record: MAC then encrypt (RFC 5246
// 6.2.3.2) or, with the extension, encrypt then MAC (RFC 7366). Timing
// does not matter here: the capture is already recorded.
func (c *Cipher) openCBC(dst, hdr, body []byte) (uint8, []byte, error) {
	macLen := c.mac.Size()
	if c.etm {
		if len(body) < macLen {
			return 0, dst, ErrMalformed
		}
		ct, tag := body[:len(body)-macLen], body[len(body)-macLen:]
		if !hmac.Equal(c.sum(hdr, ct), tag) {
			return 0, dst, ErrAuth
		}
		plain, err := c.decryptCBC(ct)
		if err != nil {
			return 0, dst, err
		}
		return hdr[0], append(dst, plain...), nil
	}
	plain, err := c.decryptCBC(body)
	if err != nil {
		return 0, dst, err
	}
	if len(plain) < macLen {
		return 0, dst, ErrAuth
	}
	content, tag := plain[:len(plain)-macLen], plain[len(plain)-macLen:]
	if !hmac.Equal(c.sum(hdr, content), tag) {
		return 0, dst, ErrAuth
	}
	return hdr[0], append(dst, content...), nil
}

// decryptCBC decrypts body (explicit IV first from TLS 1.1 on) and
// removes the padding. A bad padding is an authentication failure: it is
// what a wrong key gives.
func (c *Cipher) decryptCBC(body []byte) ([]byte, error) {
	bs := c.block.BlockSize()
	iv := c.chained
	if iv == nil {
		if len(body) < bs {
			return nil, ErrMalformed
		}
		iv, body = body[:bs], body[bs:]
	}
	if len(body) == 0 || len(body)%bs != 0 {
		return nil, ErrMalformed
	}
	plain := make([]byte, len(body))
	cipher.NewCBCDecrypter(c.block, iv).CryptBlocks(plain, body)
	if c.chained != nil {
		c.chained = append(c.chained[:0], body[len(body)-bs:]...)
	}
	pad := int(plain[len(plain)-1])
	if pad+1 > len(plain) {
		return nil, ErrAuth
	}
	for _, b := range plain[len(plain)-1-pad:] {
		if int(b) != pad {
			return nil, ErrAuth
		}
	}
	return plain[:len(plain)-1-pad], nil
}

func (c *Cipher) sum(hdr, content []byte) []byte {
	c.mac.Reset()
	c.mac.Write(c.additional(hdr, len(content)))
	c.mac.Write(content)
	c.macInput = c.mac.Sum(c.macInput[:0])
	return c.macInput
}
