package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

const forgery = "../../captures/smtp-forgery.pcap"

func TestFlagsAnywhere(t *testing.T) {
	code, want, stderr := runCmd("read", "--json", forgery)
	if code != exitOK || !strings.Contains(want, `"kind":"message"`) {
		t.Fatalf("baseline: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{
		{"read", forgery, "--json"},
		{"read", "--format=json", forgery},
		{"read", forgery, "--format", "json"},
		{"read", forgery, "--max-line=4096", "--json"},
		{"read", "--json", "--", forgery},
	} {
		code, out, stderr := runCmd(args...)
		if code != exitOK || out != want {
			t.Errorf("%v: exit %d, stderr %q, output differs from read --json CAPTURE: %v", args, code, stderr, out != want)
		}
	}
}

func TestHelpGoesToStandardOutput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "Exit codes:"},
		{[]string{"--help"}, "Exit codes:"},
		{[]string{"help"}, "Exit codes:"},
		{[]string{"help", "read"}, "mailwire read [flags] CAPTURE..."},
		{[]string{"read", "-h"}, "mailwire read [flags] CAPTURE..."},
		{[]string{"read", forgery, "--help"}, "mailwire read [flags] CAPTURE..."},
		{[]string{"help", "grade"}, "--print-rubric"},
		{[]string{"live", "--help"}, "setcap cap_net_raw,cap_net_admin=eip"},
		{[]string{"--version"}, "mailwire " + version},
		{[]string{"version"}, "mailwire " + version},
	}
	for _, tc := range tests {
		code, out, stderr := runCmd(tc.args...)
		if code != exitOK || stderr != "" || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, stdout lacks %q:\n%s", tc.args, code, stderr, tc.want, out)
		}
	}
	if _, general, _ := runCmd("help"); general == "" {
		t.Fatal("no general help")
	} else if _, read, _ := runCmd("help", "read"); read == general {
		t.Fatal("help read prints the general help")
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCmd(&app{})
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.Name() == "version" {
			continue
		}
		if !strings.Contains(c.Example, "mailwire "+c.Name()) {
			t.Errorf("%s: no example in its help", c.Name())
		}
	}
}

func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash": "__start_mailwire",
		"zsh":  "#compdef mailwire",
		"fish": "complete -c mailwire",
	} {
		code, out, stderr := runCmd("completion", shell)
		if code != exitOK || !strings.Contains(out, marker) {
			t.Errorf("completion %s: exit %d, stderr %q, no %q in the script", shell, code, stderr, marker)
		}
	}
	// What the scripts ask mailwire for: a choice flag's values.
	code, out, _ := runCmd("__complete", "read", "--format", "")
	if code != exitOK || !strings.HasPrefix(out, "text\njson\nmarkdown\nhtml\n") {
		t.Fatalf("completing --format: exit %d, %q", code, out)
	}
}

func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCmd("man", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, page := range []string{"mailwire.1", "mailwire-read.1", "mailwire-extract.1", "mailwire-grade.1", "mailwire-live.1", "mailwire-interfaces.1"} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `.TH "MAILWIRE`) || !strings.Contains(string(b), ".SH EXAMPLE") {
			t.Errorf("%s: not a manual page with examples:\n%.300s", page, b)
		}
	}
	read, _ := os.ReadFile(filepath.Join(dir, "mailwire-read.1"))
	if !strings.Contains(string(read), "--max-line") {
		t.Error("mailwire-read.1 does not describe --max-line")
	}
}

