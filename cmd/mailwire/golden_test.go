package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/jsonl"
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

// The summary names each capture warning's file, even when the capture
// record, written first as live does, already rendered the warning.
func TestSummaryWarningsNameTheirFile(t *testing.T) {
	info := &record.Capture{File: "a.pcap", Warnings: []record.Warning{record.NewWarning(0, record.WarnCaptureGaps, "bytes", 7)}}
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	w.Write(info)
	w.Write(summarize([]report.Capture{{Info: info}}))
	w.Flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"warnings":["7 bytes of TCP data were never captured (gaps in streams)"]`) ||
		!strings.Contains(lines[1], `"warnings":["a.pcap: 7 bytes of TCP data were never captured (gaps in streams)"]`) {
		t.Errorf("output:\n%s", buf.String())
	}
}
