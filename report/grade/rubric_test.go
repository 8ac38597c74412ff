package grade

import (
	"strings"
	"testing"
)

func TestBuiltinRubricParses(t *testing.T) {
	r, err := LoadRubric("")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Criteria) < 15 {
		t.Errorf("%d criteria, want at least 15", len(r.Criteria))
	}
	for _, c := range r.Criteria {
		if c.Question == "" || c.Title.Fr == "" || c.Hint.En == "" || c.Hint.Fr == "" {
			t.Errorf("criterion %s lacks a question, a French title or a hint", c.ID)
		}
	}
}

func TestRubricErrors(t *testing.T) {
	head := "name: t\ncriteria:\n  - id: a\n    title: A\n    when:\n"
	tests := []struct {
		name, rubric, want string
	}{
		{"yaml syntax", "name: t\ncriteria: [\n", "line 2: did not find expected node content"},
		{"empty", "", "empty"},
		{"no criteria", "name: t\n", "no criteria"},
		{"unknown top key", "name: t\ncrit: []\n", `line 2: unknown key "crit"`},
		{"unknown kind", head + "      kind: comand\n", `line 6: unknown record kind "comand"`},
		{"unknown field", head + "      kind: command\n      verbb: SELECT\n", `line 7: "verbb" is not a field of command records`},
		{"unknown suffixed field", head + "      kind: command\n      verbb_in: [A]\n", `line 7: "verbb_in" is not a field`},
		{"field of another kind", head + "      kind: dns\n      verb: SELECT\n", `line 7: "verb" is not a field of dns records`},
		{"bad regexp", head + "      kind: command\n      args_match: \"(inbox\"\n", "line 7: bad regular expression in args_match"},
		{"in without list", head + "      kind: command\n      verb_in: SELECT\n", "line 7: verb_in needs a non-empty list"},
		{"secret field", head + "      kind: credential\n      password_match: x\n", `line 7: field "password" holds a secret`},
		{"masked secret field", head + "      kind: credential\n      password_masked: x\n", `line 7: field "password_masked" holds a secret`},
		{"empty condition", head + "      {}\n", "line 6: empty condition"},
		{"mixed condition", head + "      kind: dns\n      any:\n        - kind: dns\n", "line 6: a condition is either"},
		{"sequence of combos", head + "      sequence:\n        - any:\n          - kind: dns\n", "line 6: each step of a sequence"},
		{"bad count", head + "      kind: dns\n      count_at_least: 0\n", "line 7: count_at_least must be"},
		{"negative points", "name: t\ncriteria:\n  - id: a\n    title: A\n    points: -1\n    when: {kind: dns}\n", "line 5: points"},
		{"bad id", "name: t\ncriteria:\n  - id: A B\n    title: A\n    when: {kind: dns}\n", `line 3: criterion id "A B"`},
		{"no title", "name: t\ncriteria:\n  - id: a\n    when: {kind: dns}\n", `line 3: criterion "a" has no title`},
		{"no when", "name: t\ncriteria:\n  - id: a\n    title: A\n", `line 3: criterion "a" has no when`},
		{"duplicate id", "name: t\ncriteria:\n  - id: a\n    title: A\n    when: {kind: dns}\n  - id: a\n    title: B\n    when: {kind: dns}\n", `line 6: criterion id "a" is already used at line 3`},
		{"unknown language", "name: t\ncriteria:\n  - id: a\n    title: {de: A}\n    when: {kind: dns}\n", `line 4: unknown language "de"`},
		{"list as value", head + "      kind: dns\n      type: [MX]\n", "line 7: expected a single value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRubric("r.yaml", []byte(tc.rubric))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), "r.yaml: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to name the file and contain %q", err, tc.want)
			}
		})
	}
}

func TestRubricDefaults(t *testing.T) {
	r, err := ParseRubric("r.yaml", []byte("name: t\ncriteria:\n  - id: a\n    title: Same\n    when: {kind: dns, type: MX}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Criteria[0]
	if c.Points != 1 || c.Title.En != "Same" || c.Title.In("fr") != "Same" || r.MaxPoints() != 1 {
		t.Errorf("got points %v title %+v max %v", c.Points, c.Title, r.MaxPoints())
	}
	if len(c.When.Tests) != 1 || c.When.Tests[0].Op != "eq" || c.When.Tests[0].Path[0] != "type" {
		t.Errorf("tests %+v", c.When.Tests)
	}
}
