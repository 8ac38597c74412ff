package message

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// rawField is one header field as it crossed the wire: its lower-cased
// name and its bytes with folding, without the final line break.
type rawField struct {
	name string
	raw  []byte
}

// rawHeader reads the header fields of raw as they crossed the wire, for
// the DKIM header canonicalization (at most maxFields).
func rawHeader(raw []byte) []rawField {
	var out []rawField
	for len(raw) > 0 && len(out) <= maxFields {
		line, rest := cutLine(raw)
		if len(line) == 0 {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			f := &out[len(out)-1]
			f.raw = append(append(f.raw, '\r', '\n'), line...)
		} else if name, _, ok := bytes.Cut(line, []byte(":")); ok {
			out = append(out, rawField{name: strings.ToLower(strings.TrimSpace(string(name))),
				raw: append([]byte(nil), line...)})
		}
		raw = rest
	}
	return out
}

// digestDKIM fills, for each DKIM signature of m, the hash of the header
// fields it signs (RFC 6376 3.7) and its signature bytes, so that the
// signature can be verified once the domain's key is known.
func digestDKIM(m *record.Message, raw []byte) {
	if len(m.DKIM) == 0 {
		return
	}
	fields := rawHeader(raw)
	n := 0
	for _, f := range fields {
		if f.name != "dkim-signature" || n >= len(m.DKIM) {
			continue
		}
		m.DKIM[n].HeaderDigest, m.DKIM[n].Signature = headerDigest(fields, f)
		n++
	}
}

// headerDigest hashes the fields sig's h= tag names, from the bottom up
// (RFC 6376 5.4.2), then sig itself with an empty b= and no final line
// break; nil when the signature cannot be checked.
func headerDigest(fields []rawField, sig rawField) (digest, signature []byte) {
	_, value, _ := bytes.Cut(sig.raw, []byte(":"))
	tags := map[string]string{}
	for _, part := range strings.Split(string(value), ";") {
		k, v, ok := strings.Cut(part, "=")
		if ok {
			tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(v), "")
		}
	}
	signature, err := base64.StdEncoding.DecodeString(tags["b"])
	if err != nil || len(signature) == 0 {
		return nil, nil
	}
	var h hash.Hash
	switch strings.ToLower(tags["a"]) {
	case "rsa-sha256":
		h = sha256.New()
	case "rsa-sha1":
		h = sha1.New()
	default:
		return nil, nil
	}
	headerCanon, _, _ := strings.Cut(strings.ToLower(tags["c"]), "/")
	relaxed := headerCanon == "relaxed"
	used := make([]bool, len(fields))
	for _, name := range strings.Split(tags["h"], ":") {
		name = strings.ToLower(strings.TrimSpace(name))
		for i := len(fields) - 1; i >= 0; i-- {
			if !used[i] && fields[i].name == name {
				used[i] = true
				h.Write(canonField(fields[i].raw, relaxed))
				h.Write([]byte("\r\n"))
				break
			}
		}
	}
	h.Write(canonField(withoutSignature(sig.raw), relaxed))
	return h.Sum(nil), signature
}

// withoutSignature empties the b= tag's value of a DKIM-Signature field.
func withoutSignature(raw []byte) []byte {
	colon := bytes.IndexByte(raw, ':')
	if colon < 0 {
		return raw
	}
	out := append([]byte(nil), raw[:colon+1]...)
	parts := bytes.Split(raw[colon+1:], []byte(";"))
	for i, p := range parts {
		if i > 0 {
			out = append(out, ';')
		}
		if k, _, ok := bytes.Cut(p, []byte("=")); ok && string(bytes.TrimSpace(k)) == "b" {
			p = p[:bytes.IndexByte(p, '=')+1]
		}
		out = append(out, p...)
	}
	return out
}

// canonField writes one field in the simple (as sent) or relaxed
// (RFC 6376 3.4.2) header canonicalization, without its line break.
func canonField(raw []byte, relaxed bool) []byte {
	if !relaxed {
		return raw
	}
	name, value, _ := bytes.Cut(raw, []byte(":"))
	value = bytes.ReplaceAll(bytes.ReplaceAll(value, []byte("\r\n"), nil), []byte("\n"), nil)
	value = bytes.Join(bytes.FieldsFunc(value, isWSP), []byte(" "))
	out := append(bytes.ToLower(bytes.TrimRight(name, " \t")), ':')
	return append(out, value...)
}
