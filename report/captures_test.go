package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/pipeline"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/report"
)

var updateCaptures = flag.Bool("update-captures", false, "rewrite the golden reports of the real captures")

// captureFiles lists the captures made with real servers and clients.
func captureFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"../captures/*.pcap", "../captures/*.pcapng"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no capture in ../captures: they are made by captures/make.sh")
	}
	sort.Strings(files)
	return files
}

// analyse runs a capture through the pipeline and adds the derived
// findings, as mailwire read does.
func analyse(t *testing.T, path string) report.Capture {
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
	return report.Capture{Info: res.Capture, Records: recs}
}

// TestGoldenCaptureReports keeps the text reports of the real captures.
// This test guards the rendering, not the dissectors: a golden file
// records the sha256 of the capture and of the records it was made from,
// and when either changed (the capture was made again, a dissector
// improved) the test fails until the goldens are refreshed with
// -update-captures and the diff reviewed.
func TestGoldenCaptureReports(t *testing.T) {
	for _, path := range captureFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			c := analyse(t, path)
			sum := fileSum(t, path) + " " + recordsSum(t, c.Records)
			dir := filepath.Join("testdata", "captures")
			stamp := filepath.Join(dir, name+".sha256")
			if *updateCaptures {
				os.MkdirAll(dir, 0o755)
				os.WriteFile(stamp, []byte(sum+"\n"), 0o644)
			} else if old, err := os.ReadFile(stamp); err != nil || strings.TrimSpace(string(old)) != sum {
				t.Fatalf("%s or its records changed since its golden report; run go test ./report -update-captures and review the diff", name)
			}
			for _, lang := range []string{"en", "fr"} {
				var b bytes.Buffer
				if err := report.WriteText(&b, []report.Capture{c}, nil, report.Options{Lang: lang, Width: 100}); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, name+"."+lang+".txt")
				if *updateCaptures {
					os.WriteFile(file, b.Bytes(), 0o644)
					continue
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(want, b.Bytes()) {
					t.Errorf("%s differs from its golden report; run go test -update-captures and review the diff", file)
				}
			}
		})
	}
}

// recordsSum digests the records as the JSON contract writes them.
func recordsSum(t *testing.T, recs []record.Record) string {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range recs {
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

// facts is the part of captures/<name>.facts.json that the lab answers
// are checked against: what the tools really sent.
type facts struct {
	Snaplen       int `json:"snaplen"`
	Conversations []struct {
		Proto  string `json:"proto"`
		Client struct {
			Port int `json:"port"`
		} `json:"client"`
		Server struct {
			Port int `json:"port"`
		} `json:"server"`
		TLS struct {
			Mode string `json:"mode"`
		} `json:"tls"`
		Auth             []authFact `json:"auth"`
		Commands         []string   `json:"commands"`
		MailboxesCreated []string   `json:"mailboxes_created"`
		Expunged         int        `json:"expunged"`
		Messages         []struct {
			EnvelopeFrom string `json:"envelope_from"`
			HeaderFrom   string `json:"header_from"`
			Subject      string `json:"subject"`
			Attachments  []struct {
				ContentType string `json:"content_type"`
				Filename    string `json:"filename"`
			} `json:"attachments"`
			SMIME *string `json:"smime"`
		} `json:"messages"`
		StartTLS *struct {
			Offered   bool `json:"offered"`
			Requested bool `json:"requested"`
			Accepted  bool `json:"accepted"`
			Reply     int  `json:"reply"`
		} `json:"starttls"`
	} `json:"conversations"`
}

type authFact struct {
	Mechanism string `json:"mechanism"`
	Username  string `json:"username"`
	Accepted  bool   `json:"accepted"`
	Command   string `json:"command"`
}

func readFacts(t *testing.T, path string) *facts {
	t.Helper()
	data, err := os.ReadFile(strings.TrimSuffix(strings.TrimSuffix(path, ".pcapng"), ".pcap") + ".facts.json")
	if err != nil {
		t.Skipf("no facts for %s: %v", path, err)
	}
	var f facts
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return &f
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
