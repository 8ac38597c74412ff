package tls

import (
	"errors"

	"golang.org/x/crypto/cryptobyte"
)

// Extension numbers the hellos are read for.
const (
	extServerName          = 0
	extSupportedGroups     = 10
	extECPointFormats      = 11
	extSignatureAlgorithms = 13
	extALPN                = 16
	extSupportedVersions   = 43
	extKeyShare            = 51
	extEncryptThenMAC      = 22
)

var errMalformed = errors.New("malformed")

// clientHello is what a ClientHello shows, GREASE values included (the
// fingerprints and reports drop them).
type clientHello struct {
	sslv2        bool // SSLv2-compatible format (no extensions)
	sslv2Ciphers int  // SSLv2-only cipher kinds offered
	version      uint16
	random       []byte // read for the key log
	ciphers      []uint16
	extensions   []uint16
	sni          string
	alpn         []string
	groups       []uint16
	pointFormats []uint8
	sigAlgs      []uint16
	versions     []uint16 // supported_versions
	keyShares    []uint16 // groups of the key_share entries
	badExt       []uint16 // extensions whose body did not parse
}

// parseClientHello reads a ClientHello body (after the 4-byte handshake
// header). Extensions whose body is malformed are listed in badExt and
// skipped; a hello cut before its cipher suites is an error.
func parseClientHello(b []byte) (*clientHello, error) {
	s := cryptobyte.String(b)
	ch := &clientHello{}
	var sessionID, ciphers, compression cryptobyte.String
	if !s.ReadUint16(&ch.version) || !s.ReadBytes(&ch.random, 32) ||
		!s.ReadUint8LengthPrefixed(&sessionID) ||
		!s.ReadUint16LengthPrefixed(&ciphers) {
		return nil, errMalformed
	}
	ch.random = append([]byte(nil), ch.random...) // b is a reused buffer
	for !ciphers.Empty() {
		var c uint16
		if !ciphers.ReadUint16(&c) {
			return nil, errMalformed
		}
		ch.ciphers = append(ch.ciphers, c)
	}
	if !s.ReadUint8LengthPrefixed(&compression) {
		return nil, errMalformed
	}
	if s.Empty() {
		return ch, nil // no extensions: SSL 3.0 style
	}
	var exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&exts) {
		return nil, errMalformed
	}
	for !exts.Empty() {
		var typ uint16
		var body cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&body) {
			return nil, errMalformed
		}
		ch.extensions = append(ch.extensions, typ)
		if !ch.readExtension(typ, body) {
			ch.badExt = append(ch.badExt, typ)
		}
	}
	return ch, nil
}

// readExtension fills what one client extension tells; false when its
// body does not parse.
func (ch *clientHello) readExtension(typ uint16, b cryptobyte.String) bool {
	switch typ {
	case extServerName:
		return ch.readServerName(b)
	case extALPN:
		var list cryptobyte.String
		if !b.ReadUint16LengthPrefixed(&list) {
			return false
		}
		for !list.Empty() {
			var p cryptobyte.String
			if !list.ReadUint8LengthPrefixed(&p) {
				return false
			}
			ch.alpn = append(ch.alpn, string(p))
		}
	case extSupportedGroups:
		return readUint16List(&b, &ch.groups)
	case extSignatureAlgorithms:
		return readUint16List(&b, &ch.sigAlgs)
	case extECPointFormats:
		var list cryptobyte.String
		if !b.ReadUint8LengthPrefixed(&list) {
			return false
		}
		ch.pointFormats = append(ch.pointFormats, list...)
	case extSupportedVersions:
		var list cryptobyte.String
		if !b.ReadUint8LengthPrefixed(&list) {
			return false
		}
		return readUint16s(list, &ch.versions)
	case extKeyShare:
		var list cryptobyte.String
		if !b.ReadUint16LengthPrefixed(&list) {
			return false
		}
		for !list.Empty() {
			var g uint16
			var key cryptobyte.String
			if !list.ReadUint16(&g) || !list.ReadUint16LengthPrefixed(&key) {
				return false
			}
			ch.keyShares = append(ch.keyShares, g)
		}
	}
	return true
}

