// Package recordtest is what the tests of every package share to check
// mailwire's output, like net/http/httptest for HTTP: golden files behind
// one -update flag, the records written as JSON Lines the way the contract
// says, and the one schema of the captures' .facts.json files (what the
// scripts that drove real clients and servers say really crossed the wire).
//
// A golden file that is missing or differs from the output fails the test;
// nothing is skipped or only logged. After a change of output made on
// purpose, rewrite every golden file at once with
//
//	make golden    # go test -update on every package that has golden files
//
// and review the diff before committing it.
//
// Records are written the way report/jsonl writes them, warnings as their
// English sentences from the catalogue (report/i18n): only tests import
// this package, so a dissector's test may reach that far ahead in the data
// flow while the dissector itself never does.
package recordtest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output (review the diff before committing)")

// Updating reports whether the test run rewrites golden files.
func Updating() bool { return *update }

// Golden compares got with the golden file at path, or rewrites the file
// when the tests run with -update. A missing or different file fails t.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden file %s: %v", path, err)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden file %s: %v", path, err)
		}
		return
	}
	compare(t, path, got)
}

// compare fails t when the file at path is missing or differs from got.
func compare(t testing.TB, path string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Errorf("golden file %s is missing: run the test with -update (or make golden) and review it", path)
		return
	}
	if err != nil {
		t.Errorf("golden file %s: %v", path, err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update or make golden, then review the diff):\n%s", path, FirstDiff(want, got))
	}
}

// FirstDiff describes the first line where got differs from want.
func FirstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, clip(w), clip(g))
		}
	}
	return "(same lines, different line ends)"
}

// clip keeps a long line readable in a test log.
func clip(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// NoStrays fails t for each file in dir that is not in golden (the paths
// a test compared): a golden file whose input is gone would otherwise stay
// and be believed. Files matching one of the others patterns (filepath.Match
// on the name) belong to another test and are left alone. With -update the
// strays are removed.
func NoStrays(t testing.TB, dir string, golden []string, others ...string) {
	t.Helper()
	used := map[string]bool{}
	for _, p := range golden {
		used[filepath.Clean(p)] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Errorf("golden files: %v", err)
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() || used[p] || matchesAny(e.Name(), others) {
			continue
		}
		if *update {
			if err := os.Remove(p); err != nil {
				t.Errorf("golden file %s: %v", p, err)
			}
			continue
		}
		t.Errorf("golden file %s belongs to no input any more: remove it (make golden does)", p)
	}
}

func matchesAny(name string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}
