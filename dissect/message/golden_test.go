package message

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenResult is what a golden file holds for one message: the record
// and the findings the analyser raises on it.
type goldenResult struct {
	Message  *record.Message   `json:"message"`
	Findings []*record.Finding `json:"findings"`
}

// TestGolden runs every fixture message through Analyze and compares the
// record and its findings with testdata/golden/<name>.json.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*.eml")
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(filepath.Dir(f))+"-"+filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := Analyze(raw, Options{MaxAttachment: 1 << 20})
			m.Session, m.Proto, m.Direction, m.Packet = "s1", "smtp", "sent", 10
			res := goldenResult{Message: m, Findings: TypeFindings(m)}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from its golden file; got:\n%s", name, got)
			}
		})
	}
}
