package grade

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/html"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/view"
)

// feedback is what both feedback formats show, already translated and
// sanitised.
type feedback struct {
	Lang        string
	Title       string
	Rubric      string
	Student     string
	Captures    string
	Total       string
	Unreadable  string
	Legal       []string
	LegalHead   string
	LegalBanner string // LegalHead between "!!!", for the text feedback
	LegalLaw    string
	Identity    string
	Notes       []string
	Advice      []string
	Items       []feedbackItem
	WarnHead    string
	Warnings    []string
	Footer      string
}

type feedbackItem struct {
	Met      bool
	State    string
	Question string
	Title    string
	Points   string
	Proof    []string // "file, Wireshark filter frame.number == N: what"
	Hint     string
	Note     string
}

func (c *Class) feedbackOf(s *Result, lang string) *feedback {
	tr := i18n.New(lang)
	clean := func(v string) string { return report.Sanitize(v, 300) }
	id := clean(s.ID)
	if s.Email != "" {
		id += " <" + clean(s.Email) + ">"
	}
	fb := &feedback{Lang: tr.Lang(), Title: tr.T("grade.title"), Rubric: clean(c.Rubric.Name),
		Student: tr.T("grade.student", "id", id), Captures: tr.T("grade.captures", "files", clean(strings.Join(s.Files, ", "))),
		Total:     tr.T("grade.total", "total", num(s.Total), "max", num(c.Rubric.MaxPoints())),
		LegalHead: tr.T("grade.legal"), LegalBanner: tr.Typeset("!!! " + tr.T("grade.legal") + " !!!"), LegalLaw: tr.T("grade.legal-law"), Identity: tr.T("grade.identity"),
		WarnHead: tr.T("grade.warnings"), Footer: tr.T("grade.generated")}
	if s.Unreadable != "" {
		fb.Unreadable = tr.T("grade.unreadable", "why", clean(s.unreadableText(tr)))
	}
	for _, f := range s.Legal {
		fb.Legal = append(fb.Legal, tr.T("grade.legal-row", "frame", strconv.FormatInt(f.Frame, 10), "file", clean(f.File),
			"from", clean(f.From), "envelope", clean(dash(f.EnvelopeFrom)), "to", clean(strings.Join(f.Others, ", "))))
		for _, d := range f.Evidence {
			key := "grade.other." + d.Evidence
			if d.Other == "" {
				key = "grade.other.not-yours"
			}
			fb.Legal = append(fb.Legal, tr.T(key, "address", clean(d.Address), "detail", clean(d.Detail), "other", clean(d.Other)))
		}
	}
	for _, n := range s.Notes {
		args := make([]string, len(n.Args))
		for i, a := range n.Args {
			args[i] = clean(a)
		}
		fb.Notes = append(fb.Notes, tr.T(n.Key, args...))
	}
	for _, n := range s.Advice {
		fb.Advice = append(fb.Advice, tr.T(n.Key))
	}
	for _, w := range s.warns {
		if w.key == noTraffic || s.Unreadable != "" { // said as advice, or above
			continue
		}
		fb.Warnings = append(fb.Warnings, clean(w.feedbackText(tr)))
	}
	if s.Unreadable != "" {
		return fb
	}
	for _, o := range s.Outcomes {
		cr := o.Criterion
		it := feedbackItem{Met: o.Met, State: tr.T("grade.missed"), Question: clean(cr.Question), Title: tr.Typeset(clean(cr.Title.In(lang))),
			Points: num(o.Points) + "/" + num(cr.Points)}
		if o.Met {
			it.State = tr.T("grade.met")
		}
		for _, e := range o.Evidence {
			what := e.What
			if e.rec != nil {
				what = describe(tr, e.rec)
			}
			it.Proof = append(it.Proof, clean(tr.T("grade.proof", "file", e.File, "frame", strconv.FormatInt(e.Frame, 10), "what", what)))
		}
		if !o.Met {
			it.Hint = tr.T("grade.next", "hint", tr.Typeset(clean(cr.Hint.In(lang))))
		} else if n := cr.Note.In(lang); n != "" {
			it.Note = tr.T("grade.note", "note", tr.Typeset(clean(n)))
		}
		fb.Items = append(fb.Items, it)
	}
	return fb
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// writeText writes the plain-text feedback.
func (fb *feedback) writeText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s - %s\n%s\n%s\n", fb.Title, fb.Rubric, fb.Student, fb.Captures)
	if len(fb.Legal) > 0 {
		fmt.Fprintf(bw, "\n%s\n%s\n", fb.LegalBanner, fb.LegalLaw)
		for _, l := range fb.Legal {
			fmt.Fprintf(bw, "  - %s\n", l)
		}
	}
	if len(fb.Notes) > 0 {
		fmt.Fprintf(bw, "\n%s\n", fb.Identity)
		for _, n := range fb.Notes {
			fmt.Fprintf(bw, "  - %s\n", n)
		}
	}
	for _, a := range fb.Advice {
		fmt.Fprintf(bw, "\n>>> %s\n", a)
	}
	if fb.Unreadable != "" {
		fmt.Fprintf(bw, "\n%s\n", fb.Unreadable)
	} else {
		fmt.Fprintf(bw, "\n%s\n\n", fb.Total)
	}
	for _, it := range fb.Items {
		fmt.Fprintf(bw, "[%s] %s %s (%s)\n", it.State, it.Question, it.Title, it.Points)
		for _, p := range it.Proof {
			fmt.Fprintf(bw, "    %s\n", p)
		}
		if it.Hint != "" {
			fmt.Fprintf(bw, "    %s\n", it.Hint)
		}
		if it.Note != "" {
			fmt.Fprintf(bw, "    %s\n", it.Note)
		}
	}
	if len(fb.Warnings) > 0 {
		fmt.Fprintf(bw, "\n%s\n", fb.WarnHead)
		for _, wn := range fb.Warnings {
			fmt.Fprintf(bw, "  - %s\n", wn)
		}
	}
	return bw.Flush()
}

