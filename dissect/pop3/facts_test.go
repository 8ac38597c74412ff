package pop3

import (
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// captures is the project's own set of captures, each with a facts file of
// what was really sent.
const captures = "../../captures"

// TestProjectCaptures checks the dissection of every POP3 capture of the
// project against the facts of what was really sent.
func TestProjectCaptures(t *testing.T) {
	n := 0
	for _, path := range recordtest.Captures(t, captures) {
		name := recordtest.Name(path)
		if !strings.HasPrefix(name, "pop3") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			// The records of these captures are in the pipeline's golden
			// files; here their facts say what must hold.
			k, _ := analyse(t, path)
			checkFacts(t, k, recordtest.LoadFacts(t, path))
		})
	}
	if n == 0 {
		t.Fatal("no POP3 capture in captures/")
	}
}

// checkFacts compares what was dissected with what was sent, conversation
// by conversation (matched by the client port).
func checkFacts(t *testing.T, k *sink, f *recordtest.Facts) {
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
				got.Accepted == nil || *got.Accepted != want.Accepted {
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
