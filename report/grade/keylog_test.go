package grade

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// TestStudentKeyLogOpensIMAPS grades a student who did the IMAP steps over
// 993 (openssl s_client, as the handout says) with and without the key log
// in their folder: with it, the steps inside TLS earn their points.
func TestStudentKeyLogOpensIMAPS(t *testing.T) {
	for _, folder := range []string{"alice", ""} {
		t.Run("folder="+folder, func(t *testing.T) { testKeyLogOpensIMAPS(t, folder) })
	}
}

// testKeyLogOpensIMAPS puts the capture (and its key log) in the
// student's folder, or, with folder "", straight in the class folder where
// the key log is found by the capture's base name.
func testKeyLogOpensIMAPS(t *testing.T, folder string) {
	score := func(withKeys bool) map[string]float64 {
		dir := t.TempDir()
		files := []string{"imaps-993.pcap"}
		if withKeys {
			files = append(files, "imaps-993.keys")
		}
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join("..", "..", "captures", f))
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(dir, folder), 0o755)
			if err := os.WriteFile(filepath.Join(dir, folder, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		students, skipped, err := Collect([]string{dir})
		if err != nil || len(skipped) > 0 || len(students) != 1 {
			t.Fatalf("students %+v, skipped %q, err %v", students, skipped, err)
		}
		r, _ := LoadRubric("")
		res := Grade(students, Options{Rubric: r}).Students[0]
		out := map[string]float64{}
		for _, o := range res.Outcomes {
			out[o.Criterion.ID] = o.Points
		}
		return out
	}
	without, with := score(false), score(true)
	// The steps the script typed inside TLS, from the capture's facts.
	facts := recordtest.LoadFacts(t, filepath.Join("..", "..", "captures", "imaps-993.pcap"))
	criterion := map[string]string{"LOGIN": "imap-login", "SELECT": "imap-select-inbox", "FETCH": "imap-fetch", "LOGOUT": "imap-logout"}
	checked := 0
	for _, c := range facts.Conversations {
		for _, verb := range c.Commands {
			id, ok := criterion[verb]
			if !ok {
				continue
			}
			checked++
			if without[id] != 0 || with[id] <= 0 {
				t.Errorf("%s: %v points without the key log, %v with it; want none, then some", id, without[id], with[id])
			}
		}
	}
	if checked != len(criterion) {
		t.Errorf("the facts list %d of the %d IMAP steps this test grades", checked, len(criterion))
	}
}
