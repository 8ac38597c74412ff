package message_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/report/pipeline"
)

// messages runs a capture through the whole pipeline, bytes kept, and
// returns its message records.
func messages(t *testing.T, path string) []*record.Message {
	t.Helper()
	opt := pipeline.Options{Dissect: dissect.Options{Limits: session.DefaultLimits(), KeepRaw: true}}
	res, err := pipeline.File(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	var out []*record.Message
	for _, r := range res.Records {
		if m, ok := r.(*record.Message); ok {
			out = append(out, m)
		}
	}
	return out
}

// TestCapturesMatchFacts checks every message of the real captures
// against what the client really sent: headers, size, the hash of the
// bytes, every attachment's decoded size and SHA-256, S/MIME.
func TestCapturesMatchFacts(t *testing.T) {
	for _, pcap := range recordtest.Captures(t, "../../captures") {
		fx := recordtest.LoadFacts(t, pcap)
		if fx.Snaplen > 0 && fx.Snaplen < 1500 {
			continue // payloads cut by the snap length: no message to check
		}
		t.Run(recordtest.Name(pcap), func(t *testing.T) {
			got := map[string]*record.Message{}
			var all []*record.Message
			for _, m := range messages(t, pcap) {
				all = append(all, m)
				// The whole message, not a header-only fetch of it.
				if prev, dup := got[m.MessageID]; !dup || prev.Partial != "" && m.Partial == "" {
					got[m.MessageID] = m
				}
			}
			for _, c := range fx.Conversations {
				if c.TLS.Mode != "none" {
					continue // sent inside TLS: nothing to see on the wire
				}
				for _, want := range c.Messages {
					m := got[want.MessageID]
					if m == nil {
						t.Errorf("message %s not reported (got %d messages)", want.MessageID, len(all))
						continue
					}
					if fx.Dropped != nil {
						if !m.Truncated && len(m.Warnings) == 0 && m.Size == want.Size {
							t.Errorf("%s: bytes were dropped from the capture but the message looks whole", want.MessageID)
						}
						continue
					}
					checkFacts(t, m, want.HeaderFrom, want.Subject, want.Size, want.SHA256, want.SMIME)
					for _, wa := range want.Attachments {
						a := findAttachment(m, wa.Filename)
						if a == nil {
							t.Errorf("%s: attachment %q missing from %+v", want.MessageID, wa.Filename, m.Attachments)
							continue
						}
						if a.ContentType != wa.ContentType || a.Size != wa.Size || a.SHA256 != wa.SHA256 {
							t.Errorf("%s: attachment %+v, want %+v", want.MessageID, *a, wa)
						}
					}
				}
			}
		})
	}
}

func checkFacts(t *testing.T, m *record.Message, from, subject string, size int64, sum, smime string) {
	t.Helper()
	if m.From != strings.ReplaceAll(from, `"`, "") || m.Subject != subject {
		t.Errorf("%s: from %q subject %q, want %q %q", m.MessageID, m.From, m.Subject, from, subject)
	}
	raw := m.Raw
	// A fetched message is the delivered one: the server put Return-Path,
	// Delivered-To and Received fields before what the client sent.
	if m.Direction != "sent" && int64(len(raw)) > size {
		raw = raw[int64(len(raw))-size:]
	}
	// swaks ends DATA with CRLF "." CRLF even after a body that ends in
	// CRLF: the wire then carries one more empty line than it was given.
	if int64(len(raw)) == size+2 && strings.HasSuffix(string(raw), "\r\n\r\n") {
		raw = raw[:len(raw)-2]
	}
	if m.Truncated || int64(len(raw)) != size || m.Size != int64(len(m.Raw)) {
		t.Errorf("%s: size %d truncated %v, want %d", m.MessageID, m.Size, m.Truncated, size)
	}
	h := sha256.Sum256(raw)
	if hex.EncodeToString(h[:]) != sum {
		t.Errorf("%s: bytes differ from what was sent", m.MessageID)
	}
	want := map[string]string{"": "none", "signed-opaque": "signed"}[smime]
	if want == "" {
		want = smime
	}
	if m.SMIME != want {
		t.Errorf("%s: smime %q, want %q", m.MessageID, m.SMIME, want)
	}
	switch want {
	case "signed":
		if m.Signer == nil || m.Signer.Verified == nil || !*m.Signer.Verified || m.Signer.Subject == "" {
			t.Errorf("%s: signer %+v, want a verified signature", m.MessageID, m.Signer)
		}
	case "encrypted":
		if m.Encryption == nil || len(m.Encryption.Recipients) == 0 || m.Encryption.ContentAlg == "" {
			t.Errorf("%s: encryption %+v, want recipients and a cipher", m.MessageID, m.Encryption)
		}
	}
}

func findAttachment(m *record.Message, name string) *record.Attachment {
	for i := range m.Attachments {
		if m.Attachments[i].Filename == name {
			return &m.Attachments[i]
		}
	}
	return nil
}

// TestPeerCaptures checks messages of public captures against what
// suricata-verify expects of them.
func TestPeerCaptures(t *testing.T) {
	dir := "../../../shared/corpus/peers/suricata-verify/tests"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("peer corpus not found at " + dir)
	}
	cases := []struct {
		name, pcap string
		check      func(t *testing.T, m *record.Message)
	}{
		{"SuricataSMTPTextAttachment", "bug-3616-smtp/input.pcap", func(t *testing.T, m *record.Message) {
			if m.From != "Gurpartap Singh <gurpartap@patriots.in>" || len(m.To) != 1 || m.To[0] != "raj_deol2002in@yahoo.co.in" {
				t.Errorf("from %q to %q", m.From, m.To)
			}
			a := findAttachment(m, "NEWS.txt")
			if a == nil || a.Size != 10807 || a.Truncated {
				t.Errorf("attachments = %+v, want NEWS.txt of 10807 bytes", m.Attachments)
			}
		}},
		{"SuricataSMTPTwoByteAttachmentHash", "bug-6207-2/input.pcap", func(t *testing.T, m *record.Message) {
			if len(m.Attachments) != 1 || m.Attachments[0].Size != 2 || m.Attachments[0].SHA256 != "73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049" {
				t.Errorf("attachments = %+v", m.Attachments)
			}
			if !strings.HasPrefix(m.Attachments[0].Filename, "smtptest-2021-02-25T13-54-22Z-aefb2fc1308d62f4b6c74769f69b13ddf80e995fd98ae442f3be499ea") {
				t.Errorf("filename = %q", m.Attachments[0].Filename)
			}
		}},
		{"SuricataSMTPAttachmentSize", "bug-6207-1/input.pcap", func(t *testing.T, m *record.Message) {
			if len(m.Attachments) != 1 || m.Attachments[0].Size != 286 {
				t.Errorf("attachments = %+v", m.Attachments)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms := messages(t, filepath.Join(dir, c.pcap))
			if len(ms) != 1 {
				t.Fatalf("%d messages, want 1", len(ms))
			}
			c.check(t, ms[0])
		})
	}
}
