package pipeline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/jsonl"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// TestGoldenCaptures runs every bundled capture through the whole analysis
// and compares its JSON Lines with testdata/golden. The captures were made
// by real servers and clients (see captures/README.md); each dissector's
// own tests check the facts field by field against the .facts.json files,
// this one guards the whole output against unnoticed changes.
func TestGoldenCaptures(t *testing.T) {
	paths, _ := filepath.Glob("../../captures/*.pcap*")
	if len(paths) == 0 {
		t.Fatal("no captures in captures/")
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".keys") {
			continue
		}
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			got := goldenJSON(t, p)
			golden := filepath.Join("testdata", "golden", name+".jsonl")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./report/pipeline -run TestGoldenCaptures -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s:\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// goldenJSON is the capture's JSON Lines as `mailwire read --json` streams
// them (records in capture order, then the capture record), secrets
// revealed (they are the lab's test passwords) so that credentials are
// checked whole.
func goldenJSON(t *testing.T, path string) []byte {
	return streamJSON(t, path, Options{Reveal: true, Workers: 2})
}

func streamJSON(t *testing.T, path string, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	opt.OnRecord = func(r record.Record) { w.Write(r) }
	res, err := File(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	res.Capture.File = filepath.Base(res.Capture.File)
	w.Write(res.Capture)
	w.Flush()
	return buf.Bytes()
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:", i+1) + "\n want " + w + "\n  got " + g
		}
	}
	return ""
}
