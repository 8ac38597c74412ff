package main

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const peers = "../../../shared/corpus/peers"

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	notCapture := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notCapture, []byte("just some text, not packets\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no command", nil, exitUsage, "Usage"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"read without file", []string{"read", "--lang", "en"}, exitUsage, "no capture given"},
		{"read without file, fr", []string{"read", "--lang", "fr"}, exitUsage, "aucune capture indiquée"},
		{"grade without out, fr", []string{"grade", "--lang", "fr"}, exitUsage, "indiquez --out DOSSIER"},
		{"bad format", []string{"read", "--format", "pdf", "x.pcap"}, exitUsage, "--format"},
		{"missing file", []string{"read", "/nonexistent/x.pcap"}, exitUsage, "check the path"},
		{"not a capture", []string{"read", notCapture}, exitUsage, "not a pcap or pcapng"},
		{"fine", []string{"read", "--json", "../../captures/smtp-forgery.pcap"}, exitOK, ""},
		{"fail on high", []string{"read", "--json", "--fail-on", "high", "../../captures/smtp-forgery.pcap"}, exitFindings, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.err) {
				t.Fatalf("code %d stderr %q, want %d and %q", code, stderr, tc.code, tc.err)
			}
		})
	}
}

// kinds returns the JSON records of a run without the capture record,
// whose file name and format differ between copies of one capture.
func records(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, stderr := runCmd(append([]string{"read", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var recs []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		if m["kind"] != "capture" && m["kind"] != "summary" {
			recs = append(recs, line)
		}
	}
	return recs
}

func TestGzipCaptureGivesTheSameRecords(t *testing.T) {
	src := "../../captures/imap-lab.pcap"
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(t.TempDir(), "renamed.bin")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(gz, buf.Bytes(), 0o644)
	a, b := records(t, src), records(t, gz)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("gzip copy differs:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if len(a) < 5 {
		t.Fatalf("only %d records", len(a))
	}
}

func TestStandardInputIsRead(t *testing.T) {
	f, err := os.Open("../../captures/smtp-forgery.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	recs := records(t, "-")
	if !strings.Contains(strings.Join(recs, "\n"), `"subject":"Compte rendu de mission"`) {
		t.Fatalf("message not found in %d records", len(recs))
	}
}

func TestExtractWritesTheAttachmentOfEvidence02(t *testing.T) {
	capture := filepath.Join(peers, "markofu-pcaps/derived/evidence02.pcap")
	if _, err := os.Stat(capture); err != nil {
		t.Skip("peer captures not present (../shared/corpus/peers): ", err)
	}
	dir := t.TempDir()
	code, out, stderr := runCmd("extract", "--out", dir, capture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "2 messages and 1 attachments") {
		t.Fatalf("output %q", out)
	}
	doc, err := os.ReadFile(filepath.Join(dir, "s2-p138-secretrendezvous.docx"))
	if err != nil {
		t.Fatal(err)
	}
	// The published answer of the Network Forensics Puzzle Contest #2.
	if sum := md5.Sum(doc); hex.EncodeToString(sum[:]) != "9e423e11db88f01bbff81172839e1923" {
		t.Fatalf("md5 %x", sum)
	}
}
