package pipeline

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen/mailgen"
)

// orderCaptures are the bundled captures and a generated one with many
// interleaved sessions over many address pairs.
func orderCaptures(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob("../../captures/*.pcap*")
	var out []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".keys") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no captures in captures/")
	}
	gen := filepath.Join(t.TempDir(), "generated.pcap")
	if _, err := mailgen.WriteFile(gen, mailgen.Options{Seed: 3, Sessions: 300, Concurrent: 40, Attachment: 3000, STARTTLS: 4}); err != nil {
		t.Fatal(err)
	}
	return append(out, gen)
}

func TestOutputIsTheSameWhateverTheWorkers(t *testing.T) {
	for _, p := range orderCaptures(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want := streamJSON(t, p, Options{Reveal: true, Workers: 1})
			for _, workers := range []int{2, 8} {
				got := streamJSON(t, p, Options{Reveal: true, Workers: workers})
				if !bytes.Equal(got, want) {
					t.Fatalf("workers %d differ from workers 1:\n%s", workers, recordtest.FirstDiff(want, got))
				}
			}
		})
	}
}

func TestMaxSessionsIsExactWhateverTheWorkers(t *testing.T) {
	paths := orderCaptures(t)
	gen := paths[len(paths)-1]
	for _, p := range []string{"../../captures/lab-session.pcap", gen} {
		full := streamJSON(t, p, Options{Reveal: true, Workers: 1})
		total := strings.Count(string(full), `{"kind":"session"`)
		if total < 3 {
			t.Fatalf("%s: only %d sessions", p, total)
		}
		for _, n := range []int{1, total / 2, total - 1} {
			var want []byte
			for _, workers := range []int{1, 2, 8} {
				opt := Options{Reveal: true, Workers: workers}
				opt.Dissect.MaxSessions = n
				got := streamJSON(t, p, opt)
				if c := strings.Count(string(got), `{"kind":"session"`); c != n {
					t.Fatalf("%s --max-sessions %d --workers %d: %d sessions", filepath.Base(p), n, workers, c)
				}
				if !strings.Contains(string(got), fmt.Sprintf("%d mail sessions past the --max-sessions bound", total-n)) {
					t.Errorf("%s --max-sessions %d: no warning for the %d others", filepath.Base(p), n, total-n)
				}
				if want == nil {
					want = got
				} else if !bytes.Equal(got, want) {
					t.Fatalf("--max-sessions %d: workers %d differ:\n%s", n, workers, recordtest.FirstDiff(want, got))
				}
			}
			// The sessions kept are the first ones, with the records
			// they had without the bound.
			for _, line := range strings.Split(string(want), "\n") {
				if strings.HasPrefix(line, `{"kind":"capture"`) || line == "" {
					continue
				}
				if !bytes.Contains(full, []byte(line)) {
					t.Fatalf("--max-sessions %d: a record not in the full output: %s", n, line)
				}
			}
		}
	}
}

// TestRecordsLeaveAsTheCaptureGoesOn checks that what the pipeline holds
// to order records does not grow with the capture: ten times the sessions,
// about the same records held at once.
func TestRecordsLeaveAsTheCaptureGoesOn(t *testing.T) {
	held := func(sessions int) (int, int) {
		path := filepath.Join(t.TempDir(), "many.pcap")
		if _, err := mailgen.WriteFile(path, mailgen.Options{Seed: 5, Sessions: sessions, Concurrent: 10}); err != nil {
			t.Fatal(err)
		}
		n := 0
		res, err := File(path, Options{Workers: 4, OnRecord: func(record.Record) { n++ }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sessions != sessions {
			t.Fatalf("%d sessions reported, want %d", res.Sessions, sessions)
		}
		return res.Held, n
	}
	small, _ := held(600)
	big, records := held(6000)
	t.Logf("held at most %d records of %d (%d for a tenth of the capture)", big, records, small)
	if big > 2*small+100 || big > records/10 {
		t.Fatalf("held %d records at once for 6000 sessions (%d records), %d for 600", big, records, small)
	}
}
