package grade

import (
	"encoding/csv"
	"github.com/mailwire/mailwire/report"
	"io"
	"strconv"
	"strings"
)

// WriteCSV writes one row per student: id, email, status, the legal flag
// (early, where a teacher cannot miss it), one column per criterion with
// the points earned, total, max and warnings.
func (c *Class) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"id", "email", "status", "legal"}
	for _, cr := range c.Rubric.Criteria {
		head = append(head, cr.ID)
	}
	head = append(head, "total", "max", "warnings")
	cw.Write(safeRow(head))
	max := num(c.Rubric.MaxPoints())
	for _, s := range c.Students {
		row := []string{s.ID, s.Email, s.status(), s.legalText()}
		for _, o := range s.outcomes(c.Rubric) {
			if s.Unreadable != "" {
				row = append(row, "")
			} else {
				row = append(row, num(o.Points))
			}
		}
		row = append(row, num(s.Total), max, strings.Join(s.Warnings, "; "))
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

// legalText is the flag of the legal check, empty when nothing is wrong.
func (s *Result) legalText() string {
	var parts []string
	for _, f := range s.Legal {
		parts = append(parts, "FORGED MAIL SENT TO OTHERS: "+f.File+" frame "+strconv.FormatInt(f.Frame, 10)+
			" From "+f.From+" to "+strings.Join(f.Others, ", "))
	}
	return strings.Join(parts, "; ")
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
