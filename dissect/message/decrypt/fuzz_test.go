package decrypt

import (
	"crypto/x509"
	"math/big"
	"testing"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
)

// FuzzMessage feeds hostile enveloped data to a recipient's key: a
// warning, never a panic.
func FuzzMessage(f *testing.F) {
	bob, err := smimekey.LoadFile(pki+"/bob.p12", "trousseau-bob")
	if err != nil {
		f.Fatal(err)
	}
	m := message.Analyze(wrap(mustEncrypt(f, bob), "enveloped-data"), message.Options{KeepRaw: true})
	f.Add(m.Encryption.DER, false)
	f.Add(m.Encryption.DER, true)
	// Without the key, only the parsers and recipient matching run:
	// RSA is the slow part, and it is Go's, not ours.
	other := &smimekey.Key{Cert: &x509.Certificate{SerialNumber: big.NewInt(1), RawIssuer: []byte{0x30, 0}}, Priv: bob.Priv}
	f.Fuzz(func(t *testing.T, der []byte, withKey bool) {
		if !withKey {
			open(der, other)
			return
		}
		rec := &record.Message{Encryption: &record.Encryption{ContentType: "enveloped-data", ContentAlg: "aes256-cbc", DER: der,
			Recipients: []record.Recipient{{Issuer: m.Encryption.Recipients[0].Issuer, Serial: m.Encryption.Recipients[0].Serial, KeyAlg: "rsaEncryption"}}}}
		Message(rec, []*smimekey.Key{bob}, message.Options{})
	})
}

func mustEncrypt(f *testing.F, k *smimekey.Key) []byte {
	pkcs7.ContentEncryptionAlgorithm = pkcs7.EncryptionAlgorithmAES256CBC
	der, err := pkcs7.Encrypt([]byte(innerEntity), []*x509.Certificate{k.Cert})
	if err != nil {
		f.Fatal(err)
	}
	return der
}
