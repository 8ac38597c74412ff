package grade

import (
	"errors"
	"github.com/mailwire/mailwire/dissect/tls/keylog"

	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/report/lab"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/report/spool"
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
	// SampleRecords bounds the records of each capture that are graded,
	// whole sessions from the first; 0 means the report's default.
	SampleRecords int
}

// Class is the outcome of grading every student.
type Class struct {
	Rubric   *Rubric
	Students []*Result
	// Lang is the language of the CSV's sentences (legal flag, warnings).
	Lang string
}

// Result is one student's grade.
type Result struct {
	ID    string
	Email string
	Files []string // capture file names
	// Unreadable says why none of the student's captures could be read;
	// the student then has no grade.
	Unreadable string
	// ReadErrors says why each unreadable capture could not be read.
	ReadErrors []string
	Outcomes   []*Outcome
	Total      float64
	Warnings   []string
	// warns are Warnings as catalogue keys, to say them in the
	// feedback's and the CSV's language.
	warns []warning
	// Legal lists forged messages sent to someone else than the student.
	Legal []*Forgery
	// Notes say who the student is taken to be and what decided it.
	Notes []Note
	// Advice speaks to what the student's captures lack as a whole.
	Advice []Note

	items []*item
	me    *lab.Identity
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

	rec record.Record // described again in the feedback's language
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
	opt.Pipeline.Dissect.Keys = addKeyLogs(opt.Pipeline.Dissect.Keys, students)
	// Each capture keeps a sample of its first sessions: a class's
	// memory grows with its number of captures, not their size.
	samples := make([]*spool.Sample, len(paths))
	results := pipeline.Files(paths, opt.Pipeline, opt.Workers, func(i int) func(record.Record) {
		samples[i] = spool.NewSample(opt.SampleRecords)
		return samples[i].Add
	})
	for i, r := range results {
		if r.Result != nil {
			r.Result.Records = samples[i].Records()
			if n := samples[i].Unsampled(); n > 0 {
				r.Result.Capture.Warnings = append(r.Result.Capture.Warnings,
					record.NewWarning(0, record.WarnCaptureSessionsSampled, "count", n))
			}
		}
	}
	class := &Class{Rubric: opt.Rubric}
	i := 0
	var ids []*lab.Identity
	for _, s := range students {
		res := readStudent(s, results[i:i+len(s.Files)], opt)
		class.Students = append(class.Students, res)
		if res.me != nil {
			ids = append(ids, res.me)
		}
		i += len(s.Files)
	}
	// Who each student is depends on the whole class: an address that
	// logs in in one student's captures is that student's.
	whole := lab.NewClass(ids)
	for _, res := range class.Students {
		if res.Unreadable == "" {
			res.score(whole, opt.Rubric)
		}
	}
	return class
}

// readStudent reads one student's captures into items and gathers who
// they are; score grades them once the whole class is known.
func readStudent(s Student, results []pipeline.FileResult, opt Options) *Result {
	res := &Result{ID: s.ID, Email: opt.Emails[s.ID]}
	var items []*item
	var unreadable []string
	for n, fr := range results {
		name := filepath.Base(fr.Path)
		res.Files = append(res.Files, name)
		if fr.Err != nil {
			why := fmt.Sprintf("%s: %s", name, explain(fr.Err, fr.Path))
			unreadable = append(unreadable, why)
			res.ReadErrors = append(res.ReadErrors, why)
			res.warn(unreadableWarning(name, fr.Err, fr.Path))
			continue
		}
		for _, w := range fr.Result.Capture.Warnings {
			w.File = name
			res.warn(warning{rec: &w})
		}
		items = append(items, fileItems(name, n, fr.Result, len(items))...)
	}
	switch {
	case len(results) == 0:
		res.Unreadable = noCapture
	case len(unreadable) == len(results):
		res.Unreadable = strings.Join(unreadable, "; ")
	}
	if res.Unreadable != "" {
		res.Warnings = nil // the feedback still says why, from warns
		return res
	}
	if !hasTraffic(items) {
		res.warn(warning{key: noTraffic})
		res.Advice = append(res.Advice, Note{Key: "grade.no-traffic"})
	} else if imapsOnly(items) {
		res.Advice = append(res.Advice, Note{Key: "grade.imaps-only"})
	}
	res.items = items
	res.me = identity(s.ID, res.Email, items)
	return res
}

// score checks the student's messages against the class's identities
// and evaluates every criterion.
func (res *Result) score(class *lab.Class, rubric *Rubric) {
	items := res.items
	res.Legal, res.Notes = checkMessages(items, res.me, class)
	markLabDomains(items, append(rubric.Domains, ownDomains(res.me, items)...))
	markSecondServers(items)
	for _, c := range rubric.Criteria {
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
			o.Evidence = append(o.Evidence, Evidence{File: it.file, Frame: it.frame, What: it.what, rec: it.rec})
		}
		res.Outcomes = append(res.Outcomes, o)
	}
	res.items = nil
}

// noTraffic is the warning of the CSV and JSON outputs for captures
// without mail or DNS; the feedback says it as advice (grade.no-traffic).
const noTraffic = "grade.warning.no-traffic"

