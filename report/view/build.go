package view

import (
	"iter"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/sanitize"
	"github.com/mailwire/mailwire/report/spool"
)

// Input is one capture file's records, spooled in output order.
type Input struct {
	Info    *record.Capture
	Records *spool.Spool
}

// Options are the reader's choices that change the content.
type Options struct {
	Lang   string
	Reveal bool // show passwords and hashes the records still hold
}

// Longest values shown, in runes; longer ones are cut with "…".
const (
	maxShort = 80  // addresses, user names, mailbox names
	maxLong  = 160 // subjects, replies, certificate names
)

// builder carries what every part of one capture's report needs: the
// spool for the lists, and the index of its sample for the lab's
// answers and the ladders, which join records of every kind.
type builder struct {
	tr  i18n.Tr
	opt Options
	src *spool.Spool
	ix  *index
}

// Build makes the document of a run.
func Build(caps []Input, sum *record.Summary, opt Options) *Doc {
	tr := i18n.New(opt.Lang)
	d := &Doc{Lang: tr.Lang(), Title: tr.T("doc.title"), Labels: labels(tr)}
	for _, c := range caps {
		b := &builder{tr: tr, opt: opt, src: c.Records, ix: newIndex(c.Records.Sample().Records())}
		d.Captures = append(d.Captures, b.capture(c.Info))
	}
	if sum != nil {
		d.SummaryTitle = tr.T("summary.title")
		d.Summary = summaryFacts(tr, sum)
		for _, w := range sum.Warnings {
			d.Warnings = append(d.Warnings, wire(tr.Warning(w), maxLong))
		}
	}
	return d
}

// wire makes a value that came from the network safe to show.
func wire(s string, max int) string { return sanitize.String(s, max) }

func (b *builder) capture(info *record.Capture) Capture {
	c := Capture{Title: b.tr.T("capture.untitled")}
	if info != nil {
		c.Title = wire(filepath.Base(info.File), maxLong)
		c.Facts = b.captureFacts(info)
		for _, w := range info.Warnings {
			c.Warnings = append(c.Warnings, wire(b.tr.Warning(w), maxLong))
		}
	}
	c.Warnings = append(c.Warnings, b.sessionWarnings()...)
	c.Sections = []Section{b.sessions(), b.learned(), b.findings(), b.lab()}
	c.Ladders = b.ladders()
	return c
}

// maxSessionWarnings caps the sessions' warnings listed under a
// capture's title; the rest are counted.
const maxSessionWarnings = 100

func (b *builder) sessionWarnings() []string {
	var out []string
	n := 0
	each(b.src, spool.Sessions, func(s *record.Session) bool {
		for _, w := range s.Warnings {
			if n++; n <= maxSessionWarnings {
				out = append(out, wire(b.tr.T("warning.file", "file", s.ID, "text", b.tr.Warning(w)), maxLong))
			}
		}
		return true
	})
	if n > maxSessionWarnings {
		out = append(out, b.tr.T("lab.more", "n", strconv.Itoa(n-maxSessionWarnings)))
	}
	return out
}

// each calls fn with the records of list k as their own type, until it
// returns false.
func each[T record.Record](src *spool.Spool, k spool.Kind, fn func(T) bool) {
	src.Each(k, func(r record.Record) bool { return fn(r.(T)) })
}

// rows are a table's rows, one per record of list k.
func rows[T record.Record](src *spool.Spool, k spool.Kind, row func(T) []Span) iter.Seq[[]Span] {
	return func(yield func([]Span) bool) {
		each(src, k, func(r T) bool { return yield(row(r)) })
	}
}

// lines are a block's lines, those of each record of list k; start is
// called before each reading, for lines that number their records.
func lines[T record.Record](src *spool.Spool, k spool.Kind, start func(), of func(T) []Line) iter.Seq[Line] {
	return func(yield func(Line) bool) {
		if start != nil {
			start()
		}
		each(src, k, func(r T) bool {
			for _, l := range of(r) {
				if !yield(l) {
					return false
				}
			}
			return true
		})
	}
}

func (b *builder) captureFacts(info *record.Capture) []Fact {
	t := b.tr
	format := info.Format
	if format == "" {
		format = "?"
	}
	facts := []Fact{
		{Name: t.T("capture.file"), Value: wire(info.File, maxLong)},
		{Name: t.T("capture.format"), Value: wire(format+" · "+info.LinkType, maxShort)},
		{Name: t.T("capture.packets"), Value: strconv.FormatInt(info.Packets, 10)},
	}
	if !info.First.IsZero() {
		facts = append(facts, Fact{Name: t.T("capture.span"),
			Value: t.T("capture.span.value", "first", stamp(info.First), "last", stamp(info.Last),
				"duration", info.Last.Sub(info.First).Round(time.Millisecond).String())})
	}
	if info.Truncated {
		facts = append(facts, Fact{Name: t.T("capture.truncated"), Value: t.T("capture.truncated.value"), Style: Medium})
	}
	return facts
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000 UTC") }

func summaryFacts(t i18n.Tr, s *record.Summary) []Fact {
	n := func(v int) string { return strconv.Itoa(v) }
	return []Fact{
		{Name: t.T("summary.captures"), Value: n(s.Captures)},
		{Name: t.T("summary.sessions"), Value: n(s.Sessions)},
		{Name: t.T("summary.credentials"), Value: n(s.Credentials), Style: styleIf(s.Credentials > 0, High)},
		{Name: t.T("summary.messages"), Value: n(s.Messages)},
		{Name: t.T("summary.findings"), Value: n(s.Findings)},
	}
}

func styleIf(cond bool, s Style) Style {
	if cond {
		return s
	}
	return Plain
}

// framesText names frame numbers with the right word: "frame 5",
// "frames 5, 6".
func (b *builder) framesText(fs ...int64) string {
	list := frames(fs...)
	if strings.Contains(list, ",") {
		return b.tr.T("frames.many", "list", list)
	}
	return b.tr.T("frames.one", "list", list)
}

// maxFrames caps the frames listed as evidence: the first ones prove
// the point, a thousand would bury it.
const maxFrames = 20

// frames lists frame numbers for the reader: "5, 6", at most maxFrames
// of them then "… +N".
func frames(fs ...int64) string {
	var b strings.Builder
	seen := make(map[int64]bool, len(fs))
	n := 0
	for _, f := range fs {
		if f <= 0 || seen[f] {
			continue
		}
		seen[f] = true
		n++
		if n > maxFrames {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(f, 10))
	}
	if n > maxFrames {
		b.WriteString(", … +" + strconv.Itoa(n-maxFrames))
	}
	return b.String()
}

// bytes writes a size in the reader's units and decimal mark.
func (b *builder) bytes(n int64) string {
	var s string
	switch {
	case n >= 10<<20:
		s = b.tr.T("unit.mib", "n", strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64))
	case n >= 10<<10:
		s = b.tr.T("unit.kib", "n", strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64))
	default:
		return b.tr.T("unit.b", "n", strconv.FormatInt(n, 10))
	}
	if b.tr.Lang() == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func labels(t i18n.Tr) map[string]string {
	m := map[string]string{}
	for _, k := range []string{"label.client", "label.server", "label.cleartext", "label.encrypted",
		"label.tls-boundary", "label.implicit-tls", "label.credential", "label.finding", "label.ladders",
		"label.frame", "label.legend", "label.warnings", "label.generated"} {
		m[k] = t.T(k)
	}
	return m
}