// doc lays the feedback out as a report document, so that the HTML
// feedback is drawn by the report's own page and style (report/html).
func (fb *feedback) doc() *view.Doc {
	line := func(indent int, spans ...view.Span) view.Line { return view.Line{Indent: indent, Spans: spans} }
	c := view.Capture{Title: fb.Student, Facts: []view.Fact{fact(fb.Captures, view.Plain)}}
	if fb.Unreadable != "" {
		c.Facts = append(c.Facts, fact(fb.Unreadable, view.High))
	} else {
		c.Facts = append(c.Facts, fact(fb.Total, view.Strong))
	}
	if len(fb.Legal) > 0 {
		legal := []view.Line{line(0, view.Span{Text: fb.LegalLaw, Style: view.High})}
		for _, l := range fb.Legal {
			legal = append(legal, line(1, view.Span{Text: l}))
		}
		c.Sections = append(c.Sections, view.Section{ID: "legal", Title: fb.LegalHead, Blocks: []view.Block{{Lines: view.LinesOf(legal)}}})
	}
	var advice []view.Line
	for _, a := range fb.Advice {
		advice = append(advice, line(0, view.Span{Text: a, Style: view.Strong}))
	}
	for _, n := range fb.Notes {
		advice = append(advice, line(0, view.Span{Text: n}))
	}
	if len(advice) > 0 {
		c.Sections = append(c.Sections, view.Section{ID: "identity", Title: fb.Identity, Blocks: []view.Block{{Lines: view.LinesOf(advice)}}})
	}
	var items []view.Line
	for _, it := range fb.Items {
		state := view.Span{Text: it.State, Style: view.High}
		if it.Met {
			state.Style = view.Info
		}
		items = append(items, line(0, state, view.Span{Text: " " + it.Question + " " + it.Title + " (" + it.Points + ")", Style: view.Strong}))
		for _, p := range it.Proof {
			items = append(items, line(1, view.Span{Text: p, Style: view.Code}))
		}
		if it.Hint != "" {
			items = append(items, line(1, view.Span{Text: it.Hint, Style: view.Dim}))
		}
		if it.Note != "" {
			items = append(items, line(1, view.Span{Text: it.Note}))
		}
	}
	if len(items) > 0 {
		c.Sections = append(c.Sections, view.Section{ID: "criteria", Title: fb.Rubric, Blocks: []view.Block{{Lines: view.LinesOf(items)}}})
	}
	c.Warnings = fb.Warnings
	return &view.Doc{Lang: fb.Lang, Title: fb.Title + " — " + fb.Rubric, Captures: []view.Capture{c},
		Labels: map[string]string{"label.generated": fb.Footer}}
}