// noCapture is why a student without any capture file has no grade.
const noCapture = "no capture file"

// warn adds a warning, kept in English for the JSON output and as a
// catalogue key for the outputs written in the class's language.
func (res *Result) warn(w warning) {
	res.warns = append(res.warns, w)
	res.Warnings = append(res.Warnings, w.text(i18n.New("en")))
}

// explain turns a read error into a short reason without the path,
// which the row already names.
func explain(err error, path string) string {
	if fi, e := os.Stat(path); e == nil && fi.Size() == 0 {
		return "empty file (0 bytes)"
	}
	return strings.TrimPrefix(err.Error(), path+": ")
}

// unreadableWarning says why one capture could not be read: an empty
// file in the catalogue's words, other errors as the reader wrote them.
func unreadableWarning(name string, err error, path string) warning {
	if fi, e := os.Stat(path); e == nil && fi.Size() == 0 {
		return warning{key: "grade.warning.empty", args: []string{"file", name}}
	}
	if errors.Is(err, capfile.ErrUnknownFormat) {
		// Said in the grading's language; in English, as the reader
		// wrote it.
		return warning{key: "grade.warning.not-capture", args: []string{"file", name, "why", explain(err, path)}}
	}
	return warning{key: "grade.warning.unreadable", args: []string{"file", name, "why", explain(err, path)}}
}

// fileItems turns one capture's records, with the findings derived from
// them, into items in capture order.
func fileItems(name string, fileNo int, r *pipeline.Result, order int) []*item {
	recs := append([]record.Record{r.Capture}, r.Records...)
	return recordItems(name, fileNo, recs, order)
}

// recordItems turns one capture's records into items, each message
// with the sender analysis of the whole capture.
func recordItems(name string, fileNo int, recs []record.Record, order int) []*item {
	senders := map[*record.Message]*lab.Sender{}
	for _, s := range lab.Senders(recs) {
		senders[s.Message] = s
	}
	sessions := map[string]*record.Session{}
	for _, rec := range recs {
		if s, ok := rec.(*record.Session); ok {
			sessions[s.ID] = s
		}
	}
	var out []*item
	for _, rec := range recs {
		it := newItem(name, fileNo, rec)
		if it == nil {
			continue
		}
		switch r := rec.(type) {
		case *record.Message:
			it.sender = senders[r]
			if s := sessions[r.Session]; s != nil {
				it.fields[fieldServerPort] = float64(lab.Port(s.Server))
				it.fields[fieldSecurity] = string(s.Security)
			}
		case *record.StartTLS:
			it.fields[fieldNotOffered] = r.Offered != nil && !*r.Offered
			it.server = serverOf(sessions[r.Session])
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
	it.rec = rec
	it.what = describe(i18n.New("en"), rec)
	return it
}

// imapsOnly tells whether the student's IMAP was all on port 993, where
// nothing of the lab's commands can be read without the key log.
func imapsOnly(items []*item) bool {
	imaps := false
	for _, it := range items {
		if it.kind != "session" {
			continue
		}
		server := str(it.fields["server"])
		switch {
		case it.fields["proto"] == "imap":
			return false
		case strings.HasSuffix(server, ":993"):
			imaps = true
		}
	}
	return imaps
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
		kept = append(kept, "[…]")
	}
	cp.Args = strings.Join(kept, " ")
	return &cp
}

// addKeyLogs adds the students' key logs to keys (creating it if needed).
// One log serves every capture: secrets are found by their session's
// client random, so a student's key log opens only that student's
// sessions. Unreadable lines are skipped.
func addKeyLogs(keys *keylog.Log, students []Student) *keylog.Log {
	for _, s := range students {
		for _, f := range s.KeyLogs {
			if keys == nil {
				keys = keylog.New()
			}
			keys.ReadFile(f)
		}
	}
	return keys
}

// ownDomains are the domains of the student's own addresses: the
// roster's, the logins written as addresses, and, for a bare login, the
// domain of the mailbox they read (a fetched message addressed to that
// user name).
func ownDomains(me *lab.Identity, items []*item) []string {
	var out []string
	if d := address.Domain(me.Roster); d != "" {
		out = append(out, d)
	}
	for _, l := range me.Logins {
		if d := address.Domain(l); d != "" {
			out = append(out, d)
		}
	}
	for _, it := range items {
		m, ok := it.rec.(*record.Message)
		if !ok || m.Direction != record.DirectionFetched {
			continue
		}
		for _, to := range m.To {
			a := lab.Address(to)
			for _, l := range me.Logins {
				if l == address.Local(a) {
					out = append(out, address.Domain(a))
				}
			}
		}
	}
	return out
}

// markLabDomains sets lab_domain on DNS records about one of domains or
// a name under it.
func markLabDomains(items []*item, domains []string) {
	for _, it := range items {
		if it.kind != "dns" {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(str(it.fields["name"]), "."))
		lab := false
		for _, d := range domains {
			if d != "" && (name == d || strings.HasSuffix(name, "."+d)) {
				lab = true
			}
		}
		it.fields[fieldLabDomain] = lab
	}
}
