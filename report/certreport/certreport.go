// Package certreport describes X.509 certificates for `mailwire cert` and
// the lab's questions about them (1.3.1.4 and 1.3.1.5): how the file is
// encoded, what type the certificate is, what it may be used for and how
// long it is valid.
package certreport

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/certinfo"
	"github.com/mailwire/mailwire/dissect/message/cms"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/sanitize"
)

// Cert is one certificate as `mailwire cert --json` writes it; field names
// follow the signer of S/MIME messages.
type Cert struct {
	Kind         string    `json:"kind"` // "certificate"
	File         string    `json:"file"`
	Index        int       `json:"index"` // 1 for the first certificate of the file
	Subject      string    `json:"subject"`
	Email        string    `json:"email,omitempty"`
	Issuer       string    `json:"issuer"`
	Serial       string    `json:"serial"` // hex
	Version      int       `json:"version"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
	ValidityDays int       `json:"validity_days"`
	ValidNow     bool      `json:"valid_now"`
	KeyAlg       string    `json:"key_algorithm"`
	SigAlg       string    `json:"signature_algorithm"`
	KeyUsage     []string  `json:"key_usage"`
	ExtKeyUsage  []string  `json:"ext_key_usage"`
	SelfSigned   bool      `json:"self_signed"`
	CA           bool      `json:"ca"`
	Encoding     string    `json:"encoding"` // PEM or DER
	// Uses names what the certificate may be used for: smime, clientAuth,
	// serverAuth, codeSigning, ..., ca.
	Uses []string `json:"uses"`
}

// Read describes every certificate of a file (PEM, DER, PKCS#12 with
// password, PKCS#7 .p7s/.p7m/.p7b) at time now.
func Read(name string, data []byte, password string, now time.Time) ([]*Cert, error) {
	certs, enc, err := smimekey.Certificates(name, data, password)
	if err != nil {
		return nil, err
	}
	out := make([]*Cert, len(certs))
	for i, c := range certs {
		out[i] = Describe(c, enc, now)
		out[i].File, out[i].Index = name, i+1
	}
	return out, nil
}

// Describe fills a Cert from an X.509 certificate.
func Describe(c *x509.Certificate, encoding string, now time.Time) *Cert {
	d := &Cert{
		Kind: "certificate", Subject: sanitize.String(cms.DN(c.RawSubject), 0), Email: sanitize.String(certinfo.Email(c), 0),
		Issuer: sanitize.String(cms.DN(c.RawIssuer), 0), Serial: c.SerialNumber.Text(16), Version: c.Version,
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(),
		ValidityDays: Days(c.NotBefore, c.NotAfter),
		ValidNow:     !now.Before(c.NotBefore) && !now.After(c.NotAfter),
		KeyAlg:       certinfo.KeyDescription(c), SigAlg: c.SignatureAlgorithm.String(),
		KeyUsage: orEmpty(certinfo.KeyUsages(c.KeyUsage)), ExtKeyUsage: orEmpty(certinfo.ExtKeyUsages(c)),
		SelfSigned: certinfo.SelfSigned(c), CA: c.IsCA, Encoding: encoding,
	}
	d.Uses = Uses(d.KeyUsage, d.ExtKeyUsage, d.CA)
	return d
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Days is the length of a validity period in whole days.
func Days(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }

// Uses lists the applications a certificate serves: "smime" when its
// extended key usage allows e-mail protection, each other extended key
// usage, and "ca" when it may issue certificates. No extended key usage
// means "any".
func Uses(ku, eku []string, ca bool) []string {
	var out []string
	if len(eku) == 0 {
		out = append(out, "any")
	}
	for _, u := range eku {
		if u == "emailProtection" {
			out = append([]string{"smime"}, out...)
		} else {
			out = append(out, u)
		}
	}
	if ca || slices.Contains(ku, "keyCertSign") {
		out = append(out, "ca")
	}
	return out
}

// UsesSentence answers "can it be used for other things than S/MIME?" in
// the language of tr.
func UsesSentence(tr i18n.Tr, ku, eku []string, ca bool) string {
	uses := Uses(ku, eku, ca)
	if len(eku) == 0 {
		return tr.T("cert.uses.any", "ku", list(tr, ku))
	}
	var others []string
	smime := false
	for _, u := range uses {
		if u == "smime" {
			smime = true
			continue
		}
		if tr.Has("cert.use." + u) {
			others = append(others, tr.T("cert.use."+u))
		} else {
			others = append(others, u)
		}
	}
	switch {
	case smime && len(others) == 0:
		return tr.T("cert.uses.smime-only")
	case smime:
		return tr.T("cert.uses.smime-also", "uses", strings.Join(others, ", "))
	}
	return tr.T("cert.uses.no-smime", "uses", strings.Join(others, ", "))
}

func list(tr i18n.Tr, s []string) string {
	if len(s) == 0 {
		return tr.T("cert.none")
	}
	return strings.Join(s, ", ")
}

// Text is the description of c in the language of tr, one line each.
func Text(tr i18n.Tr, c *Cert, now time.Time) []string {
	kind := tr.T("cert.kind.user", "issuer", c.Issuer)
	switch {
	case c.CA:
		kind = tr.T("cert.kind.ca")
		if c.SelfSigned {
			kind += ", " + tr.T("cert.kind.self")
		}
	case c.SelfSigned:
		kind = tr.T("cert.kind.self")
	}
	day := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	out := []string{
		tr.T("cert.title", "n", strconv.Itoa(c.Index), "file", c.File),
		tr.T("cert.subject", "v", c.Subject),
	}
	if c.Email != "" {
		out = append(out, tr.T("cert.email", "v", c.Email))
	}
	out = append(out,
		tr.T("cert.issuer", "v", c.Issuer),
		tr.T("cert.serial", "v", c.Serial),
		tr.T("cert.type", "version", strconv.Itoa(c.Version), "kind", kind, "sigalg", c.SigAlg),
		tr.T("cert.encoding."+encodingKey(c.Encoding)),
		tr.T("cert.key", "v", c.KeyAlg),
		tr.T("cert.key-usage", "v", list(tr, c.KeyUsage)),
		tr.T("cert.ext-key-usage", "v", list(tr, c.ExtKeyUsage)),
		UsesSentence(tr, c.KeyUsage, c.ExtKeyUsage, c.CA),
	)
	if slices.Contains(c.KeyUsage, "digitalSignature") || slices.Contains(c.KeyUsage, "keyEncipherment") {
		out = append(out, tr.T("cert.ku.note"))
	}
	out = append(out, tr.T("cert.validity", "from", day(c.NotBefore), "to", day(c.NotAfter), "days", strconv.Itoa(c.ValidityDays)))
	switch {
	case now.Before(c.NotBefore):
		out = append(out, tr.T("cert.valid.not-yet", "from", day(c.NotBefore)))
	case now.After(c.NotAfter):
		out = append(out, tr.T("cert.valid.expired", "to", day(c.NotAfter)))
	default:
		out = append(out, tr.T("cert.valid.now", "today", day(now), "left", strconv.Itoa(Days(now, c.NotAfter))))
	}
	return out
}

func encodingKey(e string) string {
	if e == "DER" {
		return "DER"
	}
	return "PEM"
}

// String is for debugging.
func (c *Cert) String() string { return fmt.Sprintf("%s (%s)", c.Subject, c.Serial) }
