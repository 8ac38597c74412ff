package tls_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report/pipeline"
)

// keyedCaptures are the captures of captures/ whose script kept the
// client's TLS key log next to them (<name>.keys).
var keyedCaptures = []string{"imaps-993", "imap-starttls", "pop3-stls", "pop3s-995", "smtp-starttls-openssl", "smtps-465", "lab-session",
	"imaps-993-cbc", "imaps-993-cbc-noetm", "smtps-465-chacha"}

const capturesDir = "../../captures"

// facts is the part of a capture's .facts.json these tests compare: what
// the script that drove the real client and server knows it sent.
type keyedFacts struct {
	Conversations []struct {
		Proto  string `json:"proto"`
		Client struct {
			Port int `json:"port"`
		} `json:"client"`
		TLS struct {
			Mode    string `json:"mode"`
			Version string `json:"version"`
		} `json:"tls"`
		Auth []struct {
			Mechanism string `json:"mechanism"`
			Username  string `json:"username"`
			Password  string `json:"password"`
			Accepted  *bool  `json:"accepted"`
			Encrypted bool   `json:"encrypted"`
		} `json:"auth"`
		Commands []string `json:"commands"`
		Messages []struct {
			MessageID    string   `json:"message_id"`
			EnvelopeFrom string   `json:"envelope_from"`
			EnvelopeTo   []string `json:"envelope_to"`
			Subject      string   `json:"subject"`
			Size         int64    `json:"size"`
			SHA256       string   `json:"sha256"`
		} `json:"messages"`
		AuthUser string `json:"auth_user"`
	} `json:"conversations"`
}

