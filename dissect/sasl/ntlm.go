package sasl

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"unicode/utf16"

	"github.com/mailwire/mailwire/dissect/record"
)

// NTLM messages (MS-NLMP 2.2.1): the signature, then a message type.
var ntlmSignature = []byte("NTLMSSP\x00")

const (
	ntlmChallenge    = 2
	ntlmAuthenticate = 3
	ntlmUnicode      = 0x00000001 // NTLMSSP_NEGOTIATE_UNICODE
)

// ntlm decodes the AUTHENTICATE (type 3) message: the user, domain and
// workstation, and the challenge response that, with the server challenge
// of the CHALLENGE (type 2) message, falls to a dictionary. Hash is in
// hashcat's form: NetNTLMv2 (mode 5600)
// user::domain:challenge:ntproofstr:blob, or NetNTLMv1 (mode 5500)
// user::domain:lmresponse:ntresponse:challenge for 24-byte responses. It is
// empty when the server challenge was not seen, as nothing could crack it.
func (x *Exchange) ntlm(c *record.Credential) bool {
	var challenge []byte
	var auth *ntlmAuth
	for _, s := range x.steps {
		if s.server {
			if ch, ok := parseNTLMChallenge(s.data); ok && challenge == nil {
				challenge = ch
			}
			continue
		}
		if a, ok := parseNTLMAuthenticate(s.data); ok && auth == nil {
			auth = a
		}
	}
	if auth == nil {
		return false
	}
	c.Username = clean(auth.user)
	c.Domain = clean(auth.domain)
	c.Workstation = clean(auth.workstation)
	if challenge != nil {
		c.Hash = auth.hash(c.Username, c.Domain, challenge)
	}
	return c.Username != "" || c.Hash != ""
}

// ntlmAuth holds the fields of one AUTHENTICATE message.
type ntlmAuth struct {
	lm, nt                    []byte
	user, domain, workstation []byte
}

func (a *ntlmAuth) hash(user, domain string, challenge []byte) string {
	ch := hex.EncodeToString(challenge)
	switch {
	case len(a.nt) > 24:
		return user + "::" + domain + ":" + ch + ":" +
			hex.EncodeToString(a.nt[:16]) + ":" + hex.EncodeToString(a.nt[16:])
	case len(a.nt) == 24:
		return user + "::" + domain + ":" + hex.EncodeToString(a.lm) + ":" +
			hex.EncodeToString(a.nt) + ":" + ch
	}
	return "" // anonymous: no response to crack
}

// isNTLM reports whether b starts with an NTLM message of the given type.
func isNTLM(b []byte, typ uint32) bool {
	return len(b) >= 12 && bytes.Equal(b[:8], ntlmSignature) &&
		binary.LittleEndian.Uint32(b[8:12]) == typ
}

// parseNTLMChallenge returns the 8-byte server challenge of a type 2
// message.
func parseNTLMChallenge(b []byte) ([]byte, bool) {
	if !isNTLM(b, ntlmChallenge) || len(b) < 32 {
		return nil, false
	}
	return b[24:32], true
}

// parseNTLMAuthenticate reads a type 3 message. Every security buffer is
// checked against the message's length; a buffer pointing outside it is
// read as empty.
func parseNTLMAuthenticate(b []byte) (*ntlmAuth, bool) {
	if !isNTLM(b, ntlmAuthenticate) || len(b) < 52 {
		return nil, false
	}
	// Old messages end before the flags; their strings are Unicode in
	// practice.
	unicode := true
	if len(b) >= 64 {
		unicode = binary.LittleEndian.Uint32(b[60:64])&ntlmUnicode != 0
	}
	str := func(off int) []byte {
		s := secBuf(b, off)
		if unicode {
			return utf16le(s)
		}
		return s
	}
	return &ntlmAuth{
		lm:          secBuf(b, 12),
		nt:          secBuf(b, 20),
		domain:      str(28),
		user:        str(36),
		workstation: str(44),
	}, true
}

// secBuf returns the bytes a security buffer (length, max length, offset)
// at off points to, or nil when it points outside b.
func secBuf(b []byte, off int) []byte {
	if off+8 > len(b) {
		return nil
	}
	n := int(binary.LittleEndian.Uint16(b[off:]))
	start := int(binary.LittleEndian.Uint32(b[off+4:]))
	if start < 0 || start > len(b) || n > len(b)-start {
		return nil
	}
	return b[start : start+n]
}

// utf16le decodes little-endian UTF-16 into UTF-8; an odd last byte is
// dropped.
func utf16le(b []byte) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return []byte(string(utf16.Decode(u)))
}
