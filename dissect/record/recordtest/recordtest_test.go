package recordtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// fakeTB records what a test would have reported, so that the helper's own
// failures can be checked.
type fakeTB struct {
	testing.TB // nil: calling anything not below panics
	errors     []string
	fatal      bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.fatal = true
}
func (f *fakeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }

func TestGolden(t *testing.T) {
	if Updating() {
		t.Skip("-update rewrites golden files: this test checks how they fail")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(path, []byte("{\"a\":1}\n{\"b\":2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		got  string
		fail string // part of the failure; "" for none
	}{
		{"same output passes", path, "{\"a\":1}\n{\"b\":2}\n", ""},
		{"stale golden fails", path, "{\"a\":1}\n{\"b\":3}\n", "line 2:\n want {\"b\":2}\n  got {\"b\":3}"},
		{"longer output fails", path, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", "line 3:"},
		{"shorter output fails", path, "{\"a\":1}\n", "line 2:"},
		{"missing golden fails", filepath.Join(dir, "absent.jsonl"), "{}\n", "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeTB{}
			Golden(f, tt.path, []byte(tt.got))
			switch {
			case tt.fail == "" && len(f.errors) > 0:
				t.Errorf("failed: %q", f.errors)
			case tt.fail != "" && len(f.errors) == 0:
				t.Errorf("passed, want a failure with %q", tt.fail)
			case tt.fail != "" && !strings.Contains(f.errors[0], tt.fail):
				t.Errorf("failure %q, want %q in it", f.errors[0], tt.fail)
			}
		})
	}
}

func TestNoStrays(t *testing.T) {
	if Updating() {
		t.Skip("-update removes strays: this test checks that they fail")
	}
	dir := t.TempDir()
	for _, name := range []string{"a.json", "b.json"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	f := &fakeTB{}
	NoStrays(f, dir, []string{filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")})
	if len(f.errors) != 0 {
		t.Errorf("every file used, yet %q", f.errors)
	}
	NoStrays(f, dir, []string{filepath.Join(dir, "a.json")})
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "b.json belongs to no input") {
		t.Errorf("stray b.json: %q", f.errors)
	}
	f = &fakeTB{}
	NoStrays(f, dir, []string{filepath.Join(dir, "a.json")}, "peer-*", "b.*")
	if len(f.errors) != 0 {
		t.Errorf("b.json belongs to another test, yet %q", f.errors)
	}
}

func TestJSONLPutsKindFirst(t *testing.T) {
	got := string(JSONL(t, []record.Record{&record.Summary{Captures: 1}, &record.Capture{File: "a.pcap"}}))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"kind":"summary","captures":1,`) || !strings.HasPrefix(lines[1], `{"kind":"capture","file":"a.pcap",`) {
		t.Errorf("JSONL = %q", got)
	}
}

// TestFactsSchema reads every bundled facts file with the strict schema:
// a field the capture scripts write that Facts does not declare fails.
func TestFactsSchema(t *testing.T) {
	caps := Captures(t, "../../../captures")
	for _, c := range caps {
		f, err := ReadFacts(FactsPath(c))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if f.Capture != filepath.Base(c) || len(f.Conversations) == 0 {
			t.Errorf("%s: capture %q, %d conversations", FactsPath(c), f.Capture, len(f.Conversations))
		}
	}
}

func TestReadFactsRefusesUnknownFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.facts.json")
	os.WriteFile(path, []byte(`{"capture":"x.pcap","conversations":[{"proto":"smtp","colour":"red"}]}`), 0o644)
	if _, err := ReadFacts(path); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("err = %v, want one naming the unknown field", err)
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{"a/x.pcap": "x", "x.pcapng": "x", "../c/pop3-user-pass-gz.pcap.gz": "pop3-user-pass-gz"} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}
