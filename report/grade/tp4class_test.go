package grade

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const tp4Class = "testdata/tp4class"

// expectedGrades reads testdata/tp4class/expected.csv: the grades written
// by hand from the lab sheet, by student then criterion.
func expectedGrades(t *testing.T) (cols []string, rows map[string][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join(tp4Class, "expected.csv"))
	if err != nil {
		t.Fatalf("%v: run bash %s/make.sh", err, tp4Class)
	}
	defer f.Close()
	rows = map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, ",")
		if cols == nil {
			cols = cells
			continue
		}
		rows[cells[0]] = cells
	}
	if len(rows) < 10 {
		t.Fatalf("expected.csv holds %d students, want at least 10", len(rows))
	}
	return cols, rows
}

// TestTP4ClassMatchesTheLabSheet grades the class of real captures with
// and without the roster and compares every criterion, the total and the
// legal flag with the grades written from the lab sheet.
func TestTP4ClassMatchesTheLabSheet(t *testing.T) {
	cols, want := expectedGrades(t)
	students, _, err := Collect([]string{filepath.Join(tp4Class, "class")})
	if err != nil {
		t.Fatal(err)
	}
	if len(students) != len(want) {
		t.Fatalf("%d students in class/, %d in expected.csv", len(students), len(want))
	}
	roster, err := LoadStudents(filepath.Join(tp4Class, "students.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, withRoster := range []bool{true, false} {
		t.Run("roster="+strconv.FormatBool(withRoster), func(t *testing.T) {
			r, err := LoadRubric("")
			if err != nil {
				t.Fatal(err)
			}
			// The capture lab's stand-in for grenoble-inp.org.
			r.Domains = append(r.Domains, "grenoble-inp.example")
			opt := Options{Rubric: r}
			if withRoster {
				opt.Emails = roster
			}
			for _, s := range Grade(students, opt).Students {
				row := want[s.ID]
				if row == nil {
					t.Errorf("%s is not in expected.csv", s.ID)
					continue
				}
				if legal := len(s.Legal) > 0; legal != (row[1] == "yes") {
					t.Errorf("%s: legal warning %v, the lab sheet says %s", s.ID, legal, row[1])
				}
				got := map[string]float64{"total": s.Total}
				for _, o := range s.Outcomes {
					got[o.Criterion.ID] = o.Points
				}
				for i := 2; i < len(cols); i++ {
					w, _ := strconv.ParseFloat(row[i], 64)
					if g, ok := got[cols[i]]; !ok || g != w {
						t.Errorf("%s %s: %v points, the lab sheet gives %v", s.ID, cols[i], g, w)
					}
				}
			}
		})
	}
}

// TestFrenchFeedbackHasNoEnglishSentence writes the class's feedback in
// English and in French: a line with words that reads the same in both
// is an English sentence that escaped the catalogue (criterion titles
// and hints come from the rubric in both languages).
func TestFrenchFeedbackHasNoEnglishSentence(t *testing.T) {
	students, _, err := Collect([]string{filepath.Join(tp4Class, "class")})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := LoadRubric("")
	class := Grade(students, Options{Rubric: r})
	word := regexp.MustCompile(`\b[A-Za-z]{3,}\b`)
	// Wire text and names read the same in both languages.
	wire := regexp.MustCompile(`"[^"]*"|<[^>]*>|\([^)]*\)|[\w.+-]+@[\w.-]+|\b[\w-]+(\.[\w-]+)+\b|\b(TP4|Messagerie|IMAP|SMTP|S/MIME|Total|Captures)\b`)
	for _, s := range class.Students {
		en, fr := &bytes.Buffer{}, &bytes.Buffer{}
		if err := class.feedbackOf(s, "en").writeText(en); err != nil {
			t.Fatal(err)
		}
		if err := class.feedbackOf(s, "fr").writeText(fr); err != nil {
			t.Fatal(err)
		}
		same := map[string]bool{}
		for _, l := range strings.Split(en.String(), "\n") {
			same[strings.TrimSpace(l)] = true
		}
		for _, l := range strings.Split(fr.String(), "\n") {
			l = strings.TrimSpace(l)
			if same[l] && len(word.FindAllString(wire.ReplaceAllString(l, " "), -1)) >= 2 {
				t.Errorf("%s: English in the French feedback: %q", s.ID, l)
			}
		}
	}
}
