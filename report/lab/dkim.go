package lab

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// dkimKeys collects the DNS TXT answers of the capture that publish a
// DKIM key (selector._domainkey.domain), by lower-case name.
func dkimKeys(recs []record.Record) map[string]string {
	keys := map[string]string{}
	for _, r := range recs {
		d, ok := r.(*record.DNS)
		if !ok || !strings.EqualFold(d.Type, "TXT") || !strings.Contains(strings.ToLower(d.Name), "._domainkey.") {
			continue
		}
		for _, a := range d.Answers {
			if a.Text != "" {
				keys[strings.ToLower(strings.TrimSuffix(d.Name, "."))] = a.Text
			}
		}
	}
	return keys
}

// verifyDKIM checks one signature with the key the capture's DNS holds
// for it: "valid", "invalid", or "" when the key is not in the capture
// or the signature cannot be checked (algorithm, key type).
func verifyDKIM(d record.DKIM, keys map[string]string) string {
	if d.HeaderDigest == nil || d.Signature == nil {
		return ""
	}
	txt, ok := keys[strings.ToLower(d.Selector+"._domainkey."+d.Domain)]
	if !ok {
		return ""
	}
	pub, ok := rsaKey(txt)
	if !ok {
		return ""
	}
	h := crypto.SHA256
	if strings.EqualFold(d.Algorithm, "rsa-sha1") {
		h = crypto.SHA1
	}
	if len(d.HeaderDigest) != h.Size() {
		return ""
	}
	if rsa.VerifyPKCS1v15(pub, h, d.HeaderDigest, d.Signature) != nil {
		return "invalid"
	}
	return "valid"
}

// rsaKey reads the p= tag of a DKIM key record (RFC 6376 3.6.1): a
// SubjectPublicKeyInfo, or the bare RSAPublicKey some publish.
func rsaKey(txt string) (*rsa.PublicKey, bool) {
	tags := map[string]string{}
	for _, part := range strings.Split(txt, ";") {
		if k, v, ok := strings.Cut(part, "="); ok {
			tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(v), "")
		}
	}
	if k := tags["k"]; k != "" && !strings.EqualFold(k, "rsa") {
		return nil, false
	}
	der, err := base64.StdEncoding.DecodeString(tags["p"])
	if err != nil || len(der) == 0 {
		return nil, false // an empty p= is a revoked key
	}
	if key, err := x509.ParsePKIXPublicKey(der); err == nil {
		pub, ok := key.(*rsa.PublicKey)
		return pub, ok
	}
	pub, err := x509.ParsePKCS1PublicKey(der)
	return pub, err == nil
}

// aligned tells whether a signing domain vouches for the From's domain:
// the same domain or a parent of it.
func aligned(signer, from string) bool {
	signer, from = strings.ToLower(signer), strings.ToLower(from)
	return signer != "" && (from == signer || strings.HasSuffix(from, "."+signer))
}
