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
		Auth []struct {
			Mechanism string `json:"mechanism"`
			Username  string `json:"username"`
			Password  string `json:"password"`
			Accepted  *bool  `json:"accepted"`
		} `json:"auth"`
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

func TestProjectCaptures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(captures, "pop3*.pcap"))
	if len(paths) == 0 {
		t.Skip("no POP3 captures in captures/ yet")
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".pcap")
		t.Run(name, func(t *testing.T) {
			k, out := analyse(t, path)
			golden(t, name, out)
			raw, err := os.ReadFile(strings.TrimSuffix(path, ".pcap") + ".facts.json")
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
		if c.Proto != "pop3" {
			continue
		}
		id := ""
		for _, s := range k.sessions {
			if s.Flow.Client.Port() == c.Client.Port {
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
		if len(creds) != len(c.Auth) {
			t.Errorf("%s: %d credentials, facts say %d", id, len(creds), len(c.Auth))
		}
		for i := 0; i < min(len(creds), len(c.Auth)); i++ {
			got, want := creds[i], c.Auth[i]
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
		for _, m := range c.Messages {
			wantSubjects = append(wantSubjects, m.Subject)
		}
		sort.Strings(subjects)
		sort.Strings(wantSubjects)
		if strings.Join(subjects, "\n") != strings.Join(wantSubjects, "\n") {
			t.Errorf("%s: messages %q, facts %q", id, subjects, wantSubjects)
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
