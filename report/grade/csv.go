package grade

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/i18n"
)

// WriteCSV writes, in the class's language, one row per student: id, email, status, the legal flag
// (early, where a teacher cannot miss it), one column per criterion with
// the points earned, total, max and warnings.
func (c *Class) WriteCSV(w io.Writer) error {
	tr := i18n.New(c.Lang)
	cw := csv.NewWriter(w)
	head := []string{"id", "email", "status", "legal"}
	for _, cr := range c.Rubric.Criteria {
		head = append(head, cr.ID)
	}
	head = append(head, "total", "max", "warnings")
	cw.Write(safeRow(head))
	max := num(c.Rubric.MaxPoints())
	for _, s := range c.Students {
		row := []string{s.ID, s.Email, s.status(), s.legalText(tr)}
		for _, o := range s.outcomes(c.Rubric) {
			if s.Unreadable != "" {
				row = append(row, "")
			} else {
				row = append(row, num(o.Points))
			}
		}
		row = append(row, num(s.Total), max, strings.Join(s.warningTexts(tr), "; "))
		cw.Write(safeRow(row))
	}
	cw.Flush()
	return cw.Error()
}

// status is "graded", or "unreadable: why".
func (s *Result) status() string {
	if s.Unreadable != "" {
		return "unreadable: " + s.Unreadable
	}
	return "graded"
}

// outcomes returns one outcome per criterion, empty ones for an
// unreadable student.
func (s *Result) outcomes(r *Rubric) []*Outcome {
	if s.Outcomes != nil {
		return s.Outcomes
	}
	out := make([]*Outcome, len(r.Criteria))
	for i, c := range r.Criteria {
		out[i] = &Outcome{Criterion: c}
	}
	return out
}

// legalText is the flag of the legal check in tr's language, empty when
// nothing is wrong.
func (s *Result) legalText(tr i18n.Tr) string {
	var parts []string
	for _, f := range s.Legal {
		parts = append(parts, tr.T("grade.csv.legal", "file", f.File, "frame", strconv.FormatInt(f.Frame, 10),
			"from", f.From, "to", strings.Join(f.Others, ", ")))
	}
	return strings.Join(parts, "; ")
}

// warningTexts says the student's warnings in tr's language.
func (s *Result) warningTexts(tr i18n.Tr) []string {
	if s.warns == nil || s.Unreadable != "" {
		return s.Warnings // the status says why; or built without keys
	}
	out := make([]string, len(s.warns))
	for i, w := range s.warns {
		out[i] = w.text(tr)
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// safeRow makes every cell printable (names, headers and file names come
// from students and from the wire: no control character or bidirectional
// override reaches the file) and keeps spreadsheets from running a cell
// as a formula: a cell starting with = + - @, a tab or a carriage return
// gets a leading quote.
func safeRow(row []string) []string {
	for i, v := range row {
		row[i] = safeCell(report.Sanitize(v, 0))
	}
	return row
}

func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
