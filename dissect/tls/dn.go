package tls

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
)

// attributeNames are the short names OpenSSL and Wireshark print for the
// attributes of a distinguished name.
var attributeNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
	"2.5.4.42":                   "GN",
	"2.5.4.97":                   "organizationIdentifier",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.3.6.1.4.1.311.60.2.1.3":   "jurisdictionC",
	"2.5.4.15":                   "businessCategory",
}

// dnString prints a distinguished name in the order of the certificate
// ("C=US, O=Let's Encrypt, CN=R3"), as openssl x509 and Wireshark show it
// to students; values are made printable.
func dnString(n pkix.Name) string {
	var parts []string
	for _, atv := range n.Names {
		parts = append(parts, attributeName(atv.Type)+"="+printableValue(atv.Value))
	}
	return strings.Join(parts, ", ")
}

func attributeName(oid asn1.ObjectIdentifier) string {
	if s, ok := attributeNames[oid.String()]; ok {
		return s
	}
	return oid.String()
}

func printableValue(v any) string {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return '.'
		}
		return r
	}, s)
}
