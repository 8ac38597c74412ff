package grade

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

const classDir = "../../testdata/class"

// gradeClass grades the test class into a new folder and returns it.
func gradeClass(t testing.TB, lang string) string {
	t.Helper()
	return gradeClassWith(t, lang, true)
}

// gradeClassWith grades the test class, with or without students.csv.
func gradeClassWith(t testing.TB, lang string, withCSV bool) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(classDir, "students.csv")); err != nil {
		t.Fatalf("testdata/class is absent (it is committed; make it again with testdata/class/make.sh): %v", err)
	}
	r, err := LoadRubric("")
	if err != nil {
		t.Fatal(err)
	}
	var emails map[string]string
	if withCSV {
		if emails, err = LoadStudents(filepath.Join(classDir, "students.csv")); err != nil {
			t.Fatal(err)
		}
	}
	students, _, err := Collect([]string{classDir})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := Grade(students, Options{Rubric: r, Emails: emails}).WriteDir(out, lang); err != nil {
		t.Fatal(err)
	}
	return out
}

// outputs lists every file of a grading folder, relative to it.
func outputs(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestClassGolden(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			got := outputs(t, gradeClass(t, lang))
			golden := filepath.Join("testdata", "class."+lang)
			if recordtest.Updating() {
				os.RemoveAll(golden) // files no longer written go too
			}
			for name, b := range got {
				recordtest.Golden(t, filepath.Join(golden, name), b)
			}
			for name := range outputs(t, golden) {
				if _, ok := got[name]; !ok {
					t.Errorf("%s is no longer written (run go test -update and review the diff)", filepath.Join(golden, name))
				}
			}
		})
	}
}

func TestClassDeterministic(t *testing.T) {
	a, b := outputs(t, gradeClass(t, "en")), outputs(t, gradeClass(t, "en"))
	if len(a) != len(b) {
		t.Fatalf("%d files then %d", len(a), len(b))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// rows reads grades.csv into a map of student id to column to cell.
func rows(t *testing.T, dir string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "grades.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, cells := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = cells[i]
		}
		out[m["id"]] = m
	}
	return out
}

func TestClassRows(t *testing.T) {
	dir := gradeClass(t, "en")
	got := rows(t, dir)
	for _, id := range []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"} {
		if got[id] == nil {
			t.Fatalf("no row for %s", id)
		}
	}
	t.Run("complete lab scores the most", func(t *testing.T) {
		for id, r := range got {
			if id != "alice" && num2(t, r["total"]) >= num2(t, got["alice"]["total"]) {
				t.Errorf("%s has %s points, alice %s", id, r["total"], got["alice"]["total"])
			}
		}
		if got["alice"]["total"] != got["alice"]["max"] || got["alice"]["legal"] != "" || got["alice"]["warnings"] != "" {
			t.Errorf("alice: %v", got["alice"])
		}
	})
	t.Run("forgery to someone else is flagged and not scored", func(t *testing.T) {
		c := got["carol"]
		if !strings.HasPrefix(c["legal"], "FORGED MAIL SENT TO OTHERS: forgery.pcap frame ") || !strings.Contains(c["legal"], "alice@grenoble-inp.example") {
			t.Errorf("carol's legal cell: %q", c["legal"])
		}
		if c["smtp-forgery"] != "0" {
			t.Errorf("carol scored %s for the forgery", c["smtp-forgery"])
		}
		for id, r := range got {
			if id != "carol" && r["legal"] != "" {
				t.Errorf("%s flagged: %q", id, r["legal"])
			}
		}
		fb, _ := os.ReadFile(filepath.Join(dir, "feedback", "carol.txt"))
		html, _ := os.ReadFile(filepath.Join(dir, "feedback", "carol.html"))
		if !bytes.Contains(fb, []byte("LEGAL WARNING")) || !bytes.Contains(html, []byte(`id="c0-legal"`)) || !bytes.Contains(html, []byte("LEGAL WARNING")) {
			t.Error("carol's feedback does not carry the legal warning")
		}
	})
	t.Run("unreadable captures give a row", func(t *testing.T) {
		for _, id := range []string{"frank", "grace"} {
			if !strings.HasPrefix(got[id]["status"], "unreadable: ") || got[id]["total"] != "0" || got[id]["dns-mx"] != "" {
				t.Errorf("%s: %v", id, got[id])
			}
		}
	})
	t.Run("truncated capture is graded with a warning", func(t *testing.T) {
		d := got["dave"]
		if d["status"] != "graded" || !strings.Contains(d["warnings"], "cut short") {
			t.Errorf("dave: %v", d)
		}
	})
	t.Run("pcapng from any device is graded", func(t *testing.T) {
		if e := got["erin"]; e["status"] != "graded" || e["imap-delete"] != "2" || e["imap-login"] != "1" {
			t.Errorf("erin: %v", e)
		}
	})
}

