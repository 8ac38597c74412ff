package message

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message/cms"
	"github.com/mailwire/mailwire/dissect/record"
)

// isPKCS7Mime tells whether a part is an opaque S/MIME object
// (application/pkcs7-mime, the legacy x- type, or an smime.p7m file).
func isPKCS7Mime(e *entity) bool {
	switch e.ctype {
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
		return true
	case "application/octet-stream":
		return strings.HasSuffix(strings.ToLower(filename(e)), ".p7m")
	}
	return false
}

// isPKCS7Signature tells whether a part is a detached S/MIME signature.
func isPKCS7Signature(e *entity) bool {
	switch e.ctype {
	case "application/pkcs7-signature", "application/x-pkcs7-signature":
		return true
	case "application/octet-stream":
		return strings.HasSuffix(strings.ToLower(filename(e)), ".p7s")
	}
	return false
}

// multipartSigned checks a multipart/signed entity: its first part is the
// signed content, byte for byte as it crossed the wire, its second the
// signature. OpenPGP signatures are only recognised.
func (wk *walker) multipartSigned(e *entity, parts [][]byte, closed bool) {
	proto := strings.ToLower(e.params["protocol"])
	if strings.Contains(proto, "pgp") {
		wk.pgpSigned = true
		return
	}
	wk.signed = true
	if len(parts) < 2 {
		wk.w.add(record.WarnSMIMESignedParts, "parts", len(parts))
		return
	}
	sh, sb := splitHeader(parts[1], &warnings{})
	sig := &entity{h: sh, body: sb}
	sig.ctype, sig.params = mediaType(sh.get("content-type"))
	sig.disp, sig.dparams = mediaType(sh.get("content-disposition"))
	if !isPKCS7Signature(sig) && !strings.Contains(proto, "pkcs7") {
		wk.w.add(record.WarnSMIMEUnknownProtocol, "protocol", record.Quote(clip(sanitize(proto), 40)))
		return
	}
	der := wk.decodeAll(sig)
	wk.m.Signer = wk.verify(der, parts[0])
	if s := wk.m.Signer; s != nil && !closed && s.Verified != nil && !*s.Verified {
		s.VerifyError = "the signed message is incomplete in the capture (no final boundary): " + s.VerifyError
	}
}

// pkcs7Mime reads an opaque S/MIME part: signed-data whose content is
// walked as the inner message, or enveloped data whose recipients and
// cipher are shown.
func (wk *walker) pkcs7Mime(e *entity) {
	wk.attachment(e)
	der := wk.decodeAll(e)
	kind := cms.ContentType(der)
	switch kind {
	case cms.SignedData:
		if strings.EqualFold(e.params["smime-type"], "certs-only") {
			wk.w.add(record.WarnSMIMECertsOnly)
			return
		}
		wk.signed = true
		p7, inner := wk.opaqueSigned(der)
		if p7 != nil && inner != nil {
			ih, ib := splitHeader(inner, wk.w)
			wk.walk(ih, ib, e.depth+1, "text/plain")
		}
	case cms.EnvelopedData, cms.AuthEnvelopedData:
		wk.encrypted = true
		wk.enveloped(der)
	case "":
		wk.w.add(record.WarnSMIMENotCMS, "type", sanitize(e.ctype))
	default:
		wk.w.add(record.WarnSMIMEOtherCMS, "type", sanitize(e.ctype), "cms", kind)
	}
}

// opaqueSigned verifies signed-data that carries its own content.
func (wk *walker) opaqueSigned(der []byte) (*pkcs7.PKCS7, []byte) {
	p7, err := parsePKCS7(der)
	if err != nil {
		wk.w.add(record.WarnSMIMESignedUnreadable, "error", err)
		return nil, nil
	}
	wk.m.Signer = wk.check(p7, p7.Content)
	return p7, p7.Content
}

// verify checks a detached signature over the signed part's bytes.
func (wk *walker) verify(der, content []byte) *record.Signer {
	p7, err := parsePKCS7(der)
	if err != nil {
		wk.w.add(record.WarnSMIMESignatureUnreadable, "error", err)
		return nil
	}
	return wk.check(p7, content)
}

