package grade

import (
	"strings"
	"testing"
)

// FuzzParseRubric feeds rubric texts to the parser: it must return a
// rubric or an error naming a line, never panic.
func FuzzParseRubric(f *testing.F) {
	f.Add(builtinRubric)
	f.Add([]byte("name: t\ncriteria:\n  - id: a\n    title: A\n    when:\n      sequence:\n        - kind: command\n          verb: STORE\n        - kind: command\n          verb: EXPUNGE\n"))
	f.Add([]byte("name: t\ncriteria:\n  - id: a\n    title: {en: A, fr: B}\n    points: 2.5\n    when: {any: [{kind: dns, type_in: [MX, A]}, {kind: message, attachments.content_type_match: gif}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRubric("r.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "r.yaml: ") {
				t.Errorf("error without the file name: %v", err)
			}
			return
		}
		for _, c := range r.Criteria {
			if c.When == nil || c.ID == "" {
				t.Errorf("criterion accepted without id or condition: %+v", c)
			}
			c.When.eval(nil)
		}
	})
}

// FuzzReadStudents feeds students.csv texts to the reader.
func FuzzReadStudents(f *testing.F) {
	f.Add("id,email\nalice,alice@lab.example\nbob, Bob@Lab.example\n")
	f.Add("\"a,b\",x@y\n\n")
	f.Fuzz(func(t *testing.T, data string) {
		m, err := ReadStudents(strings.NewReader(data))
		if err != nil {
			return
		}
		for id, email := range m {
			if id == "" || !strings.Contains(email, "@") {
				t.Errorf("accepted %q,%q", id, email)
			}
		}
	})
}
