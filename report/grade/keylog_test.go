package grade

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStudentKeyLogOpensIMAPS grades a student who did the IMAP steps over
// 993 (openssl s_client, as the handout says) with and without the key log
// in their folder: with it, the steps inside TLS earn their points.
func TestStudentKeyLogOpensIMAPS(t *testing.T) {
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
			os.MkdirAll(filepath.Join(dir, "alice"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "alice", f), b, 0o644); err != nil {
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
	for _, id := range []string{"imap-login", "imap-select-inbox", "imap-fetch", "imap-logout"} {
		if without[id] != 0 || with[id] <= 0 {
			t.Errorf("%s: %v points without the key log, %v with it; want none, then some", id, without[id], with[id])
		}
	}
}
