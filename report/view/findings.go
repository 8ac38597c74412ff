package view

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/findings"
	"github.com/mailwire/mailwire/report/lab"
	"github.com/mailwire/mailwire/report/spool"
)

// findings lists every finding, most severe first, each with its frames.
func (b *builder) findings() Section {
	t := b.tr
	sec := Section{ID: "findings", Title: t.T("findings.title"), Empty: t.T("findings.none")}
	if b.src.FindingCount() == 0 {
		return sec
	}
	sec.Blocks = []Block{{Lines: b.findingsBySeverity}}
	return sec
}

// findingsBySeverity yields the findings most severe first.
func (b *builder) findingsBySeverity(yield func(Line) bool) {
	for rank := record.SeverityHigh.Rank(); rank >= -1; rank-- {
		if !b.findingsOfRank(rank, yield) {
			return
		}
	}
}

// findingsOfRank yields the findings of one severity (their own list in
// the spool, in frame order). It is false when yield stopped.
func (b *builder) findingsOfRank(rank int, yield func(Line) bool) bool {
	ok := true
	each(b.src, spool.Findings(rank), func(f *record.Finding) bool {
		for _, l := range b.findingLines(f) {
			if ok = yield(l); !ok {
				break
			}
		}
		return ok
	})
	return ok
}

func (b *builder) findingLines(f *record.Finding) []Line {
	t := b.tr
	sev := severityStyle(f.Severity)
	title, detail := b.findingText(f)
	lines := []Line{{Spans: []Span{
		{Text: strings.ToUpper(t.T("severity." + string(sevKey(f.Severity)))), Style: sev},
		{Text: " " + title, Style: Strong},
		{Text: " [" + wire(string(f.ID), maxShort) + "]", Style: Dim},
	}}}
	if detail != "" {
		lines = append(lines, Line{Indent: 1, Spans: []Span{{Text: detail}}})
	}
	var where []string
	if f.Session != "" {
		where = append(where, t.T("finding.session", "session", wire(f.Session, maxShort)))
	}
	fr := f.Frames
	if len(fr) == 0 && f.Packet > 0 {
		fr = []int64{f.Packet}
	}
	if len(fr) > 0 {
		where = append(where, b.framesText(fr...))
	}
	if f.Lab != "" {
		where = append(where, t.T("finding.lab", "lab", wire(f.Lab, 12)))
	}
	if len(where) > 0 {
		lines = append(lines, Line{Indent: 1, Spans: []Span{{Text: strings.Join(where, " · "), Style: Dim}}})
	}
	return lines
}

// findingText translates a finding by id with its Args. A finding the
// catalogue does not know, or whose Args do not fill the sentence, keeps
// the English title and detail of its record. In English, a generic
// catalogue title gives way to the record's own, more specific one.
func (b *builder) findingText(f *record.Finding) (title, detail string) {
	if lab.HasReasons(f.Args) {
		return findings.Text(b.tr, f.ID, f.Args, func(v string) string { return wire(v, maxShort) })
	}
	args := map[string]string{}
	for k, v := range f.Args {
		args[k] = wire(v, maxShort)
	}
	if u, ok := args["user"]; ok && u == "" {
		args["user"] = b.tr.T("user.unknown")
	}
	if s, ok := args["subject"]; ok && s == "" {
		args["subject"] = b.tr.T("message.no-subject")
	}
	if v, ok := args["verified"]; ok && f.ID == record.FindingSMIMESigned {
		args["verified"] = b.tr.T("smime.unverified")
		if v == "true" || v == "false" {
			args["verified"] = b.tr.T("smime.verified." + v)
		}
	}
	if d, ok := args["direction"]; ok {
		args["direction"] = b.tr.T("direction." + directionKey(d))
	}
	args = b.tr.FindingArgs(args)
	base := b.tr.FindingKey(f)
	title, ok := b.tr.Fill(base+".title", args)
	generic := ok && !strings.Contains(b.tr.T(base+".title"), "{")
	if !ok || (generic && b.tr.Lang() == "en" && f.Title != "") {
		title = wire(f.Title, maxLong)
	}
	if title == "" {
		title = wire(string(f.ID), maxShort)
	}
	detailKey := base + ".detail"
	if args["recoverable"] == "false" && b.tr.Has(detailKey+".challenge") {
		detailKey += ".challenge"
	}
	detail, ok = b.tr.Fill(detailKey, args)
	if !ok {
		detail = wire(f.Detail, 2*maxLong)
	}
	return title, detail
}

func sevKey(s record.Severity) record.Severity {
	if !s.Valid() {
		return record.SeverityInfo
	}
	return s
}

func severityStyle(s record.Severity) Style {
	switch s {
	case record.SeverityHigh:
		return High
	case record.SeverityMedium:
		return Medium
	case record.SeverityLow:
		return Low
	}
	return Info
}
