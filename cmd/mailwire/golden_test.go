package main

import (
	"path/filepath"
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// TestGoldenReadJSON runs `mailwire read --json` on every bundled capture
// at once, as a user would, and compares the whole output (capture
// records, session ids prefixed by file, derived findings, order, masked
// secrets, the summary) with one golden file: moving code between
// packages must not change what the command writes.
func TestGoldenReadJSON(t *testing.T) {
	args := append([]string{"read", "--json"}, recordtest.Captures(t, "../../captures")...)
	code, out, stderr := runCmd(args...)
	if code != exitFindings && code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recordtest.Golden(t, filepath.Join("testdata", "golden", "read-all.jsonl"), []byte(out))
}
