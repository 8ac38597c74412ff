package tls_test

import (
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

// tlsFindings are the finding ids this package raises.
var tlsFindings = map[string]bool{
	"implicit-tls": true, "weak-tls": true, "tls-self-signed-certificate": true,
	"tls-expired-certificate": true, "tls-name-mismatch": true, "tls-handshake-failed": true,
	"starttls-not-tls": true,
}

// view is what a capture shows of TLS: the tls records, the findings of
// this package and each session's security and warnings.
type view struct {
	TLS      []*record.TLS     `json:"tls"`
	Findings []*record.Finding `json:"findings"`
	Sessions []sessionView     `json:"sessions"`
	sessions []sessionView
}

type sessionView struct {
	ID        string `json:"id"`
	client    string
	Proto     string   `json:"proto"`
	Security  string   `json:"security"`
	TLSPacket int64    `json:"tls_packet,omitempty"`
	Warnings  []string `json:"warnings,omitempty"`
}

func analyse(t *testing.T, path string) view {
	t.Helper()
	res, err := pipeline.File(path, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := view{TLS: []*record.TLS{}, Findings: []*record.Finding{}, Sessions: []sessionView{}}
	for _, r := range res.Records {
		switch r := r.(type) {
		case *record.TLS:
			v.TLS = append(v.TLS, r)
		case *record.Finding:
			if tlsFindings[r.ID] {
				v.Findings = append(v.Findings, r)
			}
		case *record.Session:
			sv := sessionView{ID: r.ID, client: r.Client, Proto: r.Proto, Security: r.Security, TLSPacket: r.TLSPacket, Warnings: r.Warnings}
			v.sessions = append(v.sessions, sv)
			if r.Security != "cleartext" {
				v.Sessions = append(v.Sessions, sv)
			}
		}
	}
	return v
}

// golden compares v with testdata/golden/name.json (rewritten by -update).
func golden(t *testing.T, name string, v view) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestGoldenCaptures(t *testing.T) {
	paths, _ := filepath.Glob("../../captures/*.pcap")
	if len(paths) == 0 {
		t.Skip("no captures in ../../captures")
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".pcap")
		if !strings.Contains(name, "tls") && !strings.Contains(name, "465") &&
			!strings.Contains(name, "993") && !strings.Contains(name, "995") && !strings.Contains(name, "imaps") &&
			!strings.Contains(name, "pop3s") && !strings.Contains(name, "stls") {
			continue
		}
		t.Run(name, func(t *testing.T) { golden(t, name, analyse(t, p)) })
	}
}