func TestFlagValuesCheckedInOnePlace(t *testing.T) {
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"read", "--max-line", "-5", forgery}, "--max-line -5: give a positive value"},
		{[]string{"read", forgery, "--max-line", "0"}, "--max-line 0: give a positive value"},
		{[]string{"read", "--max-message=0", forgery}, "--max-message 0"},
		{[]string{"read", "--hole-timeout", "0s", forgery}, "--hole-timeout 0s"},
		{[]string{"read", "--workers", "0", forgery}, "--workers 0"},
		{[]string{"extract", "--out", "x", "--max-attachment", "0", forgery}, "--max-attachment 0"},
		{[]string{"grade", "--out", "x", "--max-sessions", "-1", "class"}, "--max-sessions -1"},
		{[]string{"live", "-i", "lo", "--count", "0"}, "--count 0"},
		{[]string{"live", "-i", "lo", "--duration", "-1s"}, "--duration -1s"},
		{[]string{"read", "--lang", "de", forgery}, `--lang "de": use en or fr`},
		{[]string{"grade", "--lang", "de", "--out", "x", "class"}, `--lang "de": use en or fr`},
		{[]string{"read", "--color", "rainbow", forgery}, "use auto, always or never"},
		{[]string{"read", "--fail-on", "severe", forgery}, "use info, low, medium or high"},
		{[]string{"read", "--no-such-flag", forgery}, "unknown flag: --no-such-flag"},
		{[]string{"read", "--max-line", "lots", forgery}, "invalid argument"},
		{[]string{"raed", forgery}, `unknown command "raed"; did you mean read?`},
	}
	for _, tc := range tests {
		code, out, stderr := runCmd(tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.err) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, stderr, tc.err)
		}
	}
	// A default of 0 means "all" or "none": it is not offered as the
	// value to fall back on, while a real default is named.
	for _, args := range [][]string{
		{"read", "--max-sessions", "0", forgery},
		{"live", "-i", "lo", "--count", "0"},
		{"live", "-i", "lo", "--duration", "0s"},
	} {
		if _, _, stderr := runCmd(args...); !strings.Contains(stderr, "(leave the flag out for its default)") {
			t.Errorf("%v: stderr %q offers a default of 0", args, stderr)
		}
	}
	if _, _, stderr := runCmd("read", "--max-line", "0", forgery); !strings.Contains(stderr, "for its default, 65536)") {
		t.Errorf("--max-line 0: stderr %q does not name the default", stderr)
	}
	if code, _, stderr := runCmd("read", "--json", "--max-line=100", "--hole-timeout=1s", forgery); code != exitOK {
		t.Fatalf("positive limits refused: %s", stderr)
	}
}

func TestFolderAsCapture(t *testing.T) {
	empty := t.TempDir()
	code, _, stderr := runCmd("read", empty)
	if code != exitUsage || !strings.Contains(stderr, empty+" is a folder with no capture file") {
		t.Fatalf("empty folder: exit %d, %q", code, stderr)
	}
	dir := t.TempDir()
	data, err := os.ReadFile(forgery)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "forgery.pcap"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a capture"), 0o644)
	if a, b := records(t, forgery), records(t, dir); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the folder's records differ from its capture's:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

func TestLanguageFromEnvironment(t *testing.T) {
	report := func() string {
		code, out, stderr := runCmd("read", "--color", "never", forgery)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return out
	}
	vars := []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}
	for _, v := range vars {
		t.Setenv(v, "")
	}
	_, fr, _ := runCmd("read", "--color", "never", "--lang", "fr", forgery)
	_, en, _ := runCmd("read", "--color", "never", "--lang", "en", forgery)
	if fr == en {
		t.Fatal("French and English reports are the same")
	}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANGUAGE": "fr", "LANG": "en_US.UTF-8"}, "fr"},
		{map[string]string{"LANGUAGE": "fr"}, "fr"},
		{map[string]string{"LANGUAGE": "de:fr_FR:en", "LANG": "en_GB.UTF-8"}, "fr"},
		{map[string]string{"LANGUAGE": "en", "LC_ALL": "fr_FR.UTF-8"}, "en"},
		{map[string]string{"LANGUAGE": "fr", "LC_ALL": "C"}, "en"},
		{map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"},
		{map[string]string{"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "en"},
		{map[string]string{"LANG": "fr_BE.UTF-8"}, "fr"},
		{map[string]string{}, "en"},
	}
	for _, tc := range tests {
		for _, v := range vars {
			os.Setenv(v, tc.env[v])
		}
		got := report()
		if want := map[string]string{"fr": fr, "en": en}[tc.want]; got != want {
			t.Errorf("%v: the report is not in %s", tc.env, tc.want)
		}
	}
}

// extractedFiles lists a folder's files with their contents.
func extractedFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		files[e.Name()] = string(b)
	}
	return files
}

