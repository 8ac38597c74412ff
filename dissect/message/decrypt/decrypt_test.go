package decrypt

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/smallstep/pkcs7"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
)

const pki = "../../../captures/pki"

func loadKey(t *testing.T, user string) *smimekey.Key {
	t.Helper()
	k, err := smimekey.LoadFile(filepath.Join(pki, user+".p12"), "trousseau-"+user)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// innerEntity is a text part and an attachment, as a mail client builds
// the entity it then encrypts.
const innerEntity = "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\nRendez-vous au labo a 14h.\r\n--b1\r\n" +
	"Content-Type: application/octet-stream; name=\"notes.txt\"\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gbGFiCg==\r\n--b1--\r\n"

// wrap puts CMS DER in an S/MIME message as a mail client sends it.
func wrap(der []byte, smimeType string) []byte {
	var b bytes.Buffer
	b.WriteString("From: alice@grenoble-inp.example\r\nTo: bob@grenoble-inp.example\r\nSubject: secret\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: application/pkcs7-mime; smime-type=" + smimeType + "; name=\"smime.p7m\"\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n")
	s := base64.StdEncoding.EncodeToString(der)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.Bytes()
}

func goEncrypt(t *testing.T, alg int, content []byte, to ...*x509.Certificate) []byte {
	t.Helper()
	old := pkcs7.ContentEncryptionAlgorithm
	defer func() { pkcs7.ContentEncryptionAlgorithm = old }()
	pkcs7.ContentEncryptionAlgorithm = alg
	der, err := pkcs7.Encrypt(content, to)
	if err != nil {
		t.Fatal(err)
	}
	return wrap(der, "enveloped-data")
}

// signedByAlice is innerEntity signed (opaque signed-data) by alice.
func signedByAlice(t *testing.T, alice *smimekey.Key) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData([]byte(innerEntity))
	if err != nil {
		t.Fatal(err)
	}
	if err := sd.AddSigner(alice.Cert, alice.Priv, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return wrap(der, "signed-data")
}

// openssl encrypts entity with openssl cms; without openssl the test is
// skipped, except under CI where it fails.
func openssl(t *testing.T, entity []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl is needed")
		}
		t.Skip("openssl not installed")
	}
	cmd := exec.Command("openssl", append([]string{"cms", "-encrypt", "-binary", "-outform", "DER"}, args...)...)
	cmd.Stdin = bytes.NewReader(entity)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	ctype := "enveloped-data"
	if strings.Contains(strings.Join(args, " "), "gcm") {
		ctype = "authEnveloped-data"
	}
	return wrap(out, ctype)
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func find(atts []record.Attachment, name string) *record.Attachment {
	for i := range atts {
		if atts[i].Filename == name {
			return &atts[i]
		}
	}
	return nil
}

func analyse(raw []byte, keys ...*smimekey.Key) *record.Message {
	opt := message.Options{KeepRaw: true}
	m := message.Analyze(raw, opt)
	Message(m, keys, opt)
	return m
}