func loadFacts(t *testing.T, name string) *keyedFacts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, name+".facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f keyedFacts
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// readKeyed analyses a capture with its key log (or none), secrets
// revealed and messages kept.
func readKeyed(t testing.TB, name string, keys *keylog.Log) []record.Record {
	t.Helper()
	opt := pipeline.Options{Dissect: dissect.Options{Keys: keys, KeepRaw: true}, Reveal: true, Workers: 1}
	res, err := pipeline.File(filepath.Join(capturesDir, name+".pcap"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return res.Records
}

func loadKeys(t testing.TB, name string) *keylog.Log {
	t.Helper()
	l := keylog.New()
	warns, err := l.ReadFile(filepath.Join(capturesDir, name+".keys"))
	if err != nil || len(warns) > 0 {
		t.Fatalf("%s.keys: %v %q", name, err, warns)
	}
	return l
}

// bySession groups records by session id.
type sessionRecs struct {
	session *record.Session
	creds   []*record.Credential
	cmds    []*record.Command
	msgs    []*record.Message
	tls     []*record.TLS
}

func group(recs []record.Record) map[int]*sessionRecs {
	ids := map[string]*sessionRecs{}
	get := func(id string) *sessionRecs {
		if ids[id] == nil {
			ids[id] = &sessionRecs{}
		}
		return ids[id]
	}
	for _, r := range recs {
		switch r := r.(type) {
		case *record.Session:
			get(r.ID).session = r
		case *record.Credential:
			get(r.Session).creds = append(get(r.Session).creds, r)
		case *record.Command:
			get(r.Session).cmds = append(get(r.Session).cmds, r)
		case *record.Message:
			get(r.Session).msgs = append(get(r.Session).msgs, r)
		case *record.TLS:
			get(r.Session).tls = append(get(r.Session).tls, r)
		}
	}
	byPort := map[int]*sessionRecs{}
	for _, s := range ids {
		if s.session != nil {
			i := strings.LastIndexByte(s.session.Client, ':')
			p, _ := strconv.Atoi(s.session.Client[i+1:])
			byPort[p] = s
		}
	}
	return byPort
}

// TestKeyedCapturesMatchFacts decrypts each capture with its key log and
// compares, field by field, the credentials, commands and messages found
// inside TLS with what the script sent.
func TestKeyedCapturesMatchFacts(t *testing.T) {
	for _, name := range keyedCaptures {
		t.Run(name, func(t *testing.T) {
			f := loadFacts(t, name)
			sessions := group(readKeyed(t, name, loadKeys(t, name)))
			tlsConvs := 0
			for _, c := range f.Conversations {
				if c.TLS.Mode != "implicit" && c.TLS.Mode != "starttls" {
					continue
				}
				tlsConvs++
				s := sessions[c.Client.Port]
				if s == nil {
					t.Errorf("%s conversation from port %d: no session", c.Proto, c.Client.Port)
					continue
				}
				checkConversation(t, c.Proto, c.TLS.Mode, c.AuthUser, s)
				checkAuth(t, c.Auth, s)
				checkCommands(t, c.Commands, s)
				for _, m := range c.Messages {
					checkMessage(t, m.MessageID, m.EnvelopeFrom, m.EnvelopeTo, m.Subject, m.Size, m.SHA256, s)
				}
			}
			if tlsConvs == 0 {
				t.Fatal("the facts list no TLS conversation")
			}
		})
	}
}

func checkConversation(t *testing.T, proto, mode, authUser string, s *sessionRecs) {
	t.Helper()
	sec := map[string]string{"implicit": "implicit-tls", "starttls": "starttls"}[mode]
	if !s.session.Decrypted || string(s.session.Proto) != proto || string(s.session.Security) != sec {
		t.Errorf("session %s: proto %s, security %s, decrypted %v; want %s, %s, decrypted",
			s.session.ID, s.session.Proto, s.session.Security, s.session.Decrypted, proto, sec)
	}
	if s.session.AuthUser != authUser {
		t.Errorf("session %s: auth_user %q, want %q", s.session.ID, s.session.AuthUser, authUser)
	}
	if len(s.session.Warnings) > 0 {
		t.Errorf("session %s: warnings %q", s.session.ID, s.session.Warnings)
	}
	if len(s.tls) != 1 || !s.tls[0].Decrypted || s.tls[0].CertSubject == "" {
		t.Errorf("session %s: tls records %+v, want one, decrypted, with the certificate", s.session.ID, s.tls)
	}
}

func checkAuth(t *testing.T, auth []struct {
	Mechanism string `json:"mechanism"`
	Username  string `json:"username"`
	Password  string `json:"password"`
	Accepted  *bool  `json:"accepted"`
	Encrypted bool   `json:"encrypted"`
}, s *sessionRecs) {
	t.Helper()
	var inside []*record.Credential
	for _, c := range s.creds {
		if c.Decrypted {
			inside = append(inside, c)
		}
	}
	i := 0
	for _, a := range auth {
		if !a.Encrypted {
			continue
		}
		if i >= len(inside) {
			t.Errorf("%s login of %s: not found inside TLS", a.Mechanism, a.Username)
			continue
		}
		c := inside[i]
		i++
		if c.Mechanism != a.Mechanism || c.Username != a.Username || c.Password != a.Password ||
			(a.Accepted != nil && (c.Accepted == nil || *c.Accepted != *a.Accepted)) {
			t.Errorf("credential %s %s %q accepted %v; want %s %s %q accepted %v",
				c.Mechanism, c.Username, c.Password, show(c.Accepted), a.Mechanism, a.Username, a.Password, show(a.Accepted))
		}
	}
	if i != len(inside) {
		t.Errorf("%d credentials inside TLS, the facts list %d", len(inside), i)
	}
}

func show(b *bool) string {
	if b == nil {
		return "unknown"
	}
	return strconv.FormatBool(*b)
}

// checkCommands compares the verbs of the whole session (cleartext part
// and decrypted part) with the commands the script typed.
func checkCommands(t *testing.T, want []string, s *sessionRecs) {
	t.Helper()
	if len(want) == 0 {
		return
	}
	var got []string
	for _, c := range s.cmds {
		got = append(got, c.Verb)
	}
	// The facts list the commands the script typed; client libraries
	// add some of their own (imaplib asks CAPABILITY again after
	// STARTTLS): those typed must all show, in order.
	if !subsequence(want, got) {
		t.Errorf("commands %q, want %q among them in this order", got, want)
	}
	decrypted := 0
	for _, c := range s.cmds {
		if c.Decrypted {
			decrypted++
		}
	}
	if decrypted == 0 {
		t.Error("no command marked decrypted")
	}
}

func subsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func checkMessage(t *testing.T, id, from string, to []string, subject string, size int64, sum string, s *sessionRecs) {
	t.Helper()
	for _, m := range s.msgs {
		if m.MessageID != id {
			continue
		}
		if !m.Decrypted || m.Subject != subject || (m.EnvelopeFrom != "" && m.EnvelopeFrom != from) ||
			(len(m.EnvelopeTo) > 0 && strings.Join(m.EnvelopeTo, ",") != strings.Join(to, ",")) {
			t.Errorf("message %s: decrypted %v, subject %q, envelope %s %q; want %q, %s %q",
				id, m.Decrypted, m.Subject, m.EnvelopeFrom, m.EnvelopeTo, subject, from, to)
		}
		// A fetched message carries the headers the server added on
		// delivery: only a sent one is the very bytes the script gave.
		if m.Direction == "fetched" && int64(len(m.Raw)) < size {
			t.Errorf("message %s: %d bytes fetched, fewer than the %d sent", id, len(m.Raw), size)
		}
		if m.Direction == "sent" && !sameMessage(m.Raw, size, sum) {
			t.Errorf("message %s: %d bytes kept, not the %d bytes (sha256 %s…) sent", id, len(m.Raw), size, sum[:12])
		}
		return
	}
	t.Errorf("message %s (%q) not found", id, subject)
}

// sameMessage compares the bytes seen with the message the tool was
// given (SMTP clients may end DATA with one more CRLF than the file).
func sameMessage(raw []byte, size int64, sum string) bool {
	for _, b := range [][]byte{raw, bytes.TrimSuffix(raw, []byte("\r\n"))} {
		h := sha256.Sum256(b)
		if int64(len(b)) == size && hex.EncodeToString(h[:]) == sum {
			return true
		}
	}
	return false
}

// TestWithoutKeyLogNothingIsDecrypted checks that the same captures read
// without their key log show nothing from inside TLS.
func TestWithoutKeyLogNothingIsDecrypted(t *testing.T) {
	for _, name := range keyedCaptures {
		for _, r := range readKeyed(t, name, nil) {
			b, _ := json.Marshal(r)
			if bytes.Contains(b, []byte(`"decrypted"`)) {
				t.Errorf("%s: %s", name, b)
			}
		}
	}
}

// TestWrongKeyLog reads each capture with the key log of another: every
// TLS session says once that no secret matched, and nothing is decrypted.
func TestWrongKeyLog(t *testing.T) {
	wrong := loadKeys(t, "pop3s-995")
	for _, name := range []string{"imaps-993", "smtp-starttls-openssl", "imap-starttls"} {
		for _, r := range readKeyed(t, name, wrong) {
			b, _ := json.Marshal(r)
			if bytes.Contains(b, []byte(`"decrypted"`)) {
				t.Errorf("%s: decrypted with another capture's key log: %s", name, b)
			}
			s, ok := r.(*record.Session)
			if !ok || s.Security == "cleartext" {
				continue
			}
			n := 0
			for _, w := range s.Warnings {
				if w.ID == record.WarnTLSNoSecret {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s session %s: warnings %q, want one saying no secret matched", name, s.ID, s.Warnings)
			}
		}
	}
}

// TestTsharkAgrees compares the commands found inside TLS, with their
// frames, with what tshark shows with the same key log.
func TestTsharkAgrees(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tshark is not installed; CI must install it (make deps-test)")
		}
		t.Skip("tshark not installed: the cross-check of decryption with Wireshark is skipped (CI installs it)")
	}
	for _, name := range keyedCaptures {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(tshark, "-n", "-r", filepath.Join(capturesDir, name+".pcap"),
				"-o", "tls.keylog_file:"+filepath.Join(capturesDir, name+".keys"),
				"-Y", "tls && (imap.request.command || pop.request.command || smtp.req.command)",
				"-T", "fields", "-e", "frame.number", "-e", "imap.request.command", "-e", "pop.request.command",
				"-e", "smtp.req.command").Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			var want []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				f := strings.Split(l, "\t")
				if len(f) < 2 {
					continue
				}
				verb := strings.ToUpper(strings.TrimSpace(strings.Join(f[1:], "")))
				// tshark shows the commands of a record that carries
				// several as one comma-separated field.
				for _, v := range strings.Split(verb, ",") {
					want = append(want, f[0]+" "+v)
				}
			}
			var got []string
			for _, r := range readKeyed(t, name, loadKeys(t, name)) {
				if c, ok := r.(*record.Command); ok && c.Decrypted {
					got = append(got, fmt.Sprintf("%d %s", c.Packet, strings.ToUpper(c.Verb)))
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if len(want) == 0 || strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("decrypted commands\n mailwire %q\n   tshark %q", got, want)
			}
		})
	}
}

