package message

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// expectedFacts reads testdata/smime/expected.txt, written by make.sh
// with sha256sum and openssl, independently of mailwire.
func expectedFacts(t *testing.T) map[string]string {
	f, err := os.Open("testdata/smime/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	facts := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), " ", 3)
		if len(parts) == 3 {
			facts[parts[0]+" "+parts[1]] = parts[2]
		}
	}
	return facts
}

func analyzeFile(t *testing.T, name string) *record.Message {
	t.Helper()
	raw, err := os.ReadFile("testdata/smime/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return Analyze(raw, Options{MaxAttachment: 1 << 20})
}

func TestGIFAttachmentMatchesTheSentFile(t *testing.T) {
	facts := expectedFacts(t)
	m := analyzeFile(t, "gif.eml")
	if len(m.Attachments) != 2 {
		t.Fatalf("attachments = %d, want 2", len(m.Attachments))
	}
	a := m.Attachments[0]
	checks := []struct{ field, got, want string }{
		{"filename", a.Filename, "pïxel.gif"},
		{"content_type", a.ContentType, "image/gif"},
		{"sniffed_type", a.SniffedType, "image/gif"},
		{"transfer_encoding", a.TransferEncoding, "base64"},
		{"disposition", a.Disposition, "attachment"},
		{"sha256", a.SHA256, facts["pixel.gif sha256"]},
		{"size", itoa(a.Size), facts["pixel.gif size"]},
		{"fake sha256", m.Attachments[1].SHA256, facts["fake.gif sha256"]},
		{"subject", m.Subject, "Une image jointe été"},
		{"user agent", m.UserAgent, "Mozilla Thunderbird"},
		{"mime", strings.Join(m.MIME, "|"), "multipart/mixed|  text/plain|  image/gif|  image/gif"},
		{"smime", m.SMIME, "none"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
}

func TestSignerCertificateFields(t *testing.T) {
	facts := expectedFacts(t)
	notBefore, _ := time.Parse("Jan _2 15:04:05 2006 MST", facts["alice not_before"])
	notAfter, _ := time.Parse("Jan _2 15:04:05 2006 MST", facts["alice not_after"])
	for _, name := range []string{"signed.eml", "signed-opaque.eml", "signed-lf.eml"} {
		t.Run(name, func(t *testing.T) {
			m := analyzeFile(t, name)
			s := m.Signer
			if s == nil {
				t.Fatal("no signer")
			}
			if m.SMIME != "signed" {
				t.Errorf("smime = %q", m.SMIME)
			}
			if s.Verified == nil || !*s.Verified {
				t.Errorf("verified = %v (%s), want true", s.Verified, s.VerifyError)
			}
			if !strings.EqualFold(s.Serial, facts["alice serial"]) {
				t.Errorf("serial = %q, want %q", s.Serial, facts["alice serial"])
			}
			if !s.NotBefore.Equal(notBefore) || !s.NotAfter.Equal(notAfter) {
				t.Errorf("validity %v..%v, want %v..%v", s.NotBefore, s.NotAfter, notBefore, notAfter)
			}
			if s.Email != "alice@example.org" || s.Issuer != "CN=Mailwire Test CA,O=Mailwire Test,C=FR" {
				t.Errorf("email %q issuer %q", s.Email, s.Issuer)
			}
			if strings.Join(s.ExtKeyUsage, ",") != "emailProtection" || strings.Join(s.KeyUsage, ",") != "digitalSignature,keyEncipherment" {
				t.Errorf("usages %v %v", s.KeyUsage, s.ExtKeyUsage)
			}
			if s.DigestAlg != "sha256" || s.SelfSigned {
				t.Errorf("digest %q self-signed %v", s.DigestAlg, s.SelfSigned)
			}
		})
	}
}

func TestTamperedSignedMessageFailsVerification(t *testing.T) {
	m := analyzeFile(t, "tampered.eml")
	if m.Signer == nil || m.Signer.Verified == nil || *m.Signer.Verified {
		t.Fatalf("signer = %+v, want verified=false", m.Signer)
	}
	if !strings.Contains(m.Signer.VerifyError, "modified") {
		t.Errorf("verify_error = %q, want it to say the content was modified", m.Signer.VerifyError)
	}
}

func TestEnvelopedRecipientsAndCiphers(t *testing.T) {
	facts := expectedFacts(t)
	cases := []struct {
		file, smime, ctype, alg string
		weak                    bool
		byKeyID                 bool
	}{
		{"encrypted-aes256.eml", "encrypted", "enveloped-data", "aes256-cbc", false, false},
		{"encrypted-des3.eml", "encrypted", "enveloped-data", "des-ede3-cbc", true, false},
		{"encrypted-gcm.eml", "encrypted", "authEnveloped-data", "aes256-gcm", false, false},
		{"encrypted-keyid.eml", "encrypted", "enveloped-data", "aes128-cbc", false, true},
		{"encrypted-signed.eml", "signed+encrypted", "enveloped-data", "aes256-cbc", false, false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := analyzeFile(t, c.file)
			e := m.Encryption
			if m.SMIME != c.smime || e == nil {
				t.Fatalf("smime = %q, encryption = %+v", m.SMIME, e)
			}
			if e.ContentType != c.ctype || e.ContentAlg != c.alg || e.WeakAlgorithm != c.weak {
				t.Errorf("got %s %s weak=%v, want %s %s weak=%v", e.ContentType, e.ContentAlg, e.WeakAlgorithm, c.ctype, c.alg, c.weak)
			}
			if len(e.Recipients) != 1 {
				t.Fatalf("recipients = %+v", e.Recipients)
			}
			r := e.Recipients[0]
			if c.byKeyID {
				if !strings.EqualFold(r.SubjectKeyID, facts["alice skid"]) {
					t.Errorf("subject key id = %q, want %q", r.SubjectKeyID, facts["alice skid"])
				}
			} else if !strings.EqualFold(r.Serial, facts["alice serial"]) || r.Issuer != "CN=Mailwire Test CA,O=Mailwire Test,C=FR" {
				t.Errorf("recipient = %+v", r)
			}
			if r.KeyAlg != "rsaEncryption" {
				t.Errorf("key algorithm = %q", r.KeyAlg)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCertificatesOnlyIsNotASignature(t *testing.T) {
	m := analyzeFile(t, "certs-only.eml")
	if m.SMIME != "none" || m.Signer != nil {
		t.Errorf("smime = %q signer = %+v", m.SMIME, m.Signer)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "smime.p7c" {
		t.Errorf("attachments = %+v", m.Attachments)
	}
}

func TestSignedMessageWithoutFinalBoundaryStillVerifies(t *testing.T) {
	raw, err := os.ReadFile("testdata/smime/signed.eml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	cut := strings.LastIndex(s, "\r\n------")
	m := Analyze([]byte(s[:cut+2]), Options{})
	if m.Signer == nil || m.Signer.Verified == nil || !*m.Signer.Verified {
		t.Errorf("signer = %+v", m.Signer)
	}
	if len(m.Warnings) != 1 || !strings.Contains(recordtest.Texts(m.Warnings)[0], "missing final boundary") {
		t.Errorf("warnings = %q", m.Warnings)
	}
}

// TestLabGIFCarriage answers lab question 1.2.9 on messages shaped like
// the webmail's and the mail client's: the image travels as an image/gif
// part in base64, whose decoded bytes are the file that was attached.
func TestLabGIFCarriage(t *testing.T) {
	want, err := os.ReadFile("testdata/mime/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := strings.Fields(string(want))[2]
	cases := []struct{ file, container, filename string }{
		{"zimbra-gif.eml", "multipart/mixed", "pixel.gif"},
		{"inline-gif.eml", "multipart/related", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/mime/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			m := Analyze(raw, Options{})
			if len(m.MIME) == 0 || m.MIME[0] != c.container || len(m.Attachments) != 1 {
				t.Fatalf("mime %q attachments %+v", m.MIME, m.Attachments)
			}
			a := m.Attachments[0]
			if a.ContentType != "image/gif" || a.TransferEncoding != "base64" || a.SHA256 != sum || a.Filename != c.filename || a.SniffedType != "image/gif" {
				t.Errorf("attachment = %+v", a)
			}
			if len(m.Warnings) != 0 {
				t.Errorf("warnings = %q", m.Warnings)
			}
		})
	}
}