// check verifies p7 over content and describes its signer. A message that
// went through a store with bare LF line ends is tried again in canonical
// CRLF form, the form S/MIME signs.
func (wk *walker) check(p7 *pkcs7.PKCS7, content []byte) *record.Signer {
	if len(p7.Signers) == 0 {
		wk.w.add(record.WarnSMIMENoSigner)
		return nil
	}
	if len(p7.Signers) > 1 {
		wk.w.add(record.WarnSMIMEManySigners, "signers", len(p7.Signers))
	}
	si := p7.Signers[0]
	s := &record.Signer{
		DigestAlg: oidName(si.DigestAlgorithm.Algorithm),
		SigAlg:    oidName(si.DigestEncryptionAlgorithm.Algorithm),
	}
	cert := signerCert(p7)
	if cert != nil {
		describeCert(s, cert)
	} else {
		wk.w.add(record.WarnSMIMENoSignerCert)
	}
	err := verifyPKCS7(p7, content)
	var mismatch *pkcs7.MessageDigestMismatchError
	if errors.As(err, &mismatch) && bytes.Contains(content, []byte("\n")) && !bytes.Contains(content, []byte("\r\n")) {
		err = verifyPKCS7(p7, bytes.ReplaceAll(content, []byte("\n"), []byte("\r\n")))
	}
	s.Verified = record.Bool(err == nil)
	if err != nil {
		s.VerifyError = verifyReason(err)
	}
	return s
}

// parsePKCS7 parses signed data; the library parses hostile BER, so a
// panic in it becomes an error rather than the end of the analysis.
func parsePKCS7(der []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, fmt.Errorf("malformed signed data (%v)", r)
		}
	}()
	return pkcs7.Parse(der)
}

// verifyPKCS7 checks the signature of p7 over content, a panic in the
// library being an error too.
func verifyPKCS7(p7 *pkcs7.PKCS7, content []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed signature (%v)", r)
		}
	}()
	p7.Content = content
	return p7.Verify()
}

// verifyReason says in plain words why a signature does not verify.
func verifyReason(err error) string {
	var mismatch *pkcs7.MessageDigestMismatchError
	var timeErr *pkcs7.SigningTimeNotValidError
	switch {
	case errors.As(err, &mismatch):
		return "content was modified after signing: message digest mismatch"
	case errors.As(err, &timeErr):
		return fmt.Sprintf("signed at %s, outside the certificate's validity", timeErr.SigningTime.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return sanitize(err.Error())
}

// signerCert finds the certificate of the first signer.
func signerCert(p7 *pkcs7.PKCS7) *x509.Certificate {
	if c := p7.GetOnlySigner(); c != nil {
		return c
	}
	ias := p7.Signers[0].IssuerAndSerialNumber
	for _, c := range p7.Certificates {
		if c.SerialNumber.Cmp(ias.SerialNumber) == 0 && bytes.Equal(c.RawIssuer, ias.IssuerName.FullBytes) {
			return c
		}
	}
	return nil
}

// enveloped describes an encrypted S/MIME message.
func (wk *walker) enveloped(der []byte) {
	env, err := cms.ParseEnveloped(der)
	if err != nil {
		wk.w.add(record.WarnSMIMEEnvelopedUnreadable, "error", err)
	}
	if env == nil {
		return
	}
	enc := &record.Encryption{ContentType: env.ContentType, ContentAlg: env.ContentAlg, WeakAlgorithm: env.Weak}
	if wk.opt.KeepRaw || wk.opt.KeepEnveloped {
		// For decryption with a key given.
		enc.DER = der
	}
	for _, r := range env.Recipients {
		enc.Recipients = append(enc.Recipients, record.Recipient{
			Issuer: sanitize(r.Issuer), Serial: r.Serial, SubjectKeyID: r.SubjectKeyID, KeyAlg: r.KeyAlg,
		})
	}
	wk.m.Encryption = enc
}

var oidNames = map[string]string{
	"1.3.14.3.2.26":          "sha1",
	"2.16.840.1.101.3.4.2.1": "sha256",
	"2.16.840.1.101.3.4.2.2": "sha384",
	"2.16.840.1.101.3.4.2.3": "sha512",
	"2.16.840.1.101.3.4.2.4": "sha224",
	"1.2.840.113549.2.5":     "md5",
	"1.2.840.113549.1.1.1":   "rsaEncryption",
	"1.2.840.113549.1.1.5":   "sha1WithRSAEncryption",
	"1.2.840.113549.1.1.11":  "sha256WithRSAEncryption",
	"1.2.840.113549.1.1.12":  "sha384WithRSAEncryption",
	"1.2.840.113549.1.1.13":  "sha512WithRSAEncryption",
	"1.2.840.113549.1.1.10":  "rsassa-pss",
	"1.2.840.10045.2.1":      "ecPublicKey",
	"1.2.840.10045.4.3.2":    "ecdsa-with-SHA256",
	"1.2.840.10045.4.3.3":    "ecdsa-with-SHA384",
	"1.2.840.10045.4.3.4":    "ecdsa-with-SHA512",
	"1.3.101.112":            "ed25519",
}

func oidName(oid asn1.ObjectIdentifier) string {
	if n, ok := oidNames[oid.String()]; ok {
		return n
	}
	return oid.String()
}
