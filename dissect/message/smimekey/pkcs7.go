package smimekey

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message/cms"
)

// pkcs7Certificates returns the certificates a PKCS#7/CMS signed-data
// carries (a .p7s signature, an opaque .p7m or a .p7b bundle).
func pkcs7Certificates(der []byte) (certs []*x509.Certificate, err error) {
	switch kind := cms.ContentType(der); kind {
	case cms.SignedData:
	case cms.EnvelopedData, cms.AuthEnvelopedData:
		return nil, errors.New("encrypted S/MIME data (enveloped) carries no certificate, only its recipients' issuer and serial number")
	default:
		return nil, fmt.Errorf("PKCS#7 %s carries no certificate", kind)
	}
	defer func() {
		if r := recover(); r != nil {
			certs, err = nil, fmt.Errorf("malformed PKCS#7 signed data (%v)", r)
		}
	}()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("PKCS#7 signed data does not parse: %w", err)
	}
	if len(p7.Certificates) == 0 {
		return nil, errors.New("the PKCS#7 signed data carries no certificate")
	}
	return p7.Certificates, nil
}