func TestExtractTwiceIntoTheSameFolder(t *testing.T) {
	capture := "../../captures/gif-attachment.pcap"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	code, first, stderr := runCmd("extract", "--out", dir, capture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := extractedFiles(t, dir)
	if len(before) < 4 { // the message, its GIF, the index, notes.txt
		t.Fatalf("only %v", before)
	}
	code, second, stderr := runCmd("extract", capture, "--out", dir)
	if code != exitOK || second != first {
		t.Fatalf("second run: exit %d %q %q, first said %q", code, second, stderr, first)
	}
	after := extractedFiles(t, dir)
	var names []string
	for name := range after {
		names = append(names, name)
		if before[name] != after[name] {
			t.Errorf("%s changed or is new", name)
		}
	}
	sort.Strings(names)
	if len(after) != len(before) {
		t.Fatalf("%d files before, %d after the second extraction: %v", len(before), len(after), names)
	}
	if after["notes.txt"] != "mine" {
		t.Fatal("a file mailwire did not write was touched")
	}
}

func TestGradeGoesOnPastAnUnreadableCapture(t *testing.T) {
	class := t.TempDir()
	data, err := os.ReadFile(forgery)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(class, "alice.pcap"), data, 0o644)
	os.WriteFile(filepath.Join(class, "bob.pcap"), []byte("this is no capture at all, just some text"), 0o644)
	out := t.TempDir()
	code, stdout, stderr := runCmd("grade", class, "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "bob: cannot read bob.pcap") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming bob's capture", code, stderr)
	}
	csv, err := os.ReadFile(filepath.Join(out, "grades.csv"))
	if err != nil || !strings.Contains(string(csv), "alice") || !strings.Contains(stdout, "graded 2 students") {
		t.Fatalf("the rest of the class was not graded: %v %q %q", err, csv, stdout)
	}
}

// The README's example of a masked password is what mailwire prints for
// the password the capture script really used.
func TestMaskedPasswordAsTheReadmeSays(t *testing.T) {
	var facts struct {
		Users map[string]string `json:"users"`
	}
	b, err := os.ReadFile("../../captures/imap-auth-plain.facts.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &facts); err != nil || facts.Users["alice"] == "" {
		t.Fatalf("facts: %v %v", err, facts)
	}
	password := facts.Users["alice"]
	var masked string
	for _, line := range records(t, "../../captures/imap-auth-plain.pcap") {
		var c struct {
			Kind     string `json:"kind"`
			Password string `json:"password"`
			Masked   string `json:"password_masked"`
			Len      int    `json:"password_len"`
		}
		json.Unmarshal([]byte(line), &c)
		if c.Kind != "credential" {
			continue
		}
		if c.Password != "" || c.Len != len(password) {
			t.Fatalf("credential shows its password or a wrong length: %s", line)
		}
		masked = c.Masked
	}
	if masked == "" || masked != record.Mask(password) {
		t.Fatalf("masked password %q", masked)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(readme)), " ")
	if !strings.Contains(text, "`"+password+"` shows as `"+masked+"`") {
		t.Fatalf("README does not show %q masked as %q", password, masked)
	}
	if short := record.Mask("secret"); strings.Trim(short, "*") != "" || !strings.Contains(text, "a shorter one shows only stars") {
		t.Fatalf("a short password masks as %q", short)
	}
}

func TestRefusedCaptureSaysHowToAllowIt(t *testing.T) {
	for _, msg := range []string{"lo: Permission Denied", "eth0: You don't have permission to capture on that device (socket: Operation not permitted)"} {
		got := withCapabilityHint(i18n.New("en"), msg, errors.New(msg))
		if !strings.HasPrefix(got, msg) || !strings.Contains(got, "setcap cap_net_raw,cap_net_admin=eip ") {
			t.Errorf("%q: %q", msg, got)
		}
	}
	if got := withCapabilityHint(i18n.New("en"), "lo", errors.New("lo: No such device exists")); strings.Contains(got, "setcap") {
		t.Errorf("hint on an unrelated error: %q", got)
	}
}

// Every command that reads captures shows its progress when asked, and
// clears it when done; never means nothing on standard error.
func TestProgressOfEveryCommandThatReads(t *testing.T) {
	class := t.TempDir()
	data, err := os.ReadFile(forgery)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(class, "alice.pcap"), data, 0o644)
	for _, cmd := range [][]string{
		{"read", forgery},
		{"read", "--json", forgery},
		{"extract", "--out", t.TempDir(), forgery},
		{"grade", "--out", t.TempDir(), class},
	} {
		code, _, stderr := runCmd(append(cmd, "--progress", "always")...)
		if code != exitOK || !strings.HasPrefix(stderr, "\r[") || !strings.Contains(stderr, "0/0 MiB") || !strings.HasSuffix(stderr, "\r\033[K") {
			t.Errorf("%v --progress always: exit %d, stderr %q, want a bar then its clearing", cmd, code, stderr)
		}
		code, _, stderr = runCmd(append(cmd, "--progress", "never")...)
		if code != exitOK || stderr != "" {
			t.Errorf("%v --progress never: exit %d, stderr %q, want nothing", cmd, code, stderr)
		}
	}
	if _, _, stderr := runCmd("read", forgery, "--progress", "always", "--lang", "fr"); !strings.Contains(stderr, "0/0 Mio") {
		t.Errorf("the bar in French: %q", stderr)
	}
}
