package tls

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/cryptobyte"
)

// maxServerExtensions bounds the extensions a ServerHello fingerprint
// lists; a real one has a handful.
const maxServerExtensions = 64

// serverPrint is what the server fingerprints are made of: the ServerHello
// as sent, extensions in their order.
type serverPrint struct {
	legacy, version, cipher uint16
	extensions              []uint16
	alpn                    string
}

// serverFingerprints returns JA3S (its text and MD5) and JA4S for a
// ServerHello body, or empty strings when it does not parse.
//
//	JA3S  legacy version,cipher,extensions (decimal, "-" separated)
//	JA4S  t<version><extensions:2><alpn:2>_<cipher hex>_<extensions in order, sha256:12>
func serverFingerprints(body []byte) (ja3s, ja3sHash, ja4s string) {
	p, ok := parseServerPrint(body)
	if !ok {
		return "", "", ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(p.legacy)))
	b.WriteByte(',')
	b.WriteString(strconv.Itoa(int(p.cipher)))
	b.WriteByte(',')
	for i, e := range p.extensions {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(int(e)))
	}
	ja3s = b.String()
	sum := md5.Sum([]byte(ja3s))
	var alpn []string
	if p.alpn != "" {
		alpn = []string{p.alpn}
	}
	ext := "000000000000"
	if len(p.extensions) > 0 {
		ext = ja4Hash(hexList(p.extensions))
	}
	ja4s = fmt.Sprintf("t%s%02d%s_%s_%s", ja4Version(&clientHello{version: p.version}), min(len(p.extensions), 99),
		ja4ALPN(alpn), hexList([]uint16{p.cipher}), ext)
	return ja3s, hex.EncodeToString(sum[:]), ja4s
}

func parseServerPrint(b []byte) (*serverPrint, bool) {
	s := cryptobyte.String(b)
	p := &serverPrint{}
	var random []byte
	var sessionID cryptobyte.String
	var compression uint8
	if !s.ReadUint16(&p.legacy) || !s.ReadBytes(&random, 32) || !s.ReadUint8LengthPrefixed(&sessionID) ||
		!s.ReadUint16(&p.cipher) || !s.ReadUint8(&compression) {
		return nil, false
	}
	p.version = p.legacy
	var exts cryptobyte.String
	if s.Empty() || !s.ReadUint16LengthPrefixed(&exts) {
		return p, true
	}
	for !exts.Empty() && len(p.extensions) < maxServerExtensions {
		var typ uint16
		var body cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&body) {
			return nil, false
		}
		p.extensions = append(p.extensions, typ)
		switch typ {
		case extSupportedVersions:
			body.ReadUint16(&p.version)
		case extALPN:
			var list, name cryptobyte.String
			if body.ReadUint16LengthPrefixed(&list) && list.ReadUint8LengthPrefixed(&name) {
				p.alpn = string(name)
			}
		}
	}
	return p, true
}