func TestMessage(t *testing.T) {
	alice, bob := loadKey(t, "alice"), loadKey(t, "bob")
	tests := []struct {
		name     string
		raw      func() []byte
		keys     []*smimekey.Key
		outcome  string
		with     string
		named    []string // recipients' emails, in order
		signed   bool
		warnWith string
	}{
		{"aes256-cbc for bob, bob's key", func() []byte { return goEncrypt(t, pkcs7.EncryptionAlgorithmAES256CBC, []byte(innerEntity), bob.Cert) },
			[]*smimekey.Key{bob}, Decrypted, "bob@grenoble-inp.example", []string{"bob@grenoble-inp.example"}, false, ""},
		{"aes128-gcm for bob and alice, both keys", func() []byte {
			return goEncrypt(t, pkcs7.EncryptionAlgorithmAES128GCM, []byte(innerEntity), alice.Cert, bob.Cert)
		}, []*smimekey.Key{bob, alice}, Decrypted, "alice@grenoble-inp.example", []string{"alice@grenoble-inp.example", "bob@grenoble-inp.example"}, false, ""},
		{"for bob only, alice's key", func() []byte { return goEncrypt(t, pkcs7.EncryptionAlgorithmAES256CBC, []byte(innerEntity), bob.Cert) },
			[]*smimekey.Key{alice}, NotForKey, "", []string{""}, false, ""},
		{"signed by alice then encrypted for bob", func() []byte {
			return goEncrypt(t, pkcs7.EncryptionAlgorithmAES256CBC, signedByAlice(t, alice), bob.Cert)
		}, []*smimekey.Key{bob}, Decrypted, "bob@grenoble-inp.example", []string{"bob@grenoble-inp.example"}, true, ""},
		{"openssl 3des", func() []byte { return openssl(t, []byte(innerEntity), "-des3", filepath.Join(pki, "bob.crt")) },
			[]*smimekey.Key{bob}, Decrypted, "bob@grenoble-inp.example", []string{"bob@grenoble-inp.example"}, false, ""},
		{"openssl aes-128-gcm (authEnveloped-data)", func() []byte { return openssl(t, []byte(innerEntity), "-aes-128-gcm", filepath.Join(pki, "bob.crt")) },
			[]*smimekey.Key{bob}, Decrypted, "bob@grenoble-inp.example", []string{"bob@grenoble-inp.example"}, false, ""},
		{"openssl aes-256-gcm for alice and bob, alice's key", func() []byte {
			return openssl(t, []byte(innerEntity), "-aes-256-gcm", filepath.Join(pki, "bob.crt"), filepath.Join(pki, "alice.crt"))
		}, []*smimekey.Key{alice}, Decrypted, "alice@grenoble-inp.example", []string{"", "alice@grenoble-inp.example"}, false, ""},
		{"openssl aes-256-gcm with rsa-oaep", func() []byte {
			return openssl(t, []byte(innerEntity), "-aes-256-gcm", "-recip", filepath.Join(pki, "bob.crt"), "-keyopt", "rsa_padding_mode:oaep")
		}, []*smimekey.Key{bob}, Unsupported, "", []string{"bob@grenoble-inp.example"}, false, "rsaes-oaep"},
		{"openssl aes-256-cbc with rsa-oaep", func() []byte {
			return openssl(t, []byte(innerEntity), "-aes-256-cbc", "-recip", filepath.Join(pki, "bob.crt"), "-keyopt", "rsa_padding_mode:oaep")
		}, []*smimekey.Key{bob}, Decrypted, "bob@grenoble-inp.example", []string{"bob@grenoble-inp.example"}, false, ""},
		{"openssl aes-192-cbc", func() []byte { return openssl(t, []byte(innerEntity), "-aes-192-cbc", filepath.Join(pki, "bob.crt")) },
			[]*smimekey.Key{bob}, Unsupported, "", []string{"bob@grenoble-inp.example"}, false, "aes192-cbc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := analyse(tt.raw(), tt.keys...)
			if m.Encryption == nil {
				t.Fatalf("no encryption seen: %v", m.Warnings)
			}
			enc := m.Encryption
			if enc.Decryption != tt.outcome || enc.DecryptedWith != tt.with {
				t.Fatalf("decryption %q with %q, want %q with %q (warnings %v)", enc.Decryption, enc.DecryptedWith, tt.outcome, tt.with, m.Warnings)
			}
			var named []string
			for _, r := range enc.Recipients {
				named = append(named, r.Email)
			}
			sort.Strings(named)
			sort.Strings(tt.named)
			if strings.Join(named, ",") != strings.Join(tt.named, ",") {
				t.Errorf("recipients named %q, want %q", named, tt.named)
			}
			if tt.warnWith != "" && !strings.Contains(fmt.Sprint(m.Warnings), tt.warnWith) {
				t.Errorf("no warning naming %q: %v", tt.warnWith, m.Warnings)
			}
			if tt.outcome != Decrypted {
				if m.SMIMEDecrypted != nil {
					t.Fatal("decrypted without a recipient's key")
				}
				return
			}
			d := m.SMIMEDecrypted
			if d == nil || d.BodyPreview != "Rendez-vous au labo a 14h." {
				t.Fatalf("inner message %+v", d)
			}
			if a := find(d.Attachments, "notes.txt"); a == nil || a.SHA256 != sha("hello lab\n") {
				t.Errorf("attachments %+v", d.Attachments)
			}
			if tt.signed {
				if d.Signer == nil || d.Signer.Verified == nil || !*d.Signer.Verified || d.Signer.Email != "alice@grenoble-inp.example" {
					t.Errorf("inner signer %+v", d.Signer)
				}
				if !strings.Contains(d.SMIME, "signed") {
					t.Errorf("inner smime %q", d.SMIME)
				}
			}
			if !bytes.Contains(d.Raw, []byte("Content-Type:")) {
				t.Error("decrypted bytes not kept for extraction")
			}
		})
	}
}

func TestBrokenEnvelopedData(t *testing.T) {
	bob := loadKey(t, "bob")
	raw := goEncrypt(t, pkcs7.EncryptionAlgorithmAES256CBC, []byte(innerEntity), bob.Cert)
	m := message.Analyze(raw, message.Options{KeepRaw: true})
	der := m.Encryption.DER
	// Only bytes whose change CBC must notice: the padding (last byte, and
	// the byte before the last block, which flips the last plaintext byte)
	// and the RSA-encrypted content key. A byte in the middle of CBC
	// ciphertext only garbles a block: no integrity check can see it.
	key := bytes.Index(der, []byte{0x04, 0x82, 0x01, 0x00}) // 256-byte encryptedKey
	if key < 0 {
		t.Fatal("no 2048-bit encryptedKey in the enveloped data")
	}
	for _, cut := range []int{len(der) - 1, len(der) - 17, key + 4 + 100} {
		bad := append([]byte(nil), der...)
		bad[cut] ^= 0x55
		m.Encryption.DER = bad
		m.Encryption.Decryption, m.SMIMEDecrypted, m.Warnings = "", nil, nil
		Message(m, []*smimekey.Key{bob}, message.Options{})
		if m.Encryption.Decryption != Failed || m.SMIMEDecrypted != nil || len(m.Warnings) == 0 {
			t.Errorf("byte %d flipped: %q, %v", cut, m.Encryption.Decryption, m.Warnings)
		}
	}
}

// A changed byte of AES-GCM ciphertext fails the tag: no inner message,
// a warning that says so.
func TestTamperedAuthEnvelopedData(t *testing.T) {
	bob := loadKey(t, "bob")
	raw := openssl(t, []byte(innerEntity), "-aes-256-gcm", filepath.Join(pki, "bob.crt"))
	m := message.Analyze(raw, message.Options{KeepRaw: true})
	if m.Encryption == nil || m.Encryption.ContentType != "authEnveloped-data" {
		t.Fatalf("not authEnveloped-data: %+v", m.Encryption)
	}
	der := append([]byte(nil), m.Encryption.DER...)
	der[len(der)-30] ^= 1 // in the ciphertext, before the 16-byte tag
	m.Encryption.DER = der
	Message(m, []*smimekey.Key{bob}, message.Options{})
	if m.Encryption.Decryption != Failed || m.SMIMEDecrypted != nil || !strings.Contains(fmt.Sprint(m.Warnings), "tag") {
		t.Errorf("%q, %v", m.Encryption.Decryption, m.Warnings)
	}
}
