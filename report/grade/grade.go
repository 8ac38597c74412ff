package grade

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/mailwire/mailwire/dissect/pipeline"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/jsonl"
)

// Options of a grading run.
type Options struct {
	Rubric *Rubric // nil means the built-in TP4 rubric
	// Emails maps student ids to their addresses (students.csv).
	Emails map[string]string
	// Workers is how many captures are analysed at once; 0 means every core.
	Workers int
	// Pipeline options; Reveal is always cleared.
	Pipeline pipeline.Options
}

// Class is the outcome of grading every student.
type Class struct {
	Rubric   *Rubric
	Students []*Result
}

// Result is one student's grade.
type Result struct {
	ID    string
	Email string
	Files []string // capture file names
	// Unreadable says why none of the student's captures could be read;
	// the student then has no grade.
	Unreadable string
	Outcomes   []*Outcome
	Total      float64
	Warnings   []string
	// Legal lists forged messages sent to someone else than the student.
	Legal []*Forgery
}

// Outcome is one criterion for one student.
type Outcome struct {
	Criterion *Criterion
	Met       bool
	Points    float64
	Evidence  []Evidence
}

// Evidence is one record that proves a criterion.
type Evidence struct {
	File  string `json:"file"`
	Frame int64  `json:"frame"`
	What  string `json:"what"`
}

// maxEvidence bounds the frames listed for one criterion.
const maxEvidence = 8

// Grade analyses every student's captures in parallel and grades them.
func Grade(students []Student, opt Options) *Class {
	if opt.Workers < 1 {
		opt.Workers = runtime.NumCPU()
	}
	opt.Pipeline.Reveal = false
	if opt.Rubric == nil {
		opt.Rubric, _ = LoadRubric("")
	}
	var paths []string
	for _, s := range students {
		paths = append(paths, s.Files...)
	}
	results := pipeline.Files(paths, opt.Pipeline, opt.Workers)
	class := &Class{Rubric: opt.Rubric}
	i := 0
	for _, s := range students {
		class.Students = append(class.Students, gradeStudent(s, results[i:i+len(s.Files)], opt))
		i += len(s.Files)
	}
	return class
}

func gradeStudent(s Student, results []pipeline.FileResult, opt Options) *Result {
	res := &Result{ID: s.ID, Email: opt.Emails[s.ID]}
	var items []*item
	var unreadable []string
	for n, fr := range results {
		name := filepath.Base(fr.Path)
		res.Files = append(res.Files, name)
		if fr.Err != nil {
			why := fmt.Sprintf("%s: %s", name, explain(fr.Err, fr.Path))
			unreadable = append(unreadable, why)
			res.Warnings = append(res.Warnings, "unreadable: "+why)
			continue
		}
		for _, w := range fr.Result.Capture.Warnings {
			w.File = name
			res.Warnings = append(res.Warnings, i18n.New("en").Warning(w))
		}
		items = append(items, fileItems(name, n, fr.Result, len(items))...)
	}
	switch {
	case len(results) == 0:
		res.Unreadable = "no capture file"
	case len(unreadable) == len(results):
		res.Unreadable = strings.Join(unreadable, "; ")
	}
	if res.Unreadable != "" {
		res.Warnings = nil
		return res
	}
	if !hasTraffic(items) {
		res.Warnings = append(res.Warnings, "no mail or DNS traffic found in the captures")
	}
	self := selfAddresses(res.Email, items)
	res.Legal = checkMessages(items, self, res.Email)
	for _, c := range opt.Rubric.Criteria {
		o := &Outcome{Criterion: c}
		met, ev := c.When.eval(items)
		if met {
			o.Met, o.Points = true, c.Points
			res.Total += c.Points
		}
		for _, it := range ev {
			if len(o.Evidence) == maxEvidence {
				break
			}
			o.Evidence = append(o.Evidence, Evidence{File: it.file, Frame: it.frame, What: it.what})
		}
		res.Outcomes = append(res.Outcomes, o)
	}
	return res
}

// explain turns a read error into a short reason without the path,
// which the row already names.
func explain(err error, path string) string {
	if fi, e := os.Stat(path); e == nil && fi.Size() == 0 {
		return "empty file (0 bytes)"
	}
	return strings.TrimPrefix(err.Error(), path+": ")
}

// fileItems turns one capture's records, with the findings derived from
// them, into items in capture order.
func fileItems(name string, fileNo int, r *pipeline.Result, order int) []*item {
	recs := append([]record.Record{}, r.Records...)
	for _, f := range report.Derive(recs) {
		recs = append(recs, f)
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Frame() < recs[j].Frame() })
	recs = append([]record.Record{r.Capture}, recs...)
	var out []*item
	for _, rec := range recs {
		it := newItem(name, fileNo, rec)
		if it == nil {
			continue
		}
		it.order = order + len(out)
		out = append(out, it)
	}
	return out
}

func newItem(file string, fileNo int, rec record.Record) *item {
	if c, ok := rec.(*record.Command); ok {
		rec = withoutSecretArgs(c)
	}
	b, err := jsonl.Marshal(rec)
	if err != nil {
		return nil
	}
	var fields map[string]any
	if json.Unmarshal(b, &fields) != nil {
		return nil
	}
	for f := range secretFields {
		delete(fields, f)
	}
	fields["file"] = file
	it := &item{file: file, fileNo: fileNo, kind: rec.Kind(), fields: fields}
	if p, ok := fields["packet"].(float64); ok {
		it.frame = int64(p)
	}
	it.what = describe(rec)
	return it
}

func hasTraffic(items []*item) bool {
	for _, it := range items {
		if it.kind == "session" || it.kind == "dns" {
			return true
		}
	}
	return false
}

// withoutSecretArgs returns a command whose arguments keep only what
// names the user or the mechanism: the dissectors mask secrets, but a
// masked password still shows its length and first and last characters,
// which grading output has no reason to show.
func withoutSecretArgs(c *record.Command) *record.Command {
	keep := -1 // how many leading words of the arguments to keep
	switch c.Verb {
	case "LOGIN", "AUTHENTICATE", "AUTH", "APOP":
		keep = 1
	case "PASS":
		keep = 0
	}
	if keep < 0 || c.Args == "" {
		return c
	}
	cp := *c
	words := strings.Fields(c.Args)
	kept := words[:min(keep, len(words))]
	if len(words) > keep {
		kept = append(kept, "[secret hidden]")
	}
	cp.Args = strings.Join(kept, " ")
	return &cp
}
