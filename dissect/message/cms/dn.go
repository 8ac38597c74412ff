package cms

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
)

// attrNames are the short names of distinguished-name attributes, with
// emailAddress, which S/MIME certificates carry and pkix prints as hex.
var attrNames = map[string]string{
	"2.5.4.3": "CN", "2.5.4.4": "SN", "2.5.4.5": "serialNumber", "2.5.4.6": "C",
	"2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "street", "2.5.4.10": "O",
	"2.5.4.11": "OU", "2.5.4.12": "title", "2.5.4.17": "postalCode", "2.5.4.42": "GN",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
}

// DN renders an encoded X.509 Name in RFC 4514 order (most specific
// first), e.g. "emailAddress=alice@example.org,CN=Alice,O=Lab,C=FR".
func DN(der []byte) string {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &rdns); err != nil || len(rest) > 0 {
		return ""
	}
	var parts []string
	for i := len(rdns) - 1; i >= 0; i-- {
		var set []string
		for _, atv := range rdns[i] {
			name, ok := attrNames[atv.Type.String()]
			if !ok {
				name = atv.Type.String()
			}
			set = append(set, name+"="+escapeDN(fmt.Sprint(atv.Value)))
		}
		parts = append(parts, strings.Join(set, "+"))
	}
	return strings.Join(parts, ",")
}

// escapeDN escapes the characters RFC 4514 reserves.
func escapeDN(s string) string {
	if !strings.ContainsAny(s, `,+"\<>;=`) && !strings.HasPrefix(s, "#") && !strings.HasPrefix(s, " ") {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if strings.ContainsRune(`,+"\<>;=`, r) || (i == 0 && (r == '#' || r == ' ')) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
