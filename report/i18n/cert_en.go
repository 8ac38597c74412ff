package i18n

// certEN holds the sentences of `mailwire cert`, of S/MIME decryption and
// of the certificate questions of the lab (1.3.1.4 and 1.3.1.5).
var certEN = map[string]string{
	"cert.title":            "Certificate {n} of {file}",
	"cert.subject":          "Subject: {v}",
	"cert.email":            "E-mail address: {v}",
	"cert.issuer":           "Issuer: {v}",
	"cert.serial":           "Serial number: {v} (hex)",
	"cert.key":              "Public key: {v}",
	"cert.key-usage":        "Key usage: {v}",
	"cert.ext-key-usage":    "Extended key usage: {v}",
	"cert.none":             "none",
	"cert.type":             "Type: X.509 version {version} certificate ({kind}), signed with {sigalg}.",
	"cert.kind.ca":          "a certificate authority's: it issues other certificates",
	"cert.kind.self":        "self-signed",
	"cert.kind.user":        "an end entity's, issued by {issuer}",
	"cert.encoding.PEM":     "Encoding: PEM, the base64 text of the DER encoding (binary ASN.1) between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines; that is why cat shows readable letters that mean nothing (1.3.1.4).",
	"cert.encoding.DER":     "Encoding: DER, the binary ASN.1 encoding itself; PEM is the same bytes as base64 text (1.3.1.4).",
	"cert.validity":         "Valid from {from} to {to}: {days} days.",
	"cert.valid.now":        "Valid today ({today}): {left} days left.",
	"cert.valid.expired":    "Expired: not valid since {to}.",
	"cert.valid.not-yet":    "Not valid yet: valid from {from}.",
	"cert.uses.smime-only":  "Usable for S/MIME only (signing and encrypting e-mail): its extended key usage is emailProtection alone (1.3.1.5).",
	"cert.uses.smime-also":  "Usable for S/MIME (emailProtection) and also for: {uses} (1.3.1.5).",
	"cert.uses.no-smime":    "Not usable for S/MIME (no emailProtection extended key usage); usable for: {uses} (1.3.1.5).",
	"cert.uses.any":         "No extended key usage: not restricted to one application; the key usage alone limits it ({ku}) (1.3.1.5).",
	"cert.use.clientAuth":   "TLS client authentication",
	"cert.use.serverAuth":   "TLS server authentication (HTTPS, IMAPS, SMTPS)",
	"cert.use.codeSigning":  "code signing",
	"cert.use.timeStamping": "time stamping",
	"cert.use.OCSPSigning":  "signing OCSP responses",
	"cert.use.any":          "any application",
	"cert.use.ca":           "issuing certificates",
	"cert.ku.note":          "digitalSignature lets the key sign; keyEncipherment lets others encrypt a message key for it (S/MIME encryption).",

	"message.decrypted":         "Decrypted:",
	"message.decrypted.with":    "with {who}'s key: {mime}",
	"smime.recipient.seen":      "{who} (certificate seen in frame {frame})",
	"smime.recipient.key":       "{who} (the key given)",
	"smime.decrypted":           "decrypted with {who}'s key",
	"smime.not-for-key":         "not encrypted for this key",
	"smime.unsupported":         "cannot decrypt: algorithm not supported",
	"smime.failed":              "decryption failed",
	"lab.1.3.2.6.decrypted":     "mailwire opened it with {who}'s key as Thunderbird does: {mime}; text \"{preview}\".",
	"lab.1.3.2.6.inner-signed":  "Inside, the message is signed by {signer}: {verdict}.",
	"lab.1.3.2.6.not-for-key":   "The key given is not one of the recipients': not encrypted for this key.",
	"lab.1.3.1.5.q":             "What type is the certificate? Can it be used for other things than S/MIME? How long is it valid?",
	"lab.1.3.1.5.cert":          "The signer certificate of \"{subject}\" ({who}) is an X.509 certificate issued by {issuer}, valid from {from} to {to} ({days} days; {today}).",
	"lab.1.3.1.5.today.valid":   "valid on the day of the capture",
	"lab.1.3.1.5.today.invalid": "not valid on the day of the capture",
	"lab.1.3.1.5.missing":       "No signed message with its signer's certificate. Capture a signed message (SMTP sending or IMAP FETCH), or run mailwire cert certificat.crt.",
}

func init() { merge("en", certEN) }

// merge adds a catalogue kept in its own file to a language's catalogue.
func merge(lang string, extra map[string]string) {
	cat := catalogues[lang]
	for k, v := range extra {
		if lang == "fr" {
			v = frenchSpacing.Replace(v)
		}
		cat[k] = v
	}
}
