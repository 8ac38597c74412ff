package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Student file names reach standard error (skipped files, the legal
// warning): no control character or bidi override of theirs may reach
// the terminal raw.
func TestGradeSanitisesNamesOnStderr(t *testing.T) {
	dir := t.TempDir()
	class := filepath.Join(dir, "class")
	os.MkdirAll(class, 0o755)
	hostile := "x\x1b[2J\x07\u202egnp"
	os.WriteFile(filepath.Join(class, hostile+".txt"), []byte("not a capture"), 0o644)
	os.WriteFile(filepath.Join(class, hostile+".pcap"), nil, 0o644)
	code, _, stderr := runCmd("grade", "--out", filepath.Join(dir, "out"), class)
	// The empty capture cannot be read: grading goes on, and says so
	// with exit status 2.
	if code != exitUsage {
		t.Fatalf("exit %d, want %d: %s", code, exitUsage, stderr)
	}
	if !strings.Contains(stderr, "skipped") {
		t.Fatalf("the skipped file is not reported: %q", stderr)
	}
	if strings.ContainsAny(stderr, "\x1b\x07\u202e") {
		t.Errorf("raw control or bidi character on stderr: %q", stderr)
	}
}
