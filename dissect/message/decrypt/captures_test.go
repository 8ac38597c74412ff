package decrypt_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/decrypt"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/report/pipeline"
)

const captures = "../../../captures"

// exchangeFacts is what captures/lab_smime.py wrote about the messages
// it signed and encrypted with openssl, and the key stores it made.
type exchangeFacts struct {
	SMIME struct {
		PKIDir string `json:"pki_dir"`
		Keys   map[string]struct {
			P12       string `json:"p12"`
			LegacyP12 string `json:"legacy_p12"`
			Password  string `json:"password"`
		} `json:"keys"`
		Messages []struct {
			MessageID        string   `json:"message_id"`
			SignedBy         string   `json:"signed_by"`
			EncryptedFor     []string `json:"encrypted_for"`
			InnerBody        string   `json:"inner_body"`
			InnerAttachments []struct {
				Filename string `json:"filename"`
				SHA256   string `json:"sha256"`
			} `json:"inner_attachments"`
		} `json:"messages"`
	} `json:"smime"`
}

func readFacts(t *testing.T) exchangeFacts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(captures, "smime-exchange.facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f exchangeFacts
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.SMIME.Messages) == 0 || len(f.SMIME.Keys) == 0 {
		t.Fatal("facts without S/MIME messages or keys")
	}
	return f
}

// decrypted runs the capture through the pipeline with one key and
// returns the message records by Message-ID (the last one seen).
func decrypted(t *testing.T, key *smimekey.Key) map[string][]*record.Message {
	t.Helper()
	opt := pipeline.Options{Dissect: dissect.Options{Limits: session.DefaultLimits(), KeepRaw: true}}
	opt.Transform = func(r record.Record) {
		if m, ok := r.(*record.Message); ok {
			decrypt.Message(m, []*smimekey.Key{key}, message.Options{})
		}
	}
	res, err := pipeline.File(filepath.Join(captures, "smime-exchange.pcap"), opt)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*record.Message{}
	for _, r := range res.Records {
		if m, ok := r.(*record.Message); ok {
			out[m.MessageID] = append(out[m.MessageID], m)
		}
	}
	return out
}

func TestExchangeCaptureDecryptsForItsRecipients(t *testing.T) {
	f := readFacts(t)
	pki := filepath.Join(captures, "..", f.SMIME.PKIDir)
	for _, user := range []string{"bob", "alice"} {
		k := f.SMIME.Keys[user]
		for _, file := range []string{k.P12, k.LegacyP12} {
			t.Run(file, func(t *testing.T) {
				key, err := smimekey.LoadFile(filepath.Join(pki, file), k.Password)
				if err != nil {
					t.Fatal(err)
				}
				msgs := decrypted(t, key)
				checked := 0
				for _, want := range f.SMIME.Messages {
					if len(want.EncryptedFor) == 0 {
						continue
					}
					got := msgs[want.MessageID]
					if len(got) != 2 {
						t.Fatalf("%s: %d records, want it sent and fetched", want.MessageID, len(got))
					}
					forUser := strings.Contains(","+strings.Join(want.EncryptedFor, ",")+",", ","+user+",")
					for _, m := range got {
						checked++
						checkOne(t, m, user, forUser, want.SignedBy, want.InnerBody, want.InnerAttachments)
					}
				}
				if checked == 0 {
					t.Fatal("no encrypted message checked")
				}
			})
		}
	}
}

func checkOne(t *testing.T, m *record.Message, user string, forUser bool, signedBy, body string, atts []struct {
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
}) {
	t.Helper()
	enc := m.Encryption
	if enc == nil {
		t.Fatalf("%s (%s): not seen as encrypted", m.MessageID, m.Direction)
	}
	if !forUser {
		if enc.Decryption != decrypt.NotForKey || m.SMIMEDecrypted != nil {
			t.Errorf("%s: %s's key gave %q; it is not a recipient", m.MessageID, user, enc.Decryption)
		}
		return
	}
	d := m.SMIMEDecrypted
	if enc.Decryption != decrypt.Decrypted || d == nil {
		t.Fatalf("%s (%s): %s's key gave %q, warnings %v", m.MessageID, m.Direction, user, enc.Decryption, m.Warnings)
	}
	if want := strings.Join(strings.Fields(body), " "); d.BodyPreview != want {
		t.Errorf("%s: inner text %q, the script sent %q", m.MessageID, d.BodyPreview, want)
	}
	for _, a := range atts {
		found := false
		for _, g := range d.Attachments {
			found = found || (g.Filename == a.Filename && g.SHA256 == a.SHA256)
		}
		if !found {
			t.Errorf("%s: inner attachment %s (sha256 %s) not found in %+v", m.MessageID, a.Filename, a.SHA256, d.Attachments)
		}
	}
	if signedBy == "" {
		if d.Signer != nil {
			t.Errorf("%s: inner signer %+v in an unsigned message", m.MessageID, d.Signer)
		}
		return
	}
	s := d.Signer
	if s == nil || s.Verified == nil || !*s.Verified || s.Email != signedBy+"@grenoble-inp.example" {
		t.Errorf("%s: inner signer %+v, want %s, verified", m.MessageID, s, signedBy)
	}
}
