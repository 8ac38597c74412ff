package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeylogFlag(t *testing.T) {
	capture, keys := "../../captures/imaps-993.pcap", "../../captures/imaps-993.keys"
	bad := filepath.Join(t.TempDir(), "bad.keys")
	os.WriteFile(bad, []byte("CLIENT_RANDOM 00\n# nothing else\n"), 0o600)
	tests := []struct {
		name      string
		args      []string
		code      int
		decrypted bool
		stderr    string
	}{
		{"no key log", []string{"read", "--json", capture}, 0, false, ""},
		{"key log", []string{"read", "--json", "--keylog", keys, capture}, 0, true, ""},
		{"repeated", []string{"read", "--json", "--keylog", bad, "--keylog", keys, capture}, 0, true,
			"key log " + bad + ":1: CLIENT_RANDOM line has 2 fields"},
		{"only a bad one", []string{"read", "--json", "--keylog", bad, capture}, 0, false, "holds no TLS secret"},
		{"missing file", []string{"read", "--json", "--keylog", "nowhere.keys", capture}, exitUsage, false, "SSLKEYLOGFILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errOut)
			}
			if got := strings.Contains(out, `"decrypted":true`); got != tt.decrypted {
				t.Errorf("decrypted records: %v, want %v", got, tt.decrypted)
			}
			if tt.stderr != "" && !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.stderr)
			}
		})
	}
}

// TestExtractWithKeylog extracts the message sent inside SMTPS: only the
// key log makes it appear.
func TestExtractWithKeylog(t *testing.T) {
	capture := "../../captures/smtps-465.pcap"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "0 messages"},
		{[]string{"--keylog", "../../captures/smtps-465.keys"}, "1 messages"},
	} {
		args := append(append([]string{"extract"}, tt.args...), "--out", t.TempDir(), capture)
		code, out, errOut := runCmd(args...)
		if code != 0 || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%q: exit %d, output %q %q; want %q", args, code, out, errOut, tt.want)
		}
	}
}
