package decrypt

import (
	"crypto/x509"
	"testing"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
)

// BenchmarkMessage decrypts and analyses one AES-256-CBC message for bob
// (RSA 2048 key transport): the cost a key adds per encrypted message.
func BenchmarkMessage(b *testing.B) {
	bob, err := smimekey.LoadFile(pki+"/bob.p12", "trousseau-bob")
	if err != nil {
		b.Fatal(err)
	}
	pkcs7.ContentEncryptionAlgorithm = pkcs7.EncryptionAlgorithmAES256CBC
	der, err := pkcs7.Encrypt([]byte(innerEntity), []*x509.Certificate{bob.Cert})
	if err != nil {
		b.Fatal(err)
	}
	m := message.Analyze(wrap(der, "enveloped-data"), message.Options{KeepRaw: true})
	keys := []*smimekey.Key{bob}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Encryption.Decryption, m.SMIMEDecrypted = "", nil
		Message(m, keys, message.Options{})
		if m.SMIMEDecrypted == nil {
			b.Fatal("not decrypted")
		}
	}
}
