// Package smimekey loads the private keys that open S/MIME messages: a
// PKCS#12 file (.p12, .pfx; modern AES or legacy RC2/3DES encryption) or a
// PEM private key with its certificate.
package smimekey

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/mailwire/mailwire/dissect/certinfo"
	"github.com/mailwire/mailwire/dissect/message/cms"
)

// maxFile bounds a key file: real ones are a few KiB.
const maxFile = 1 << 20

// Key is a private key with the certificate that names it.
type Key struct {
	File  string // where it was loaded from
	Cert  *x509.Certificate
	Chain []*x509.Certificate // CA certificates that came with it
	Priv  crypto.PrivateKey
}

// Name is the key's owner as the reports name recipients: the
// certificate's e-mail address, else its subject.
func (k *Key) Name() string { return certinfo.Name(k.Cert) }

// ErrPassword is matched (errors.Is) by every wrong-password error.
var ErrPassword = errors.New("wrong password")

// PasswordError says that a PKCS#12 file did not open with the password.
type PasswordError struct {
	File  string
	Empty bool // no password was given
}

func (e *PasswordError) Error() string {
	if e.Empty {
		return fmt.Sprintf("%s: the PKCS#12 file needs a password: give it with --smime-pass (--pass for mailwire cert) or MAILWIRE_SMIME_PASS", e.File)
	}
	return fmt.Sprintf("%s: wrong password for the PKCS#12 file (check --smime-pass, --pass for mailwire cert, or MAILWIRE_SMIME_PASS)", e.File)
}

func (e *PasswordError) Is(target error) bool { return target == ErrPassword }

// Why a key or certificate file cannot be used, for the caller to word in
// its own language: every error but a PasswordError or a file that cannot
// be read is an *Error of one of these kinds.
var (
	ErrTooLarge          = errors.New("larger than 1 MiB: not a key or certificate file")
	ErrMalformed         = errors.New("malformed file")
	ErrTooManyIterations = errors.New("the PKCS#12 file asks for more than a million key-derivation iterations: it is not a normal key store")
	ErrTooManyElements   = errors.New("the PKCS#12 file has more than 20000 ASN.1 elements: it is not a normal key store")
	ErrNotPKCS12         = errors.New("not a usable PKCS#12 file with one key and its certificate")
	ErrBadCertificate    = errors.New("a certificate does not parse")
	ErrBadPrivateKey     = errors.New("the private key does not parse")
	ErrEncryptedPEM      = errors.New("the PEM key is encrypted: decrypt it first (openssl pkey -in KEY -out plain.key) or use the .p12")
	ErrNoPrivateKey      = errors.New("no private key in this PEM file")
	ErrNoCert            = errors.New("a PEM private key without its certificate: put the certificate in the same file or in a .crt file next to it")
	ErrKeyMismatch       = errors.New("none of the certificates matches the private key")
	ErrNoCertificate     = errors.New("no certificate in this file")
	ErrEnvelopedOnly     = errors.New("encrypted S/MIME data carries no certificate, only who it is for")
	ErrBadPKCS7          = errors.New("the PKCS#7 signed data does not parse")
	ErrUnknownFile       = errors.New("not a certificate (PEM or DER), a PKCS#12 file or a PKCS#7 object")
)

// Error says which file could not be used, why (Kind, one of the Err
// values above) and the decoder's own words (Reason) when it has some.
type Error struct {
	File   string
	Kind   error
	Reason string
}

func (e *Error) Error() string {
	if e.Reason == "" {
		return e.File + ": " + e.Kind.Error()
	}
	return e.File + ": " + e.Kind.Error() + " (" + e.Reason + ")"
}

func (e *Error) Unwrap() error { return e.Kind }

// fail builds an *Error; reason, when not nil, is the decoder's message.
func fail(name string, kind error, reason any) error {
	e := &Error{File: name, Kind: kind}
	if reason != nil {
		e.Reason = fmt.Sprint(reason)
	}
	return e
}

// LoadFile loads the key at path with password (PKCS#12 only). A PEM key
// without a certificate takes it from the file next to it with the same
// name and a .crt, .pem or .cer extension.
func LoadFile(path, password string) (*Key, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	k, err := Load(path, data, password)
	if errors.Is(err, ErrNoCert) {
		for _, ext := range []string{".crt", ".pem", ".cer"} {
			sib := strings.TrimSuffix(path, filepath.Ext(path)) + ext
			if sib == path {
				continue
			}
			if cdata, cerr := readBounded(sib); cerr == nil {
				return Load(path, append(append(data, '\n'), cdata...), password)
			}
		}
	}
	return k, err
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	if len(data) > maxFile {
		return nil, fail(path, ErrTooLarge, nil)
	}
	return data, nil
}

// ReadFile reads a key or certificate file, bounded in size.
func ReadFile(path string) ([]byte, error) { return readBounded(path) }

// Load reads a key from data: PEM when it has PEM blocks, else PKCS#12.
func Load(name string, data []byte, password string) (*Key, error) {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		return loadPEM(name, data)
	}
	return loadPKCS12(name, data, password)
}

