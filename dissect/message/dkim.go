package message

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// maxDKIM bounds the signatures and verdict fields kept for one message.
const maxDKIM = 8

// fillSenderAuth copies what the message says about its own sender's
// authenticity: DKIM signatures (with the body hash checked against the
// body that crossed the wire) and the receiving servers' verdicts
// (Authentication-Results, Received-SPF). The signature itself needs the
// signer's public key from DNS, which a capture rarely holds: it is not
// verified here.
func fillSenderAuth(m *record.Message, h header, body []byte) {
	for _, v := range h.values("dkim-signature") {
		if len(m.DKIM) == maxDKIM {
			break
		}
		m.DKIM = append(m.DKIM, dkimSignature(v, body))
	}
	for _, name := range []string{"authentication-results", "received-spf"} {
		for _, v := range h.values(name) {
			if len(m.AuthResults) == maxDKIM {
				return
			}
			m.AuthResults = append(m.AuthResults, sanitize(name+": "+strings.Join(strings.Fields(v), " ")))
		}
	}
}

// dkimSignature reads the tags of a DKIM-Signature field (RFC 6376 3.5)
// and checks its body hash.
func dkimSignature(v string, body []byte) record.DKIM {
	tags := map[string]string{}
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(val), "")
	}
	d := record.DKIM{Domain: sanitize(clip(tags["d"], 100)), Selector: sanitize(clip(tags["s"], 100)),
		Algorithm: sanitize(clip(tags["a"], 40)), BodyHash: "unchecked"}
	want, err := base64.StdEncoding.DecodeString(tags["bh"])
	if err != nil || len(want) == 0 {
		return d
	}
	var hf hash.Hash
	switch strings.ToLower(tags["a"]) {
	case "rsa-sha256", "ed25519-sha256":
		hf = sha256.New()
	case "rsa-sha1":
		hf = sha1.New()
	default:
		return d
	}
	_, bodyCanon, _ := strings.Cut(strings.ToLower(tags["c"]), "/")
	canon := canonBody(body, bodyCanon == "relaxed")
	if l, err := strconv.ParseInt(tags["l"], 10, 64); err == nil && l >= 0 && l < int64(len(canon)) {
		canon = canon[:l]
	}
	hf.Write(canon)
	d.BodyHash = "mismatch"
	if bytes.Equal(hf.Sum(nil), want) {
		d.BodyHash = "match"
	}
	return d
}

// canonBody applies the simple or relaxed body canonicalization of
// RFC 6376 3.4.3 and 3.4.4.
func canonBody(body []byte, relaxed bool) []byte {
	lines := bytes.Split(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), []byte("\n"))
	if relaxed {
		for i, l := range lines {
			l = bytes.Join(bytes.FieldsFunc(l, isWSP), []byte(" "))
			if len(lines[i]) > 0 && isWSP(rune(lines[i][0])) && len(l) > 0 {
				l = append([]byte(" "), l...)
			}
			lines[i] = l
		}
	}
	for len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		if relaxed {
			return nil
		}
		return []byte("\r\n")
	}
	return append(bytes.Join(lines, []byte("\r\n")), '\r', '\n')
}

func isWSP(r rune) bool { return r == ' ' || r == '\t' }
