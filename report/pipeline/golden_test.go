package pipeline

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/report/jsonl"
)

// TestGoldenCaptures runs every bundled capture through the whole analysis
// and compares its JSON Lines with testdata/golden. The captures were made
// by real servers and clients (see captures/README.md); each dissector's
// own tests check the facts field by field against the .facts.json files,
// this one guards the whole output against unnoticed changes.
func TestGoldenCaptures(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	var golden []string
	for _, p := range recordtest.Captures(t, "../../captures") {
		file := filepath.Join(dir, filepath.Base(p)+".jsonl")
		golden = append(golden, file)
		t.Run(filepath.Base(p), func(t *testing.T) {
			recordtest.Golden(t, file, goldenJSON(t, p))
		})
	}
	recordtest.NoStrays(t, dir, golden)
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