// warning is one warning of a student's grading, said in any language:
// a capture's own warning, or a key of the catalogue with its arguments.
type warning struct {
	rec  *record.Warning
	key  string
	args []string
}

// text is the warning as the CSV and JSON outputs write it.
func (w warning) text(tr i18n.Tr) string {
	if w.rec != nil {
		return tr.Warning(*w.rec)
	}
	return tr.T(w.key, w.args...)
}

// feedbackText is the warning as the feedback says it, to the student.
func (w warning) feedbackText(tr i18n.Tr) string {
	switch w.key {
	case "grade.warning.unreadable", "grade.warning.empty", "grade.warning.not-capture":
		return tr.T(w.key+".feedback", w.args...)
	}
	return w.text(tr)
}

// unreadableText says in tr's language why no capture could be read.
func (s *Result) unreadableText(tr i18n.Tr) string {
	var why []string
	for _, w := range s.warns {
		switch w.key {
		case "grade.warning.unreadable", "grade.warning.empty", "grade.warning.not-capture":
			why = append(why, tr.T(w.key+".item", w.args...))
		}
	}
	if len(why) == 0 {
		return tr.T("grade.no-capture")
	}
	return strings.Join(why, "; ")
}

// fact splits "Name: value" (or the French "Nom : valeur") into a fact.
func fact(s string, style view.Style) view.Fact {
	name, value, _ := strings.Cut(s, ":")
	return view.Fact{Name: strings.TrimRight(name, " \u00a0"), Value: strings.TrimSpace(value), Style: style}
}

// writeHTML writes the feedback as one self-contained page.
func (fb *feedback) writeHTML(w io.Writer) error { return html.Write(w, fb.doc()) }

// WriteDir writes grades.csv, grades.json and feedback/<id>.txt and .html
// into dir, in lang ("en" or "fr").
func (c *Class) WriteDir(dir, lang string) error {
	if err := os.MkdirAll(filepath.Join(dir, "feedback"), 0o755); err != nil {
		return err
	}
	c.Lang = lang
	if err := writeFile(filepath.Join(dir, "grades.csv"), c.WriteCSV); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "grades.json"), c.WriteJSON); err != nil {
		return err
	}
	// Feedback files are written a few at a time: creating a file costs
	// more waiting than work on many file systems.
	errs := make([]error, len(c.Students))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, s := range c.Students {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = c.writeFeedback(dir, s, lang)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (c *Class) writeFeedback(dir string, s *Result, lang string) error {
	fb := c.feedbackOf(s, lang)
	base := filepath.Join(dir, "feedback", fileName(s.ID))
	if err := writeFile(base+".txt", fb.writeText); err != nil {
		return err
	}
	return writeFile(base+".html", fb.writeHTML)
}

// writeFile writes path through a buffer: templates write in many
// small pieces.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileName makes a student id safe as a file name.
func fileName(id string) string {
	b := []byte(id)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-@+", c) >= 0
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] == '.' {
		b = append([]byte{'_'}, b...)
	}
	return string(b)
}
