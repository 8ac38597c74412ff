package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pkiDir = "../../captures/pki"

// encryptedMessages returns the encryption and decrypted objects of the
// message records of a read with args.
func encryptedMessages(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range records(t, args...) {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		if m["kind"] == "message" && m["encryption"] != nil {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		t.Fatal("no encrypted message")
	}
	return out
}

func TestSMIMEKeyOnRead(t *testing.T) {
	capture := "../../captures/smime-encrypted.pcap"
	tests := []struct {
		name, outcome string
		args          []string
		env           string
	}{
		{"recipient's p12", "decrypted", []string{"--smime-key", filepath.Join(pkiDir, "bob.p12"), "--smime-pass", "trousseau-bob"}, ""},
		{"password from the environment", "decrypted", []string{"--smime-key", filepath.Join(pkiDir, "bob-legacy.p12")}, "trousseau-bob"},
		{"PEM key next to its certificate", "decrypted", []string{"--smime-key", filepath.Join(pkiDir, "bob.key")}, ""},
		{"sender's p12 does not open it", "not-for-key", []string{"--smime-key", filepath.Join(pkiDir, "alice.p12"), "--smime-pass", "trousseau-alice"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(smimePassEnv, tt.env)
			if tt.env == "" {
				os.Unsetenv(smimePassEnv)
			}
			for _, m := range encryptedMessages(t, append(tt.args, capture)...) {
				enc := m["encryption"].(map[string]any)
				if enc["decryption"] != tt.outcome {
					t.Fatalf("decryption %v, want %s", enc["decryption"], tt.outcome)
				}
				d, _ := m["smime_decrypted"].(map[string]any)
				if (d != nil) != (tt.outcome == "decrypted") {
					t.Fatalf("decrypted object %v", d)
				}
				if d != nil && !strings.Contains(d["body_preview"].(string), "Bonjour Bob") {
					t.Errorf("inner body %v", d["body_preview"])
				}
			}
		})
	}
}

func TestSMIMEWrongPasswordExits2(t *testing.T) {
	t.Setenv(smimePassEnv, "")
	os.Unsetenv(smimePassEnv)
	for _, args := range [][]string{
		{"read", "--smime-key", filepath.Join(pkiDir, "bob.p12"), "--smime-pass", "wrong", "../../captures/smime-encrypted.pcap"},
		{"extract", "--out", t.TempDir(), "--smime-key", filepath.Join(pkiDir, "bob.p12"), "--smime-pass", "wrong", "../../captures/smime-encrypted.pcap"},
		{"read", "--smime-key", filepath.Join(pkiDir, "bob.p12"), "../../captures/smime-encrypted.pcap"},
	} {
		code, _, stderr := runCmd(args...)
		if code != exitUsage || !strings.Contains(stderr, "password") {
			t.Errorf("%v: exit %d, %q; want 2 and a word about the password", args, code, stderr)
		}
	}
}

func TestExtractWritesDecryptedMessage(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCmd("extract", "--out", dir, "--smime-key", filepath.Join(pkiDir, "bob.p12"), "--smime-pass", "trousseau-bob", "../../captures/smime-encrypted.pcap")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*-decrypted.eml"))
	if len(matches) != 2 {
		t.Fatalf("decrypted files %v, want one per encrypted message (sent and fetched)", matches)
	}
	b, _ := os.ReadFile(matches[0])
	if !strings.Contains(string(b), "Bonjour Bob") {
		t.Errorf("decrypted file holds %q", b)
	}
}

// The capture shows bob's certificate in his signed message; alice's
// encrypted messages name him by it, without any key given.
func TestRecipientsNamedFromCaptureCertificates(t *testing.T) {
	var bobFrame float64
	var named []map[string]any
	for _, line := range records(t, "../../captures/smime-exchange.pcap") {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		if m["kind"] != "message" {
			continue
		}
		if s, ok := m["signer"].(map[string]any); ok && s["email"] == "bob@grenoble-inp.example" && bobFrame == 0 {
			bobFrame = m["packet"].(float64)
		}
		if enc, ok := m["encryption"].(map[string]any); ok {
			for _, r := range enc["recipients"].([]any) {
				named = append(named, r.(map[string]any))
			}
		}
	}
	if bobFrame == 0 || len(named) == 0 {
		t.Fatalf("bob's signed message at %v, %d recipients", bobFrame, len(named))
	}
	bob := 0
	for _, r := range named {
		if r["email"] == "bob@grenoble-inp.example" {
			bob++
			if r["cert_frame"] != bobFrame || r["cert_source"] != "smime" {
				t.Errorf("bob named from frame %v (%v), his certificate crossed in %v", r["cert_frame"], r["cert_source"], bobFrame)
			}
		} else if r["email"] != nil {
			t.Errorf("recipient %v named without its certificate in the capture", r)
		}
	}
	if bob != 4 {
		t.Errorf("bob named in %d recipient infos, want 4 (two messages, sent and fetched)", bob)
	}
	code, out, _ := runCmd("read", "--lang", "en", "../../captures/smime-exchange.pcap")
	if code != exitOK || !strings.Contains(strings.Join(strings.Fields(out), " "), "encrypted for bob@grenoble-inp.example (certificate seen in frame") {
		t.Errorf("the report does not name bob by his certificate's frame (exit %d)", code)
	}
}

// The text report shows what bob's mail client shows once decrypted:
// the inner signature, the attachment and the text.
func TestReportShowsDecryptedMessage(t *testing.T) {
	code, out, stderr := runCmd("read", "--lang", "en", "--color", "never", "--smime-key", filepath.Join(pkiDir, "bob.p12"),
		"--smime-pass", "trousseau-bob", "../../captures/smime-exchange.pcap")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Decrypted: with bob@grenoble-inp.example's key: multipart/signed",
		"signer alice@grenoble-inp.example, signature valid",
		"Attachment: compte-rendu.txt",
		"Ce message est signé puis chiffré pour toi seul",
		"mailwire opened it with bob@grenoble-inp.example's key as Thunderbird does",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
