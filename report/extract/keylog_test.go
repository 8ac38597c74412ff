package extract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report/extract"
	"github.com/mailwire/mailwire/report/pipeline"
)

// TestIndexSaysWhatTheKeyLogOpened extracts the captures that carry mail
// inside TLS with their key logs: index.json marks every file of a
// message read inside TLS "decrypted", and no file of a message that
// crossed the network in clear. The TLS conversations and the clear ones
// come from the capture's facts.
func TestIndexSaysWhatTheKeyLogOpened(t *testing.T) {
	for _, name := range []string{"smtp-starttls-openssl", "smtps-465", "lab-session"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("..", "..", "captures", name+".pcap")
			facts := recordtest.LoadFacts(t, path)
			keys := keylog.New()
			if _, err := keys.ReadFile(filepath.Join("..", "..", "captures", facts.TLSKeylog)); err != nil {
				t.Fatal(err)
			}
			// As mailwire extract does: each message is written as it is
			// found, while its bytes are still held.
			dir := t.TempDir()
			w, err := extract.Create(dir, extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			opt := pipeline.Options{Dissect: dissect.Options{Limits: session.DefaultLimits(), Keys: keys, KeepRaw: true}}
			clientPort := map[string]string{}
			opt.OnRecord = func(r record.Record) {
				if s, ok := r.(*record.Session); ok {
					clientPort[s.ID] = string(s.Proto) + ":" + port(s.Client)
				}
				if m, ok := r.(*record.Message); ok {
					if err := w.Add(m); err != nil {
						t.Error(err)
					}
				}
			}
			if _, err := pipeline.File(path, opt); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Close(); err != nil {
				t.Fatal(err)
			}
			// The messages the facts say crossed TLS (sent over SMTP), and
			// the conversations in clear, by the client's port (one
			// conversation per connection).
			inTLS := map[string]int{}
			inClear := map[string]int{}
			for _, c := range facts.Conversations {
				key := c.Proto + ":" + strconv.Itoa(int(c.Client.Port))
				switch {
				case c.TLS.Mode == "none":
					inClear[key] = 1
				case c.Proto == "smtp":
					inTLS[key] += len(c.Messages)
				default: // IMAP or POP3 inside TLS: known, messages not counted
					inTLS[key] += 0
				}
			}
			wantTLS := 0
			for _, n := range inTLS {
				wantTLS += n
			}
			if wantTLS == 0 {
				t.Fatal("the facts list no message sent inside TLS")
			}
			b, err := os.ReadFile(filepath.Join(dir, "index.json"))
			if err != nil {
				t.Fatal(err)
			}
			var idx struct {
				Files []map[string]any `json:"files"`
			}
			if err := json.Unmarshal(b, &idx); err != nil {
				t.Fatal(err)
			}
			gotTLS, marked := 0, 0
			for _, f := range idx.Files {
				sid, _ := f["session"].(string)
				conv := clientPort[sid]
				dec, has := f["decrypted"]
				switch {
				case inClear[conv] == 0 && conv != "":
					if _, known := inTLS[conv]; !known {
						t.Errorf("%s: session %s (%s) is not a conversation of the facts", f["path"], sid, conv)
					}
					if dec != true {
						t.Errorf("%s (%s): read inside TLS, index says decrypted=%v", f["path"], conv, dec)
					}
					marked++
					if f["kind"] == "message" && conv[:4] == "smtp" {
						gotTLS++
					}
				case inClear[conv] > 0:
					if has {
						t.Errorf("%s (%s): crossed in clear, index says decrypted=%v", f["path"], conv, dec)
					}
				default:
					t.Errorf("%s: session %s (%s) is not a conversation of the facts", f["path"], sid, conv)
				}
			}
			if gotTLS != wantTLS {
				t.Errorf("%d messages sent inside TLS extracted, the facts list %d", gotTLS, wantTLS)
			}
			if marked == 0 {
				t.Error("no file of index.json says decrypted")
			}
		})
	}
}

func port(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i+1:]
		}
	}
	return ""
}
