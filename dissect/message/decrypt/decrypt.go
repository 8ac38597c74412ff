// Package decrypt opens S/MIME encrypted messages with the private keys a
// user gives (their own .p12), the way their mail client would, and
// analyses the inner message like any other. A key that is not one of the
// message's recipients is not used; an algorithm Go's standard library
// cannot open is named in a warning.
package decrypt

import (
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/cms"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
)

// Outcomes of record.Encryption.Decryption.
const (
	Decrypted   = "decrypted"
	NotForKey   = "not-for-key"
	Unsupported = "unsupported"
	Failed      = "failed"
)

// supportedContent are the content ciphers the decryption library opens
// (RFC 5652 enveloped-data only).
var supportedContent = map[string]bool{
	"aes128-cbc": true, "aes256-cbc": true, "aes128-gcm": true, "aes256-gcm": true,
	"des-ede3-cbc": true, "des-cbc": true,
}

// supportedKeyTransport are the recipient key algorithms it opens.
var supportedKeyTransport = map[string]bool{"rsaEncryption": true, "rsaes-oaep": true}

// Supported lists what can be decrypted, for messages and help texts.
const Supported = "RSA key transport (PKCS#1 v1.5 or OAEP) with AES-128/256-CBC, AES-128/256-GCM, 3DES or DES in enveloped-data, and RSA PKCS#1 v1.5 with AES-128/192/256-GCM in authEnveloped-data"

// Message names m's recipients that one of keys belongs to and, when one
// does, decrypts m and fills m.Decrypted with the inner message analysed
// with opt. It needs the enveloped data the analysis keeps with the
// message bytes (message.Options.KeepRaw).
func Message(m *record.Message, keys []*smimekey.Key, opt message.Options) {
	enc := m.Encryption
	if enc == nil || len(keys) == 0 {
		return
	}
	var key *smimekey.Key
	var rcpt *record.Recipient
	for i := range enc.Recipients {
		r := &enc.Recipients[i]
		for _, k := range keys {
			if Matches(r, k.Cert) {
				r.Email, r.CertSource = k.Name(), "key"
				if key == nil {
					key, rcpt = k, r
				}
			}
		}
	}
	if key == nil {
		enc.Decryption = NotForKey
		return
	}
	if why := unsupported(enc, rcpt); why != "" {
		enc.Decryption = Unsupported
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnSMIMEUnsupported, "key", key.Name(), "what", why, "supported", Supported))
		return
	}
	if enc.DER == nil {
		return
	}
	opener := open
	if enc.ContentType == cms.AuthEnvelopedData {
		opener = openAuth
	}
	plain, err := opener(enc.DER, key)
	if err != nil {
		enc.Decryption = Failed
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnSMIMEDecryptFailed, "key", key.Name(), "error", err))
		return
	}
	enc.Decryption = Decrypted
	enc.DecryptedWith = key.Name()
	m.SMIMEDecrypted = inner(plain, opt)
}

// Matches tells whether certificate c is recipient r's: same issuer and
// serial number, or same subject key identifier.
func Matches(r *record.Recipient, c *x509.Certificate) bool {
	if r.SubjectKeyID != "" {
		return r.SubjectKeyID == hex.EncodeToString(c.SubjectKeyId)
	}
	return r.Serial != "" && r.Serial == c.SerialNumber.Text(16) && r.Issuer == cms.DN(c.RawIssuer)
}

// unsupported names what stops decryption, or returns "".
func unsupported(enc *record.Encryption, r *record.Recipient) string {
	switch {
	case enc.ContentType == cms.AuthEnvelopedData && (r.KeyAlg != "rsaEncryption" || authKeyLen[enc.ContentAlg] == 0):
		return "authEnveloped-data with " + dash(r.KeyAlg) + " and " + dash(enc.ContentAlg)
	case enc.ContentType != cms.EnvelopedData && enc.ContentType != cms.AuthEnvelopedData:
		return enc.ContentType
	case !supportedKeyTransport[r.KeyAlg]:
		return "the recipient key algorithm " + dash(r.KeyAlg)
	case r.SubjectKeyID != "":
		return "a recipient named by subject key identifier"
	case enc.ContentType == cms.EnvelopedData && !supportedContent[enc.ContentAlg]:
		return "the content cipher " + dash(enc.ContentAlg)
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// open decrypts the enveloped data; the library reads hostile BER and
// padding, so a panic in it is an error.
func open(der []byte, k *smimekey.Key) (plain []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			plain, err = nil, fmt.Errorf("malformed enveloped data (%v)", r)
		}
	}()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, err
	}
	plain, err = p7.Decrypt(k.Cert, k.Priv)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "pkcs7: "))
	}
	return plain, nil
}

// inner analyses the decrypted MIME entity as a message of its own.
func inner(plain []byte, opt message.Options) *record.Decrypted {
	im := message.Analyze(plain, opt)
	d := &record.Decrypted{
		Size: im.Size, Subject: im.Subject, MIME: im.MIME, Attachments: im.Attachments,
		SMIME: im.SMIME, Signer: im.Signer, Encryption: im.Encryption,
		BodyPreview: im.BodyPreview, Warnings: im.Warnings,
	}
	if opt.KeepRaw {
		d.Raw = plain
	}
	if d.Encryption != nil {
		d.Encryption.DER = nil
	}
	return d
}