// readServerName keeps the first host_name of the server_name extension.
func (ch *clientHello) readServerName(b cryptobyte.String) bool {
	var list cryptobyte.String
	if !b.ReadUint16LengthPrefixed(&list) {
		return false
	}
	for !list.Empty() {
		var typ uint8
		var name cryptobyte.String
		if !list.ReadUint8(&typ) || !list.ReadUint16LengthPrefixed(&name) {
			return false
		}
		if typ == 0 && ch.sni == "" {
			ch.sni = printable(name, 255)
		}
	}
	return true
}

// readUint16List reads a list of uint16 prefixed by its length in bytes.
func readUint16List(b *cryptobyte.String, out *[]uint16) bool {
	var list cryptobyte.String
	if !b.ReadUint16LengthPrefixed(&list) {
		return false
	}
	return readUint16s(list, out)
}

func readUint16s(list cryptobyte.String, out *[]uint16) bool {
	for !list.Empty() {
		var v uint16
		if !list.ReadUint16(&v) {
			return false
		}
		*out = append(*out, v)
	}
	return true
}

// serverHello is what a ServerHello shows.
type serverHello struct {
	version uint16 // negotiated: supported_versions when present
	cipher  uint16
	retry   bool // a HelloRetryRequest (TLS 1.3)
	group   uint16
	alpn    string
	random  []byte
	etm     bool // encrypt_then_mac accepted (RFC 7366)
}

// helloRetryRandom is the fixed random of a HelloRetryRequest (RFC 8446
// section 4.1.3).
var helloRetryRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// parseServerHello reads a ServerHello body.
func parseServerHello(b []byte) (*serverHello, error) {
	s := cryptobyte.String(b)
	sh := &serverHello{}
	var random []byte
	var sessionID cryptobyte.String
	var compression uint8
	if !s.ReadUint16(&sh.version) || !s.ReadBytes(&random, 32) ||
		!s.ReadUint8LengthPrefixed(&sessionID) || !s.ReadUint16(&sh.cipher) ||
		!s.ReadUint8(&compression) {
		return nil, errMalformed
	}
	sh.retry = string(random) == string(helloRetryRandom)
	sh.random = append([]byte(nil), random...) // b is a reused buffer
	if s.Empty() {
		return sh, nil
	}
	var exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&exts) {
		return nil, errMalformed
	}
	for !exts.Empty() {
		var typ uint16
		var body cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&body) {
			return nil, errMalformed
		}
		sh.readExtension(typ, body)
	}
	return sh, nil
}

// readExtension fills what one server extension tells; a malformed one is
// ignored, the rest of the hello still counts.
func (sh *serverHello) readExtension(typ uint16, b cryptobyte.String) {
	switch typ {
	case extSupportedVersions:
		var v uint16
		if b.ReadUint16(&v) {
			sh.version = v
		}
	case extKeyShare:
		b.ReadUint16(&sh.group)
	case extEncryptThenMAC:
		sh.etm = true
	case extALPN:
		var list, p cryptobyte.String
		if b.ReadUint16LengthPrefixed(&list) && list.ReadUint8LengthPrefixed(&p) {
			sh.alpn = printable(p, 255)
		}
	}
}

// parseSSLv2Hello reads an SSLv2-compatible ClientHello: b starts at its
// message type (after the 2-byte record header). Its cipher specs are
// 3 bytes; those starting with a zero byte are TLS suites.
func parseSSLv2Hello(b []byte) (*clientHello, error) {
	s := cryptobyte.String(b)
	var typ uint8
	var specLen, idLen, challengeLen uint16
	ch := &clientHello{sslv2: true}
	if !s.ReadUint8(&typ) || typ != 1 || !s.ReadUint16(&ch.version) ||
		!s.ReadUint16(&specLen) || !s.ReadUint16(&idLen) || !s.ReadUint16(&challengeLen) ||
		specLen%3 != 0 {
		return nil, errMalformed
	}
	var specs []byte
	if !s.ReadBytes(&specs, int(specLen)) {
		return nil, errMalformed
	}
	for i := 0; i+3 <= len(specs); i += 3 {
		if specs[i] == 0 {
			ch.ciphers = append(ch.ciphers, uint16(specs[i+1])<<8|uint16(specs[i+2]))
		} else {
			ch.sslv2Ciphers++
		}
	}
	return ch, nil
}
