package tls_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/report/pipeline"
)

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
	server    string
	Proto     record.Proto    `json:"proto"`
	Security  record.Security `json:"security"`
	TLSPacket int64           `json:"tls_packet,omitempty"`
	Warnings  []string        `json:"warnings,omitempty"`
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
			if tlsFindings[string(r.ID)] {
				recordtest.RenderWarnings(r)
				v.Findings = append(v.Findings, r)
			}
		case *record.Session:
			sv := sessionView{ID: r.ID, client: r.Client, server: r.Server, Proto: r.Proto, Security: r.Security, TLSPacket: r.TLSPacket, Warnings: recordtest.Texts(r.Warnings)}
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
	recordtest.Golden(t, filepath.Join("testdata", "golden", name+".json"), got)
}

// TestGoldenCaptures runs every lab capture that shows TLS (a tls record,
// a finding of this package, a session that is not cleartext) against its
// golden file and its facts file.
func TestGoldenCaptures(t *testing.T) {
	var captures []string
	for _, p := range recordtest.Captures(t, "../../captures") {
		name := recordtest.Name(p)
		captures = append(captures, filepath.Join("testdata", "golden", name+".json"))
		t.Run(name, func(t *testing.T) {
			v := analyse(t, p)
			checkFacts(t, recordtest.LoadFacts(t, p), v)
			_, err := os.Stat(filepath.Join("testdata", "golden", name+".json"))
			if len(v.TLS) == 0 && len(v.Findings) == 0 && len(v.Sessions) == 0 && os.IsNotExist(err) {
				return // cleartext only: nothing of this package to compare
			}
			golden(t, name, v)
		})
	}
	// The peer captures' golden files are TestPeerCaptures'.
	recordtest.NoStrays(t, filepath.Join("testdata", "golden"), captures, "peer-*")
}

// checkFacts compares the tls records with the TLS mode and version the
// capture's client really used.
func checkFacts(t *testing.T, f *recordtest.Facts, v view) {
	t.Helper()
	for _, c := range f.Conversations {
		if c.TLS.Mode != "implicit" && c.TLS.Mode != "starttls" {
			continue
		}
		var r *record.TLS
		for _, s := range v.sessions {
			if strings.HasSuffix(s.server, ":"+strconv.Itoa(int(c.Server.Port))) {
				for _, x := range v.TLS {
					if x.Session == s.ID {
						r = x
					}
				}
			}
		}
		if r == nil {
			t.Errorf("port %d: %s TLS in the facts but no tls record", c.Server.Port, c.TLS.Mode)
			continue
		}
		want := strings.TrimPrefix(c.TLS.Version, "TLSv")
		if want != "" && r.Version != "TLS "+want {
			t.Errorf("port %d: version %q, the client used %s", c.Server.Port, r.Version, c.TLS.Version)
		}
		if !r.HandshakeCompleted {
			// Not an error of ours when the capture itself stops early.
			t.Logf("port %d: the capture does not show the handshake completed", c.Server.Port)
		}
	}
}
