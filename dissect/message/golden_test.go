package message

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

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
	dir := filepath.Join("testdata", "golden")
	var golden []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(filepath.Dir(f))+"-"+filepath.Base(f), ".eml")
		file := filepath.Join(dir, name+".json")
		golden = append(golden, file)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := Analyze(raw, Options{MaxAttachment: 1 << 20})
			m.Session, m.Proto, m.Direction, m.Packet = "s1", "smtp", "sent", 10
			recordtest.RenderWarnings(m)
			res := goldenResult{Message: m, Findings: TypeFindings(m)}
			for _, f := range res.Findings {
				recordtest.RenderWarnings(f)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			recordtest.Golden(t, file, got)
		})
	}
	recordtest.NoStrays(t, dir, golden)
}
