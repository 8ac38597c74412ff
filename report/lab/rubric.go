package lab

import _ "embed"

//go:embed tp4.yaml
var rubric []byte

// Rubric returns the text of the TP4 grading rubric (the grader's
// condition language, report/grade/README.md), for grading, printing
// and editing.
func Rubric() []byte { return append([]byte(nil), rubric...) }

// Questions lists the lab questions the report answers from a capture,
// in the sheet's order.
func Questions() []string {
	return []string{"1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.2.1", "1.2.2", "1.2.5", "1.2.6",
		"1.2.7", "1.2.8", "1.2.9", "1.3.1.5", "1.3.2.4", "1.3.2.5", "1.3.2.6", "1.3.2.7"}
}
