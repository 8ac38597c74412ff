package pop3

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// captures is the project's own set of captures, each with a facts file of
// what was really sent.
const captures = "../../captures"

// facts is the part of a .facts.json this package checks.
type facts struct {
	Conversations []struct {
		Proto  string `json:"proto"`
		Client struct {
			Port uint16 `json:"port"`
		} `json:"client"`
		TLS struct {
			Mode string `json:"mode"` // none, starttls, implicit
		} `json:"tls"`
		Auth []struct {
			Mechanism string `json:"mechanism"`
			Username  string `json:"username"`
			Password  string `json:"password"`
			Accepted  *bool  `json:"accepted"`
			Encrypted bool   `json:"encrypted"`
			Challenge string `json:"challenge"` // APOP timestamp
			Response  string `json:"response"`  // APOP digest
		} `json:"auth"`
		Commands []string `json:"commands"`
		AuthUser string   `json:"auth_user"`
		Messages []struct {
			MessageID string `json:"message_id"`
			Subject   string `json:"subject"`
		} `json:"messages"`
		StartTLS *struct {
			Offered   *bool `json:"offered"`
			Requested bool  `json:"requested"`
			Accepted  bool  `json:"accepted"`
		} `json:"starttls"`
	} `json:"conversations"`
}

// TestProjectCaptures checks the dissection of every POP3 capture of the
// project against the facts of what was really sent.
func TestProjectCaptures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(captures, "pop3*.pcap"))
	gz, _ := filepath.Glob(filepath.Join(captures, "pop3*.pcap.gz"))
	paths = append(paths, gz...)
	if len(paths) == 0 {
		t.Skip("no POP3 captures in captures/ yet")
	}
	for _, path := range paths {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), ".pcap")
		t.Run(name, func(t *testing.T) {
			// No golden file: these captures are regenerated with new
			// timestamps and challenges; their facts say what must hold.
			k, _ := analyse(t, path)
			raw, err := os.ReadFile(filepath.Join(captures, name+".facts.json"))
			if err != nil {
				t.Skipf("no facts for %s", name)
			}
			var f facts
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatal(err)
			}
			checkFacts(t, k, f)
		})
	}
}

// checkFacts compares what was dissected with what was sent, conversation
// by conversation (matched by the client port).
func checkFacts(t *testing.T, k *sink, f facts) {
	for _, c := range f.Conversations {
		if c.Proto != "pop3" || c.TLS.Mode == "implicit" {
			continue // POP3S is the TLS dissector's
		}
		id := ""
		for _, s := range k.sessions {
			// The first: a late packet after the close may open a
			// second, empty conversation on the same ports.
			if s.Flow.Client.Port() == c.Client.Port && id == "" {
				id = s.ID
			}
		}
		if id == "" {
			t.Errorf("conversation from port %d not found", c.Client.Port)
			continue
		}
		var creds []*record.Credential
		for _, r := range only[*record.Credential](k.records) {
			if r.Session == id {
				creds = append(creds, r)
			}
		}
		auth := c.Auth[:0:0]
		for _, a := range c.Auth {
			if !a.Encrypted {
				auth = append(auth, a)
			}
		}
		if len(creds) != len(auth) {
			t.Errorf("%s: %d credentials, facts say %d in clear", id, len(creds), len(auth))
		}
		for i := 0; i < min(len(creds), len(auth)); i++ {
			got, want := creds[i], auth[i]
			if want.Mechanism == "APOP" && got.Hash != want.Response+":"+want.Challenge {
				t.Errorf("%s: APOP hash %q, facts %s:%s", id, got.Hash, want.Response, want.Challenge)
			}
			if !strings.EqualFold(got.Mechanism, want.Mechanism) || got.Username != want.Username ||
				(got.Recoverable && got.Password != want.Password) ||
				(want.Accepted != nil && (got.Accepted == nil || *got.Accepted != *want.Accepted)) {
				t.Errorf("%s credential %d: got %s %q %q accepted %v, facts %+v", id, i, got.Mechanism, got.Username, got.Password, deref(got.Accepted), want)
			}
		}
		var subjects, wantSubjects []string
		for _, m := range only[*record.Message](k.records) {
			if m.Session == id {
				subjects = append(subjects, m.Subject)
			}
		}
		if c.TLS.Mode == "none" {
			for _, m := range c.Messages {
				wantSubjects = append(wantSubjects, m.Subject)
			}
		}
		sort.Strings(subjects)
		sort.Strings(wantSubjects)
		if strings.Join(subjects, "\n") != strings.Join(wantSubjects, "\n") {
			t.Errorf("%s: messages %q, facts %q", id, subjects, wantSubjects)
		}
		var verbs []string
		for _, r := range only[*record.Command](k.records) {
			if r.Session == id {
				verbs = append(verbs, r.Verb)
			}
		}
		var wantVerbs []string
		for _, v := range c.Commands {
			wantVerbs = append(wantVerbs, v)
			if v == "STLS" && c.StartTLS != nil && c.StartTLS.Accepted {
				break // the rest is encrypted
			}
		}
		// The facts list what the script asked for; a client library may
		// add commands of its own (curl sends CAPA twice): the facts must
		// appear in order among what was seen.
		if !subsequence(wantVerbs, verbs) {
			t.Errorf("%s: commands %v, facts %v", id, verbs, wantVerbs)
		}
		if c.TLS.Mode == "none" && c.AuthUser != "" {
			for _, s := range k.sessions {
				if s.ID == id && s.AuthUser != c.AuthUser {
					t.Errorf("%s: auth user %q, facts %q", id, s.AuthUser, c.AuthUser)
				}
			}
		}
		if c.StartTLS != nil && c.StartTLS.Requested {
			var st *record.StartTLS
			for _, r := range only[*record.StartTLS](k.records) {
				if r.Session == id {
					st = r
				}
			}
			if st == nil || st.Accepted != c.StartTLS.Accepted {
				t.Errorf("%s: starttls %+v, facts %+v", id, st, *c.StartTLS)
			}
		}
	}
}

// subsequence reports whether want appears in order within got.
func subsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}
