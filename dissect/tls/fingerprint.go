package tls

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ja3 is the JA3 client fingerprint (Salesforce): the legacy version,
// cipher suites, extensions, groups and point formats as decimal lists,
// GREASE values left out, and its MD5.
func ja3(ch *clientHello) (string, string) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(ch.version)))
	b.WriteByte(',')
	decimals(&b, ch.ciphers)
	b.WriteByte(',')
	decimals(&b, ch.extensions)
	b.WriteByte(',')
	decimals(&b, ch.groups)
	b.WriteByte(',')
	for i, p := range ch.pointFormats {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(int(p)))
	}
	s := b.String()
	sum := md5.Sum([]byte(s))
	return s, hex.EncodeToString(sum[:])
}

func decimals(b *strings.Builder, vs []uint16) {
	first := true
	for _, v := range vs {
		if isGREASE(v) {
			continue
		}
		if !first {
			b.WriteByte('-')
		}
		first = false
		b.WriteString(strconv.Itoa(int(v)))
	}
}

// ja4 is the JA4 client fingerprint (FoxIO, TLS over TCP):
// t<version><d|i><ciphers:2><extensions:2><alpn:2>_<sorted ciphers
// hash:12>_<sorted extensions without SNI and ALPN, then signature
// algorithms in order, hash:12>.
func ja4(ch *clientHello) string {
	ciphers := withoutGREASE(ch.ciphers)
	exts := withoutGREASE(ch.extensions)
	sni := "i"
	if slices.Contains(exts, extServerName) {
		sni = "d"
	}
	a := fmt.Sprintf("t%s%s%02d%02d%s", ja4Version(ch), sni,
		min(len(ciphers), 99), min(len(exts), 99), ja4ALPN(ch.alpn))

	slices.Sort(ciphers)
	b := ja4Hash(hexList(ciphers))

	var rest []uint16
	for _, e := range exts {
		if e != extServerName && e != extALPN {
			rest = append(rest, e)
		}
	}
	slices.Sort(rest)
	c := "000000000000"
	if len(rest) > 0 {
		text := hexList(rest)
		if sigs := withoutGREASE(ch.sigAlgs); len(sigs) > 0 {
			text += "_" + hexList(sigs)
		}
		c = ja4Hash(text)
	}
	return a + "_" + b + "_" + c
}

// ja4Version is the highest version offered: supported_versions when
// present, else the legacy version.
func ja4Version(ch *clientHello) string {
	v := ch.version
	if vs := withoutGREASE(ch.versions); len(vs) > 0 {
		v = slices.Max(vs)
	}
	switch v {
	case versionTLS13:
		return "13"
	case versionTLS12:
		return "12"
	case versionTLS11:
		return "11"
	case versionTLS10:
		return "10"
	case versionSSL3:
		return "s3"
	case versionSSL2:
		return "s2"
	}
	return "00"
}

// ja4ALPN is the first and last character of the first ALPN value, or of
// its hex form when either is not alphanumeric; "00" without ALPN.
func ja4ALPN(alpn []string) string {
	if len(alpn) == 0 || alpn[0] == "" {
		return "00"
	}
	p := alpn[0]
	first, last := p[0], p[len(p)-1]
	if isAlnum(first) && isAlnum(last) {
		return string([]byte{first, last})
	}
	h := hex.EncodeToString([]byte(p))
	return string([]byte{h[0], h[len(h)-1]})
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ja4Hash is the first 12 hex digits of the SHA-256 of s, or twelve zeros
// for an empty list.
func ja4Hash(s string) string {
	if s == "" {
		return "000000000000"
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// hexList writes values as 4-digit lower-case hex, comma separated.
func hexList(vs []uint16) string {
	b := make([]byte, 0, len(vs)*5)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = hex.AppendEncode(b, []byte{byte(v >> 8), byte(v)})
	}
	return string(b)
}

func withoutGREASE(vs []uint16) []uint16 {
	out := make([]uint16, 0, len(vs))
	for _, v := range vs {
		if !isGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}
