package smimekey

import (
	"crypto/x509"
	"strings"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message/cms"
)

// pkcs7Certificates returns the certificates a PKCS#7/CMS signed-data
// carries (a .p7s signature, an opaque .p7m or a .p7b bundle); name is
// the file the errors cite.
func pkcs7Certificates(name string, der []byte) (certs []*x509.Certificate, err error) {
	switch kind := cms.ContentType(der); kind {
	case cms.SignedData:
	case cms.EnvelopedData, cms.AuthEnvelopedData:
		return nil, fail(name, ErrEnvelopedOnly, recipients(der))
	default:
		return nil, fail(name, ErrNoCertificate, "PKCS#7 "+kind)
	}
	defer func() {
		if r := recover(); r != nil {
			certs, err = nil, fail(name, ErrBadPKCS7, r)
		}
	}()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fail(name, ErrBadPKCS7, err)
	}
	if len(p7.Certificates) == 0 {
		return nil, fail(name, ErrNoCertificate, nil)
	}
	return p7.Certificates, nil
}

// recipients names the recipients of enveloped data by issuer and serial.
func recipients(der []byte) string {
	env, _ := cms.ParseEnveloped(der)
	if env == nil || len(env.Recipients) == 0 {
		return "no recipient readable"
	}
	var out []string
	for _, r := range env.Recipients {
		switch {
		case r.Serial != "":
			out = append(out, "issuer "+r.Issuer+" serial "+r.Serial)
		case r.SubjectKeyID != "":
			out = append(out, "key id "+r.SubjectKeyID)
		default:
			out = append(out, r.KeyAlg)
		}
	}
	return strings.Join(out, "; ")
}
