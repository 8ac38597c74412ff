package imap_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/pipeline"
	"github.com/mailwire/mailwire/dissect/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Where the captures are, relative to this package.
const (
	projectCaptures = "../../captures"
	peerCaptures    = "../../../shared/corpus/peers"
)

// analysis is the IMAP part of one capture's records.
type analysis struct {
	records  []record.Record
	sessions map[string]*record.Session
}

// analyse runs a capture through the whole pipeline, secrets revealed so
// that they can be checked against the facts.
func analyse(t *testing.T, path string) *analysis {
	t.Helper()
	res, err := pipeline.File(path, pipeline.Options{Reveal: true})
	if err != nil {
		t.Fatal(err)
	}
	a := &analysis{sessions: map[string]*record.Session{}}
	for _, r := range res.Records {
		if s, ok := r.(*record.Session); ok && s.Proto == "imap" {
			a.sessions[s.ID] = s
		}
	}
	for _, r := range res.Records {
		if a.isIMAP(r) {
			a.records = append(a.records, r)
		}
	}
	return a
}

// isIMAP keeps the records this package makes.
func (a *analysis) isIMAP(r record.Record) bool {
	switch x := r.(type) {
	case *record.Session:
		return x.Proto == "imap"
	case *record.Command:
		return x.Proto == "imap"
	case *record.Credential:
		return x.Proto == "imap"
	case *record.StartTLS:
		return x.Proto == "imap"
	case *record.Message:
		return x.Proto == "imap"
	case *record.Mailbox:
		return true
	case *record.Finding:
		return a.sessions[x.Session] != nil && imapFindings[x.ID]
	}
	return false
}

// imapFindings are the finding ids this package raises (the others are
// derived by the report and tested there).
var imapFindings = map[string]bool{
	"starttls-not-offered": true, "starttls-refused": true, "starttls-not-used": true,
	"starttls-plaintext-injection": true, "login-disabled-ignored": true, "imap-preauth": true,
	"spoofed-sender": true,
}

func creds(a *analysis) []*record.Credential {
	var out []*record.Credential
	for _, r := range a.records {
		if c, ok := r.(*record.Credential); ok {
			out = append(out, c)
		}
	}
	return out
}

func messages(a *analysis) []*record.Message {
	var out []*record.Message
	for _, r := range a.records {
		if m, ok := r.(*record.Message); ok {
			out = append(out, m)
		}
	}
	return out
}

func starttls(a *analysis) []*record.StartTLS {
	var out []*record.StartTLS
	for _, r := range a.records {
		if s, ok := r.(*record.StartTLS); ok {
			out = append(out, s)
		}
	}
	return out
}

// golden compares the records, secrets removed, with testdata/golden.
func golden(t *testing.T, name string, a *analysis) {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range a.records {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		delete(m, "password")
		delete(m, "hash")
		if r.Kind() == "session" {
			// Only what this package decides; the rest is the pipeline's.
			m = map[string]any{"id": m["id"], "proto": m["proto"], "security": m["security"], "tls_packet": m["tls_packet"]}
		}
		m["kind"] = r.Kind()
		b, _ = json.Marshal(m)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	path := filepath.Join("testdata", "golden", name+".jsonl")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		got := strings.Split(buf.String(), "\n")
		exp := strings.Split(string(want), "\n")
		for i := 0; i < max(len(got), len(exp)); i++ {
			g, e := "", ""
			if i < len(got) {
				g = got[i]
			}
			if i < len(exp) {
				e = exp[i]
			}
			if g != e {
				t.Fatalf("%s differs at line %d:\ngot  %s\nwant %s\n(go test -update to accept)", path, i+1, g, e)
			}
		}
	}
}

// peer opens a peer capture, skipping the test when the corpus is absent.
func peer(t *testing.T, rel string) string {
	t.Helper()
	path := filepath.Join(peerCaptures, rel)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("peer capture %s absent (shared/corpus/peers not mounted)", rel)
	}
	return path
}

func TestPeerCaptures(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		check func(t *testing.T, a *analysis)
	}{
		{"credslayer-imap", "CredSLayer/tests/samples/imap.pcap", func(t *testing.T, a *analysis) {
			// CredSLayer expects exactly one credential, neulingern/XXXXXX.
			c := creds(a)
			if len(c) != 1 || c[0].Username != "neulingern" || c[0].Password != "XXXXXX" || c[0].Mechanism != "LOGIN" || !*c[0].Accepted {
				t.Fatalf("credentials %+v", c)
			}
			m := messages(a)
			if len(m) < 13 {
				t.Fatalf("%d messages", len(m))
			}
			seen := map[string]bool{}
			for _, x := range m {
				seen[x.From] = true
			}
			if !seen["Rae Davis <hardcase_890@yahoo.com>"] {
				t.Errorf("senders %v", seen)
			}
		}},
		{"ndpi-imap", "nDPI/tests/cfgs/default/pcap/imap.pcap", func(t *testing.T, a *analysis) {
			// nDPI: "Found IMAP username (samir)".
			c := creds(a)
			if len(c) != 1 || c[0].Username != "samir" {
				t.Fatalf("credentials %+v", c)
			}
		}},
		{"ndpi-imap-starttls", "nDPI/tests/cfgs/default/pcap/imap-starttls.pcap", func(t *testing.T, a *analysis) {
			s := starttls(a)
			if len(s) != 1 || !s[0].Accepted || !s[0].TLSSeen || s[0].Offered == nil || !*s[0].Offered {
				t.Fatalf("starttls %+v", s)
			}
		}},
		{"mercury-imap2", "mercury/unit_tests/pcaps/imap2.pcap", func(t *testing.T, a *analysis) {
			s := starttls(a)
			if len(s) != 1 || !s[0].Accepted || !s[0].TLSSeen {
				t.Fatalf("starttls %+v", s)
			}
		}},
		{"chrissanders-receiver", "chrissanders-packets/mail_receiver_server_3.pcapng", func(t *testing.T, a *analysis) {
			s := starttls(a)
			if len(s) != 1 || !s[0].Requested || !s[0].Accepted || !s[0].TLSSeen {
				t.Fatalf("starttls %+v", s)
			}
			for _, x := range a.sessions {
				if x.Security != "starttls" {
					t.Errorf("session %s security %q", x.ID, x.Security)
				}
			}
		}},
		{"suricata-imap-detection", "suricata-verify/tests/imap-detection/input.pcap", nil},
		{"suricata-tcp-async", "suricata-verify/tests/tcp-async-01/input.pcap", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyse(t, peer(t, tt.path))
			if len(a.sessions) == 0 {
				t.Fatalf("no IMAP session found")
			}
			if tt.check != nil {
				tt.check(t, a)
			}
			golden(t, tt.name, a)
		})
	}
}
