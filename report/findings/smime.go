package findings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

// smimeSigned: lab 1.3.2 item 4 asks which MIME type carries the signature.
func smimeSigned(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, m := range ix.messages {
		if !signed(m) {
			continue
		}
		sigType := signatureType(m)
		verified, signer := "unknown", ""
		if m.Signer != nil {
			signer = m.Signer.Email
			if signer == "" {
				signer = m.Signer.Subject
			}
			if m.Signer.Verified != nil {
				verified = fmt.Sprint(*m.Signer.Verified)
			}
		}
		out = append(out, newFinding(SMIMESigned, record.SeverityInfo, m.Session,
			i18n.RecordText("smime-signed.title", "subject_q", strconv.Quote(m.Subject), "type", sigType),
			i18n.RecordText("smime-signed.detail"),
			[]int64{m.Packet, m.EndPacket},
			map[string]string{"subject": m.Subject, "type": sigType, "signer": signer, "verified": verified}))
	}
	return out
}

// signatureType tells how the signature travels: detached in a
// multipart/signed with an application/pkcs7-signature part, or opaque in
// an application/pkcs7-mime signed-data.
func signatureType(m *record.Message) string {
	var outer, sig string
	for _, t := range m.MIME {
		ct := strings.ToLower(strings.TrimSpace(t))
		switch {
		case strings.HasPrefix(ct, "multipart/signed") && outer == "":
			outer = "multipart/signed"
		case strings.Contains(ct, "pkcs7-signature") && sig == "":
			sig = baseType(ct)
		case strings.Contains(ct, "pkcs7-mime") && outer == "":
			outer = baseType(ct)
		}
	}
	switch {
	case outer != "" && sig != "":
		return outer + " + " + sig
	case outer != "":
		return outer
	case sig != "":
		return sig
	}
	return "multipart/signed + application/pkcs7-signature"
}

// baseType strips the parameters of a content type.
func baseType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.TrimSpace(ct)
}

// smimeEncrypted: the body is protected, the headers are not, and only
// the holder of the private key can read it (lab 1.3.2 items 6 and 7).
func smimeEncrypted(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, m := range ix.messages {
		if !encrypted(m) || strings.HasPrefix(m.SMIME, "pgp") {
			continue
		}
		alg := ""
		if m.Encryption != nil {
			alg = m.Encryption.ContentAlg
		}
		out = append(out, newFinding(SMIMEEncrypted, record.SeverityInfo, m.Session,
			i18n.RecordText("smime-encrypted.title", "subject_q", strconv.Quote(m.Subject)),
			i18n.RecordText("smime-encrypted.detail"),
			[]int64{m.Packet, m.EndPacket},
			map[string]string{"subject": m.Subject, "from": m.From, "to": strings.Join(m.To, ", "), "algorithm": alg}))
	}
	return out
}