func loadPKCS12(name string, data []byte, password string) (k *Key, err error) {
	defer func() {
		// The decoder reads hostile ASN.1: a panic is a bad file.
		if r := recover(); r != nil {
			k, err = nil, fail(name, ErrMalformed, r)
		}
	}()
	if err := checkIterations(data); err != nil {
		return nil, fail(name, err, nil)
	}
	priv, cert, chain, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, &PasswordError{File: name, Empty: password == ""}
	}
	if err != nil {
		return nil, fail(name, ErrNotPKCS12, err)
	}
	return &Key{File: name, Cert: cert, Chain: chain, Priv: priv}, nil
}

func loadPEM(name string, data []byte) (*Key, error) {
	k := &Key{File: name}
	var certs []*x509.Certificate
	for _, b := range pemBlocks(data) {
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fail(name, ErrBadCertificate, err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY":
			p, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fail(name, ErrBadPrivateKey, err)
			}
			k.Priv = p
		case "RSA PRIVATE KEY":
			if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, fail(name, ErrEncryptedPEM, nil)
			}
			p, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, fail(name, ErrBadPrivateKey, err)
			}
			k.Priv = p
		case "EC PRIVATE KEY":
			p, err := x509.ParseECPrivateKey(b.Bytes)
			if err != nil {
				return nil, fail(name, ErrBadPrivateKey, err)
			}
			k.Priv = p
		case "ENCRYPTED PRIVATE KEY":
			return nil, fail(name, ErrEncryptedPEM, nil)
		}
	}
	if k.Priv == nil {
		return nil, fail(name, ErrNoPrivateKey, nil)
	}
	if len(certs) == 0 {
		return nil, fail(name, ErrNoCert, nil)
	}
	// The certificate is the one whose public key matches the private key.
	pub, ok := k.Priv.(interface{ Public() crypto.PublicKey })
	for _, c := range certs {
		if ok {
			if eq, ok2 := pub.Public().(interface{ Equal(crypto.PublicKey) bool }); ok2 && eq.Equal(c.PublicKey) {
				k.Cert = c
				continue
			}
		}
		k.Chain = append(k.Chain, c)
	}
	if k.Cert == nil {
		return nil, fail(name, ErrKeyMismatch, nil)
	}
	return k, nil
}

// Certificates reads every certificate a file holds: PEM or DER X.509,
// PKCS#12 (the key's certificate first, then its chain; a keyless
// trust store too) and PKCS#7/CMS (.p7s, .p7m, .p7b) signed data. encoding
// is "PEM" or "DER" as the file stores them.
func Certificates(name string, data []byte, password string) (certs []*x509.Certificate, encoding string, err error) {
	defer func() {
		if r := recover(); r != nil {
			certs, err = nil, fail(name, ErrMalformed, r)
		}
	}()
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		return pemCertificates(name, data, password)
	}
	return derCertificates(name, data, password)
}

func pemCertificates(name string, data []byte, password string) ([]*x509.Certificate, string, error) {
	var out []*x509.Certificate
	for _, b := range pemBlocks(data) {
		switch b.Type {
		case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return out, "PEM", fail(name, ErrBadCertificate, err)
			}
			out = append(out, c)
		case "PKCS7", "CMS":
			cs, _, err := derCertificates(name, b.Bytes, password)
			if err != nil {
				return out, "PEM", err
			}
			out = append(out, cs...)
		}
	}
	if len(out) == 0 {
		return nil, "PEM", fail(name, ErrNoCertificate, nil)
	}
	return out, "PEM", nil
}

// maxPEMBlocks bounds the blocks read from one PEM file.
const maxPEMBlocks = 64

// pemBlocks decodes the PEM blocks of data, at most maxPEMBlocks of them.
func pemBlocks(data []byte) []*pem.Block {
	var out []*pem.Block
	for len(out) < maxPEMBlocks {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		out = append(out, b)
	}
	return out
}

func derCertificates(name string, data []byte, password string) ([]*x509.Certificate, string, error) {
	if c, err := x509.ParseCertificate(data); err == nil {
		return []*x509.Certificate{c}, "DER", nil
	}
	if cms.ContentType(data) != "" {
		cs, err := pkcs7Certificates(name, data)
		if err != nil {
			return nil, "DER", err
		}
		return cs, "DER", nil
	}
	k, err := loadPKCS12(name, data, password)
	if err == nil {
		return append([]*x509.Certificate{k.Cert}, k.Chain...), "DER", nil
	}
	if errors.Is(err, ErrPassword) || errors.Is(err, ErrTooManyIterations) || errors.Is(err, ErrTooManyElements) {
		return nil, "DER", err
	}
	if cs, terr := pkcs12.DecodeTrustStore(data, password); terr == nil && len(cs) > 0 {
		return cs, "DER", nil
	}
	return nil, "DER", fail(name, ErrUnknownFile, nil)
}