func num2(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestNoSecretInOutput looks for every password the captures' facts say
// was sent, and for any masked form of one, in every file grading writes.
func TestNoSecretInOutput(t *testing.T) {
	secrets := map[string]bool{}
	for _, c := range recordtest.Captures(t, "../../captures") {
		for _, p := range recordtest.LoadFacts(t, c).Users {
			if len(p) >= 4 {
				secrets[p] = true
			}
		}
	}
	if len(secrets) == 0 {
		t.Fatal("no password found in the facts")
	}
	for name, b := range outputs(t, gradeClass(t, "en")) {
		for p := range secrets {
			if bytes.Contains(b, []byte(p)) {
				t.Errorf("%s shows a password", name)
			}
		}
		if bytes.Contains(b, []byte("***")) {
			t.Errorf("%s shows a masked secret", name)
		}
	}
}

// Without students.csv the student's address is guessed from what they
// authenticated and sent as: those who only replayed the forgery, whose
// envelope sender is 007@, are flagged; those who also logged in as the
// recipient are not.
func TestClassWithoutStudentsCSV(t *testing.T) {
	got := rows(t, gradeClassWith(t, "en", false))
	for id, r := range got {
		flagged := r["legal"] != ""
		want := id == "carol" || id == "dave"
		if flagged != want {
			t.Errorf("%s: legal %q, want flagged=%v", id, r["legal"], want)
		}
		if r["email"] != "" {
			t.Errorf("%s: email %q without students.csv", id, r["email"])
		}
	}
	if got["alice"]["smtp-forgery"] != "2" {
		t.Errorf("alice's forgery to herself not recognised without students.csv: %v", got["alice"])
	}
}

// A capture with more sessions than the grading sample holds is graded
// from its first sessions, and the student's row says how many were not.
func TestBigCaptureIsGradedFromItsFirstSessions(t *testing.T) {
	r, students := loadClass(t, classDir)
	whole := Grade(students, Options{Rubric: r})
	sampled := Grade(students, Options{Rubric: r, SampleRecords: 10})
	warned := 0
	for _, s := range sampled.Students {
		for _, w := range s.warns {
			if w.rec != nil && w.rec.ID == record.WarnCaptureSessionsSampled {
				warned++
			}
		}
	}
	if warned == 0 {
		t.Fatal("no capture said it was graded from its first sessions")
	}
	for _, s := range whole.Students {
		for _, w := range s.warns {
			if w.rec != nil && w.rec.ID == record.WarnCaptureSessionsSampled {
				t.Errorf("%s: sampled under the default bound", s.ID)
			}
		}
	}
}

// loadClass reads the built-in rubric and the students of a folder.
func loadClass(tb testing.TB, dir string) (*Rubric, []Student) {
	tb.Helper()
	r, err := LoadRubric("")
	if err != nil {
		tb.Fatal(err)
	}
	students, _, err := Collect([]string{dir})
	if err != nil {
		tb.Fatal(err)
	}
	return r, students
}
