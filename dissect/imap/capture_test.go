package imap_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/report/pipeline"
)

// Where the captures are, relative to this package.
const (
	projectCaptures = "../../captures"
	peerCaptures    = "../../../shared/corpus/peers"
)

// analysis is the IMAP part of one capture's records.
type analysis struct {
	sha256   string
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
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	a := &analysis{sessions: map[string]*record.Session{}, sha256: hex.EncodeToString(sum[:])}
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
		return a.sessions[x.Session] != nil && imapFindings[string(x.ID)]
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
	// The first line names the capture's bytes: a capture made again
	// (new ports, new UIDVALIDITY) fails until its golden file is
	// rewritten with -update and reviewed.
	fmt.Fprintf(&buf, "{\"capture_sha256\":%q}\n", a.sha256)
	for _, r := range a.records {
		recordtest.RenderWarnings(r)
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
	recordtest.Golden(t, filepath.Join("testdata", "golden", name+".jsonl"), buf.Bytes())
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

func TestProjectCaptures(t *testing.T) {
	var compared []string
	for _, path := range recordtest.Captures(t, projectCaptures) {
		name := recordtest.Name(path)
		f := recordtest.LoadFacts(t, path)
		if !strings.HasPrefix(name, "imap") && !f.Has("imap") {
			continue
		}
		compared = append(compared, filepath.Join("testdata", "golden", name+".jsonl"))
		t.Run(name, func(t *testing.T) {
			a := analyse(t, path)
			golden(t, name, a)
			if strings.Contains(name, "snap") {
				// Payloads cut by the snap length: the facts cannot be
				// seen; reading the rest without harm is the test.
				if len(a.sessions) == 0 {
					t.Fatal("no IMAP session")
				}
				return
			}
			checkFacts(t, a, f)
		})
	}
	if len(compared) == 0 {
		t.Fatal("no IMAP capture in captures/")
	}
	// The peer captures' golden files are TestPeerCaptures'.
	recordtest.NoStrays(t, filepath.Join("testdata", "golden"), compared, "credslayer-*", "ndpi-*", "mercury-*", "chrissanders-*", "suricata-*")
}

// sessionOf finds the IMAP session of a client port.
func (a *analysis) sessionOf(port int) string {
	for id, s := range a.sessions {
		if strings.HasSuffix(s.Client, ":"+itoa(port)) {
			return id
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// checkFacts compares what was dissected with what was really sent.
func checkFacts(t *testing.T, a *analysis, f *recordtest.Facts) {
	for _, conv := range f.Conversations {
		if conv.Proto != "imap" {
			continue
		}
		id := a.sessionOf(int(conv.Client.Port))
		if conv.TLS.Mode == "implicit" {
			if id != "" {
				t.Errorf("implicit TLS read as cleartext IMAP (session %s)", id)
			}
			continue
		}
		if id == "" {
			t.Fatalf("no IMAP session for client port %d", conv.Client.Port)
		}
		var verbs []string
		var cr []*record.Credential
		var msgs []*record.Message
		created := map[string]bool{}
		var st []*record.StartTLS
		for _, r := range a.records {
			switch x := r.(type) {
			case *record.Command:
				if x.Session == id {
					// The facts name a command by its first word
					// ("UID" for UID FETCH).
					first, _, _ := strings.Cut(x.Verb, " ")
					verbs = append(verbs, first)
				}
			case *record.Credential:
				if x.Session == id {
					cr = append(cr, x)
				}
			case *record.Message:
				if x.Session == id && x.Partial == "" {
					msgs = append(msgs, x)
				}
			case *record.Mailbox:
				if x.Session == id && x.Command == "CREATE" && x.Status == "OK" {
					created[x.Name] = true
				}
			case *record.StartTLS:
				if x.Session == id {
					st = append(st, x)
				}
			}
		}
		want := conv.Commands
		if conv.TLS.Mode == "starttls" {
			// Only the commands up to STARTTLS cross in clear.
			for i, v := range want {
				if v == "STARTTLS" {
					want = want[:i+1]
					break
				}
			}
			if len(st) != 1 || st[0].Offered == nil || *st[0].Offered != conv.StartTLS.Offered || st[0].Requested != conv.StartTLS.Requested ||
				st[0].Accepted != conv.StartTLS.Accepted || !st[0].TLSSeen || a.sessions[id].Security != "starttls" {
				t.Errorf("starttls %+v, facts %+v", st, conv.StartTLS)
			}
			if len(cr) != 0 {
				t.Errorf("credentials seen inside TLS: %+v", cr)
			}
		} else {
			if len(cr) != len(conv.Auth) {
				t.Fatalf("%d credentials, facts say %d", len(cr), len(conv.Auth))
			}
			for i, w := range conv.Auth {
				g := cr[i]
				if g.Mechanism != w.Mechanism || g.Username != w.Username || g.Accepted == nil || *g.Accepted != w.Accepted ||
					(g.Recoverable && g.Password != w.Password) {
					t.Errorf("credential %d: got %s %q %q accepted %v, facts %+v", i, g.Mechanism, g.Username, g.Password, g.Accepted, w)
				}
			}
			for _, w := range conv.Messages {
				found := false
				for _, m := range msgs {
					// The size differs: delivery added Return-Path and
					// Received to what the facts counted when it was sent.
					if m.MessageID != w.MessageID || m.Subject != w.Subject {
						continue
					}
					if w.AppendedTo != "" {
						found = m.Direction == "appended" && m.Mailbox == w.AppendedTo && m.Size == w.Size
					} else {
						found = m.Direction == "fetched" && m.Size >= w.Size
					}
				}
				if !found {
					t.Errorf("message %q (%s, %d bytes) not reported whole", w.Subject, w.MessageID, w.Size)
				}
				checkContent(t, msgs, w.MessageID, w.SMIME, w.Attachments)
			}
			for _, name := range conv.MailboxesCreated {
				if !created[name] {
					t.Errorf("CREATE %s not reported", name)
				}
			}
		}
		// Client libraries send CAPABILITY on their own; the facts list
		// what was asked for.
		if strings.Join(drop(verbs, "CAPABILITY"), " ") != strings.Join(drop(want, "CAPABILITY"), " ") {
			t.Errorf("commands\n got %q\nwant %q", verbs, want)
		}
	}
}

// drop returns list without the items equal to v.
func drop(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// checkContent compares what the whole message showed with the facts:
// its S/MIME protection and its attachments' names, sizes and hashes.
func checkContent(t *testing.T, msgs []*record.Message, id, smime string, atts []recordtest.AttachmentFact) {
	t.Helper()
	for _, m := range msgs {
		if m.MessageID != id {
			continue
		}
		// The facts tell opaque from detached signatures; the JSON
		// contract calls both "signed".
		if smime == "signed-opaque" {
			smime = "signed"
		}
		if smime != "" && m.SMIME != smime {
			t.Errorf("%s: smime %q, facts %q", id, m.SMIME, smime)
		}
		for _, w := range atts {
			found := false
			for _, a := range m.Attachments {
				if a.Filename == w.Filename && a.ContentType == w.ContentType && a.Size == w.Size && a.SHA256 == w.SHA256 {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: attachment %s (%d bytes, %s) not found in %+v", id, w.Filename, w.Size, w.SHA256, m.Attachments)
			}
		}
	}
}
