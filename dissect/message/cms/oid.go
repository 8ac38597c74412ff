package cms

import "encoding/asn1"

// algNames names the algorithms S/MIME messages use.
var algNames = map[string]string{
	"1.3.14.3.2.7":               "des-cbc",
	"1.2.840.113549.3.7":         "des-ede3-cbc",
	"1.2.840.113549.3.2":         "rc2-cbc",
	"2.16.840.1.101.3.4.1.2":     "aes128-cbc",
	"2.16.840.1.101.3.4.1.22":    "aes192-cbc",
	"2.16.840.1.101.3.4.1.42":    "aes256-cbc",
	"2.16.840.1.101.3.4.1.6":     "aes128-gcm",
	"2.16.840.1.101.3.4.1.26":    "aes192-gcm",
	"2.16.840.1.101.3.4.1.46":    "aes256-gcm",
	"2.16.840.1.101.3.4.1.5":     "aes128-wrap",
	"2.16.840.1.101.3.4.1.25":    "aes192-wrap",
	"2.16.840.1.101.3.4.1.45":    "aes256-wrap",
	"1.2.840.113549.1.9.16.3.18": "chacha20-poly1305",
	"1.2.840.113549.1.1.1":       "rsaEncryption",
	"1.2.840.113549.1.1.7":       "rsaes-oaep",
	"1.2.840.10045.2.1":          "ecPublicKey",
	"1.3.132.1.11.0":             "ecdh-sha224kdf",
	"1.3.132.1.11.1":             "ecdh-sha256kdf",
	"1.3.132.1.11.2":             "ecdh-sha384kdf",
	"1.3.132.1.11.3":             "ecdh-sha512kdf",
	"1.3.133.16.840.63.0.2":      "ecdh-sha1kdf",
	"1.2.840.113549.1.9.16.3.5":  "esdh",
}

// algName names an algorithm OID, or returns it dotted.
func algName(oid asn1.ObjectIdentifier) string {
	s := oid.String()
	if n, ok := algNames[s]; ok {
		return n
	}
	return s
}