// TestSecretsInsidePcapng writes a capture's key log into a pcapng
// Decryption Secrets Block with editcap --inject-secrets, as Wireshark
// users do, and reads it with no key log given: the same sessions open.
func TestSecretsInsidePcapng(t *testing.T) {
	editcap, err := exec.LookPath("editcap")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("editcap is not installed; CI must install it (wireshark-common, with tshark)")
		}
		t.Skip("editcap not installed: the pcapng Decryption Secrets Block test is skipped (CI installs it)")
	}
	for _, name := range []string{"imaps-993", "smtps-465"} {
		out := filepath.Join(t.TempDir(), name+"-dsb.pcapng")
		cmd := exec.Command(editcap, "-F", "pcapng", "--inject-secrets", "tls,"+filepath.Join(capturesDir, name+".keys"),
			filepath.Join(capturesDir, name+".pcap"), out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("editcap: %v %s", err, b)
		}
		res, err := pipeline.File(out, pipeline.Options{Reveal: true, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := readKeyed(t, name, loadKeys(t, name))
		if got, exp := summary(res.Records), summary(want); got != exp {
			t.Errorf("%s with embedded secrets:\n%s\nwant (with --keylog):\n%s", name, got, exp)
		}
		if !strings.Contains(summary(res.Records), "credential") {
			t.Errorf("%s: no credential decrypted from the embedded secrets", name)
		}
	}
}

// summary lists the decrypted records' kinds and frames.
func summary(recs []record.Record) string {
	var lines []string
	for _, r := range recs {
		b, _ := json.Marshal(r)
		if bytes.Contains(b, []byte(`"decrypted":true`)) {
			lines = append(lines, fmt.Sprintf("%s@%d", r.Kind(), r.Frame()))
		}
	}
	return strings.Join(lines, " ")
}
