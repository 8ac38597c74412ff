package view

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/certreport"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/lab"
	"github.com/mailwire/mailwire/report/spool"
)

// QuestionIDs lists the lab questions the report answers.
func QuestionIDs() []string { return lab.Questions() }

// LabAnswer is what the report says about one lab question, as plain
// text, for tests and graders that check it against the capture.
type LabAnswer struct {
	ID      string
	Found   bool
	Lines   []string
	Frames  []int64
	Filters []string
}

// LabAnswers answers every lab question from one capture's records.
func LabAnswers(recs []record.Record, lang string) []LabAnswer {
	b := &builder{tr: i18n.New(lang)}
	ids := lab.Questions()
	out := make([]LabAnswer, len(ids))
	for i, a := range lab.Answers(recs) {
		out[i].ID = ids[i]
		if a == nil {
			continue
		}
		out[i].Found, out[i].Frames, out[i].Filters = true, a.Frames, a.Filters
		for _, l := range b.answerLines(a) {
			var text strings.Builder
			for _, sp := range l.Spans {
				text.WriteString(sp.Text)
			}
			out[i].Lines = append(out[i].Lines, text.String())
		}
	}
	return out
}

// lab answers each question from the capture's evidence, or says what
// is missing and how to capture it.
func (b *builder) lab() Section {
	t := b.tr
	sec := Section{ID: "lab", Title: t.T("lab.title")}
	var found, missing []Line
	ids := lab.Questions()
	for i, a := range lab.Answers(b.ix.recs) {
		id := ids[i]
		head := []Span{{Text: id, Style: Strong}, {Text: " " + t.T("lab."+id+".q"), Style: Strong}}
		if a == nil {
			missing = append(missing, Line{Spans: []Span{{Text: id, Style: Strong},
				{Text: " " + t.T("lab."+id+".q")}}},
				Line{Indent: 1, Spans: []Span{{Text: t.T("lab." + id + ".missing"), Style: Dim}}})
			continue
		}
		found = append(found, Line{Spans: head})
		found = append(found, b.capLines(b.answerLines(a))...)
		found = append(found, b.evidenceLines(a)...)
	}
	if len(found) > 0 {
		sec.Blocks = append(sec.Blocks, Block{Title: t.T("lab.answered"), Lines: LinesOf(found)})
	}
	if len(missing) > 0 {
		sec.Blocks = append(sec.Blocks, Block{Title: t.T("lab.missing"), Lines: LinesOf(missing)})
	}
	if note := b.sampleNote(); note != nil {
		sec.Blocks = append([]Block{{Lines: LinesOf(note)}}, sec.Blocks...)
	}
	return sec
}

// sampleNote says when the answers (and the ladders) come from the
// first sessions only: the spool samples a big capture.
func (b *builder) sampleNote() []Line {
	var out []Line
	if n := b.src.Sample().Unsampled(); n > 0 {
		out = append(out, Line{Spans: []Span{{Text: b.tr.T("lab.sampled",
			"sessions", strconv.Itoa(b.src.Count(spool.Sessions)-n), "more", strconv.Itoa(n)), Style: Dim}}})
	}
	if b.src.Sample().Clipped() {
		out = append(out, Line{Spans: []Span{{Text: b.tr.T("lab.clipped"), Style: Dim}}})
	}
	return out
}

// maxAnswerLines caps an answer drawn from a busy capture: the first
// sessions answer the question, the rest is counted.
const maxAnswerLines = 12

func (b *builder) capLines(lines []Line) []Line {
	if len(lines) <= maxAnswerLines {
		return lines
	}
	more := Line{Indent: 1, Spans: []Span{{Text: b.tr.T("lab.more", "n", strconv.Itoa(len(lines)-maxAnswerLines+1)), Style: Dim}}}
	return append(lines[:maxAnswerLines-1:maxAnswerLines-1], more)
}

func (b *builder) evidenceLines(a *lab.Answer) []Line {
	t := b.tr
	var out []Line
	if frames(a.Frames...) != "" {
		out = append(out, Line{Indent: 1, Spans: []Span{{Text: t.T("lab.evidence", "frames", b.framesText(a.Frames...)), Style: Dim}}})
	}
	for _, f := range a.Filters {
		out = append(out, Line{Indent: 1, Spans: []Span{{Text: t.T("lab.filter") + " "}, {Text: f, Style: Code}}})
	}
	return out
}

// answerLines writes an answer's sentences in the reader's language.
func (b *builder) answerLines(a *lab.Answer) []Line {
	var out []Line
	for _, s := range a.Lines {
		switch s.Kind {
		case lab.KindNote:
			out = append(out, Line{Indent: 1, Spans: []Span{{Text: b.tr.T("lab.note") + " ", Style: Strong},
				{Text: b.sentence(s)}}})
		case lab.KindReason:
			out = append(out, Line{Indent: 2, Spans: []Span{{Text: b.sentence(s)}}})
		case lab.KindCertUses:
			out = append(out, Line{Indent: 1, Spans: []Span{{Text: certreport.UsesSentence(b.tr, s.KeyUsage, s.ExtKeyUsage, false)}}})
		default:
			out = append(out, Line{Indent: 1, Spans: []Span{{Text: b.sentence(s)}}})
		}
	}
	return out
}

// sentence translates one sentence of an answer and its arguments.
func (b *builder) sentence(s lab.Sentence) string {
	if s.Key == "" {
		return s.Text
	}
	args := map[string]string{}
	var kv []string
	for _, a := range s.Args {
		v := b.argText(a)
		args[a.Name] = v
		kv = append(kv, a.Name, v)
	}
	if s.Kind != lab.KindReason {
		return b.tr.T(s.Key, kv...)
	}
	// A reason the catalogue cannot word is named by its id.
	if text, ok := b.tr.Fill(s.Key, args); ok {
		return text
	}
	return s.Text
}

func (b *builder) argText(a lab.Arg) string {
	switch {
	case a.IsSize:
		return b.bytes(a.Size)
	case a.Sentences != nil:
		parts := make([]string, len(a.Sentences))
		for i, s := range a.Sentences {
			parts[i] = b.sentence(s)
		}
		return strings.Join(parts, a.Sep)
	}
	return a.Value
}
