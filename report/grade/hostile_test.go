package grade

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Names come from students (file names) and from the wire (a forged
// From): none of their control characters or bidirectional overrides may
// reach the CSV, the text or the HTML feedback.
func TestHostileNamesAndHeadersAreSanitised(t *testing.T) {
	hostile := "evil\x1b[2J\x07\nname\u202egnp."
	dir := t.TempDir()
	class := filepath.Join(dir, "class")
	if err := os.MkdirAll(class, 0o755); err != nil {
		t.Fatal(err)
	}
	// An empty capture under a hostile name: unreadable, but named in
	// every output.
	if err := os.WriteFile(filepath.Join(class, hostile+".pcap"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	students, _, err := Collect([]string{class})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := LoadRubric("")
	c := Grade(students, Options{Rubric: r})
	// A forged From and file name on the legal flag of a graded student.
	c.Students = append(c.Students, &Result{ID: hostile, Files: []string{hostile + ".pcap"},
		Legal: []*Forgery{{File: hostile, Frame: 3, From: "James \u202eBond\x1b]0;x\x07 <jb@mi6.example>", EnvelopeFrom: "a\nb",
			Others: []string{"bob\x1b@x"}, Evidence: []Decision{{Address: "bob\x1b@x", Other: "bob\u202e", Evidence: "class", Detail: "b\x07.pcap"}}}},
		Notes: []Note{{Key: "grade.self.login", Args: []string{"address", "a\x1b@b", "detail", "x\u202e"}}}})
	for _, s := range c.Students {
		s.Outcomes = nil
	}
	out := filepath.Join(dir, "out")
	for _, lang := range []string{"en", "fr"} {
		if err := c.WriteDir(out, lang); err != nil {
			t.Fatal(err)
		}
		err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".json") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			text := string(b)
			if strings.HasSuffix(p, ".csv") {
				// Rows end in newlines; no cell may hold one.
				text = strings.ReplaceAll(text, "\n", "")
			}
			if strings.ContainsAny(text, "\x1b\x07\u202e") {
				t.Errorf("%s (%s) holds a raw control or bidi character: %q", filepath.Base(p), lang, text)
			}
			if strings.HasSuffix(p, ".txt") && strings.Contains(text, "evil\n") {
				t.Errorf("%s: a newline of a name reached the text", filepath.Base(p))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
