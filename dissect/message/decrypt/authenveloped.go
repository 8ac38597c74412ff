package decrypt

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/mailwire/mailwire/dissect/message/cms"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
)

// authKeyLen is the key size of each AES-GCM content cipher.
var authKeyLen = map[string]int{"aes128-gcm": 16, "aes192-gcm": 24, "aes256-gcm": 32}

// openAuth decrypts AuthEnvelopedData (RFC 5083, what openssl cms
// -aes-*-gcm writes) with Go's RSA and AES-GCM: the decryption library
// reads only EnvelopedData.
func openAuth(der []byte, k *smimekey.Key) ([]byte, error) {
	ae, err := cms.ParseAuthEnveloped(der)
	if err != nil {
		return nil, err
	}
	var kt *cms.KeyTrans
	for i := range ae.Recipients {
		r := ae.Recipients[i].Recipient
		if Matches(&record.Recipient{Issuer: r.Issuer, Serial: r.Serial, SubjectKeyID: r.SubjectKeyID}, k.Cert) {
			kt = &ae.Recipients[i]
			break
		}
	}
	if kt == nil {
		return nil, errors.New("no recipient for this certificate")
	}
	dec, ok := k.Priv.(crypto.Decrypter)
	if !ok || kt.KeyAlg != "rsaEncryption" {
		return nil, fmt.Errorf("key transport %s is not supported here", kt.KeyAlg)
	}
	if _, isRSA := dec.Public().(*rsa.PublicKey); !isRSA {
		return nil, errors.New("only RSA keys transport content keys")
	}
	//lint:ignore SA1019 CMS key transport (RFC 5652) is RSA PKCS #1 v1.5: mail encrypted that way can only be opened that way
	cek, err := dec.Decrypt(rand.Reader, kt.EncryptedKey, &rsa.PKCS1v15DecryptOptions{})
	if err != nil {
		return nil, fmt.Errorf("content key: %w", err)
	}
	if n, ok := authKeyLen[ae.ContentAlg]; !ok || len(cek) != n {
		return nil, fmt.Errorf("content key of %d bytes for %s", len(cek), ae.ContentAlg)
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	var gcm cipher.AEAD
	switch {
	case len(ae.Nonce) == 12:
		gcm, err = cipher.NewGCMWithTagSize(block, ae.ICVLen)
	case ae.ICVLen == 16 && len(ae.Nonce) > 0:
		gcm, err = cipher.NewGCMWithNonceSize(block, len(ae.Nonce))
	default:
		return nil, fmt.Errorf("GCM nonce of %d bytes with a %d-byte tag is not supported", len(ae.Nonce), ae.ICVLen)
	}
	if err != nil {
		return nil, err
	}
	if len(ae.MAC) != ae.ICVLen {
		return nil, fmt.Errorf("tag of %d bytes, %d announced", len(ae.MAC), ae.ICVLen)
	}
	ct := append(append([]byte(nil), ae.Ciphertext...), ae.MAC...)
	plain, err := gcm.Open(nil, ae.Nonce, ct, ae.AAD)
	if err != nil {
		return nil, errors.New("the authentication tag does not match: the message was changed or the key is wrong")
	}
	return plain, nil
}
