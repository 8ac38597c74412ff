package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/pipeline"
)

// captureFiles lists the captures made with real servers and clients.
func captureFiles(t *testing.T) []string {
	t.Helper()
	return recordtest.Captures(t, "../captures")
}

// analysed is one capture's records held in memory.
type analysed struct {
	Info    *record.Capture
	Records []record.Record
}

func (a analysed) capture() report.Capture { return report.Held(a.Info, a.Records) }

// analyse runs a capture through the pipeline and adds the derived
// findings, as mailwire read does.
func analyse(t *testing.T, path string) analysed {
	t.Helper()
	res, err := pipeline.File(path, pipeline.Options{Dissect: dissect.Options{Limits: session.DefaultLimits()}})
	if err != nil {
		t.Fatal(err)
	}
	recs := res.Records
	for _, f := range report.Derive(recs) {
		recs = append(recs, f)
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Frame() < recs[j].Frame() })
	return analysed{Info: res.Capture, Records: recs}
}

// TestGoldenCaptureReports keeps the text reports of the real captures.
// This test guards the rendering, not the dissectors: a golden file
// records the sha256 of the capture and of the records it was made from,
// and when either changed (the capture was made again, a dissector
// improved) the test fails until the goldens are rewritten with -update
// and the diff reviewed.
func TestGoldenCaptureReports(t *testing.T) {
	dir := filepath.Join("testdata", "captures")
	var golden []string
	for _, path := range captureFiles(t) {
		name := filepath.Base(path)
		for _, ext := range []string{".sha256", ".en.txt", ".fr.txt"} {
			golden = append(golden, filepath.Join(dir, name+ext))
		}
		t.Run(name, func(t *testing.T) {
			c := analyse(t, path)
			sum := fileSum(t, path) + " " + recordsSum(t, c.Records) + "\n"
			recordtest.Golden(t, filepath.Join(dir, name+".sha256"), []byte(sum))
			for _, lang := range []string{"en", "fr"} {
				var b bytes.Buffer
				if err := report.WriteText(&b, []report.Capture{c.capture()}, nil, report.Options{Lang: lang, Width: 100}); err != nil {
					t.Fatal(err)
				}
				recordtest.Golden(t, filepath.Join(dir, name+"."+lang+".txt"), b.Bytes())
			}
		})
	}
	recordtest.NoStrays(t, dir, golden)
}

// recordsSum digests the records as the JSON contract writes them.
func recordsSum(t *testing.T, recs []record.Record) string {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range recs {
		recordtest.RenderWarnings(r)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// readFacts reads what the tools that made a capture really sent.
func readFacts(t *testing.T, path string) *recordtest.Facts {
	t.Helper()
	return recordtest.LoadFacts(t, path)
}

// TestLabTagAgreesWithTheDissectors: the lab package tags every finding
// with its question; on every bundled capture it gives the question the
// dissectors still write themselves, so that they can stop knowing the
// lab without any answer changing.
func TestLabTagAgreesWithTheDissectors(t *testing.T) {
	tagged := 0
	defer func() {
		if tagged == 0 {
			t.Error("no dissector finding carries a lab question: the comparison proved nothing")
		}
	}()
	for _, path := range captureFiles(t) {
		res, err := pipeline.File(path, pipeline.Options{Dissect: dissect.Options{Limits: session.DefaultLimits()}})
		if err != nil {
			t.Fatal(err)
		}
		before := map[*record.Finding]string{}
		for _, r := range res.Records {
			if f, ok := r.(*record.Finding); ok {
				before[f] = f.Lab
				if f.Lab != "" {
					tagged++
				}
			}
		}
		report.Derive(res.Records)
		for f, lab := range before {
			if f.Lab != lab {
				t.Errorf("%s: %s at frame %d: the dissector says lab %q, the lab package %q", filepath.Base(path), f.ID, f.Packet, lab, f.Lab)
			}
		}
	}
}
