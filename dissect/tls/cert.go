package tls

import (
	"bytes"
	"crypto/x509"
	"net"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"github.com/mailwire/mailwire/dissect/certinfo"
	"github.com/mailwire/mailwire/dissect/record"
)

// certificateMessage reads the first (leaf) certificate of a TLS 1.2 or
// older Certificate message; the rest of the chain is not reported.
func (h *handler) certificateMessage(body []byte, frame int64, sd *side) {
	if h.cert != nil {
		return
	}
	s := cryptobyte.String(body)
	var list, der cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) {
		h.s.Warn(frame, record.WarnTLSMalformedCertificate)
		return
	}
	if list.Empty() {
		return // the client's empty certificate list
	}
	if !list.ReadUint24LengthPrefixed(&der) {
		h.s.Warn(frame, record.WarnTLSMalformedCertificate)
		return
	}
	h.rec.CertChain = certChain(body)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		h.s.Warn(frame, record.WarnTLSCertificateUnreadable, "error", err)
		return
	}
	h.cert, h.certAt = cert, sd.time
	h.rec.CertificatePacket = frame
	h.rec.CertSubject = dnString(cert.Subject)
	h.rec.CertIssuer = dnString(cert.Issuer)
	h.rec.CertSANs = certNames(cert)
	h.rec.CertKey = certinfo.KeyDescription(cert)
	h.rec.CertSelfSigned = selfSigned(cert)
	h.rec.CertID = certinfo.ID(cert)
	h.rec.NotBefore = cert.NotBefore.UTC()
	h.rec.NotAfter = cert.NotAfter.UTC()
}

// certNames lists the DNS names, addresses and e-mail addresses of the
// subject alternative name extension.
func certNames(c *x509.Certificate) []string {
	var out []string
	out = append(out, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	out = append(out, c.EmailAddresses...)
	return out
}

// selfSigned reports a certificate issued by its own subject and signed
// by its own key: nobody vouches for it, so a client cannot tell it from
// an impostor's without pinning it.
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawSubject, c.RawIssuer) {
		return false
	}
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// nameMatches checks the server name the client asked for against the
// certificate: its SANs, or its common name when it has none (as older
// clients still do).
func nameMatches(c *x509.Certificate, name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if len(c.DNSNames) > 0 || len(c.IPAddresses) > 0 {
		return c.VerifyHostname(name) == nil
	}
	if net.ParseIP(name) != nil {
		return false
	}
	return hostMatches(strings.ToLower(c.Subject.CommonName), name)
}

// hostMatches matches a host name against a pattern with an optional
// leftmost wildcard label.
func hostMatches(pattern, host string) bool {
	if pattern == host {
		return true
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok {
		return false
	}
	_, hostRest, ok := strings.Cut(host, ".")
	return ok && hostRest == rest
}
