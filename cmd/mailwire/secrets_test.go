package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// No secret the clients sent, as typed or as base64 on the wire, reaches
// any report without --reveal-secrets: every bundled capture, opened with
// its key log when it has one, in every format and language.
func TestNoSecretWithoutReveal(t *testing.T) {
	class := t.TempDir()
	var all []string
	checked := 0
	for _, capture := range recordtest.Captures(t, "../../captures") {
		facts := recordtest.LoadFacts(t, capture)
		secrets := secretsOf(facts)
		if len(secrets) == 0 {
			continue
		}
		base := []string{"read", "--color", "never", "--progress", "never", capture}
		if facts.TLSKeylog != "" {
			base = append(base, "--keylog", filepath.Join(filepath.Dir(capture), facts.TLSKeylog))
		}
		for _, form := range [][]string{
			{"--lang", "en"}, {"--lang", "fr"}, {"--json"}, {"--format", "markdown"}, {"--format", "html"},
		} {
			args := append(append([]string{}, base...), form...)
			_, out, stderr := runCmd(args...)
			if !strings.Contains(out, "s1") {
				t.Fatalf("%v: no session reported: %s", args, stderr)
			}
			for _, s := range secrets {
				if strings.Contains(out, s) || strings.Contains(stderr, s) {
					t.Errorf("%v: the secret %q is shown without --reveal-secrets", args, s)
				}
			}
		}
		checked++
		all = append(all, secrets...)
		name := filepath.Base(capture)
		copyFile(t, capture, filepath.Join(class, name))
		if facts.TLSKeylog != "" {
			id := strings.TrimSuffix(name, filepath.Ext(name))
			copyFile(t, filepath.Join(filepath.Dir(capture), facts.TLSKeylog), filepath.Join(class, id+".keys"))
		}
	}
	if checked < 20 {
		t.Fatalf("only %d captures have secrets in their facts", checked)
	}
	// Grading never reveals them either: every file it writes.
	out := filepath.Join(t.TempDir(), "grades")
	if code, _, stderr := runCmd("grade", "--progress", "never", "--out", out, class); code != exitOK {
		t.Fatalf("grade: exit %d: %s", code, stderr)
	}
	files := 0
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range all {
			if strings.Contains(string(b), s) {
				t.Errorf("grade wrote the secret %q in %s", s, path)
			}
		}
		return nil
	})
	if files < checked {
		t.Fatalf("grade wrote %d files for %d captures", files, checked)
	}
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// secretsOf lists what the clients of a capture sent that only the user
// may know: passwords, as typed and in the base64 forms SASL and HTTP
// Basic put on the wire, and challenge responses.
func secretsOf(f *recordtest.Facts) []string {
	var out []string
	add := func(user, pass string) {
		if len(pass) < 6 {
			return
		}
		b64 := base64.StdEncoding.EncodeToString
		out = append(out, pass, b64([]byte(pass)))
		if user != "" {
			out = append(out, b64([]byte("\x00"+user+"\x00"+pass)), b64([]byte(user+":"+pass)))
		}
	}
	for user, pass := range f.Users {
		add(user, pass)
	}
	for _, c := range f.Conversations {
		for _, a := range c.Auth {
			add(a.Username, a.Password)
			if a.Response != "" {
				out = append(out, a.Response)
			}
		}
		if c.Tunnel != nil {
			add(c.Tunnel.User, c.Tunnel.Password)
		}
	}
	return out
}
