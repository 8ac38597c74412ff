package grade

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"alice", "alice"},
		{"3.5", "3.5"},
		{"", ""},
		{"a=b", "a=b"},
	}
	for _, tc := range tests {
		if got := safeCell(tc.in); got != tc.want {
			t.Errorf("safeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCSVFormulaInjection(t *testing.T) {
	r, err := ParseRubric("r.yaml", []byte("name: t\ncriteria:\n  - id: a\n    title: A\n    when: {kind: dns}\n"))
	if err != nil {
		t.Fatal(err)
	}
	class := &Class{Rubric: r, Students: []*Result{
		{ID: "=cmd|' /C calc'!A0", Email: "+33@x.example", Outcomes: []*Outcome{{Criterion: r.Criteria[0]}},
			Warnings: []string{"-bad", "@evil"}},
		{ID: "@bob", Unreadable: "=1+1"},
	}}
	var buf bytes.Buffer
	if err := class.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && bytes.ContainsAny([]byte{cell[0]}, "=+-@\t\r") {
				t.Errorf("cell %q can run as a formula", cell)
			}
		}
	}
	if rows[1][0] != "'=cmd|' /C calc'!A0" || rows[1][1] != "'+33@x.example" || rows[1][len(rows[1])-1] != "'-bad; @evil" {
		t.Errorf("row %q", rows[1])
	}
	if rows[2][0] != "'@bob" || rows[2][2] != "unreadable: =1+1" || rows[2][3] != "" || rows[2][4] != "" {
		t.Errorf("unreadable row %q", rows[2])
	}
}
