package view

import (
	"sort"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/lab"
	"strconv"
	"strings"
)

// answer is what the capture shows about one lab question.
type answer struct {
	lines   []Line // already translated and sanitized
	frames  []int64
	filters []string
}

// question is one question of the lab sheet (tp4-messagerie) with the
// function that looks for its evidence in the capture; nil when absent.
type question struct {
	id   string
	find func(b *builder) *answer
}

// finders maps each question the report answers (lab.Questions, in the
// sheet's order) to the function that looks for its evidence.
var finders = map[string]func(b *builder) *answer{
	"1.1.2":   (*builder).labLogin,
	"1.1.3":   (*builder).labSelect,
	"1.1.4":   (*builder).labFetch,
	"1.1.5":   (*builder).labDeleted,
	"1.1.6":   (*builder).labArchive,
	"1.1.7":   (*builder).labLogout,
	"1.2.1":   (*builder).labMX,
	"1.2.2":   (*builder).labPorts,
	"1.2.5":   (*builder).labForgery,
	"1.2.6":   (*builder).labSMTPClear,
	"1.2.7":   (*builder).labStartTLS,
	"1.2.8":   (*builder).labStartTLSFailure,
	"1.2.9":   (*builder).labGIF,
	"1.3.1.5": (*builder).labCertificate,
	"1.3.2.4": (*builder).labSigned,
	"1.3.2.5": (*builder).labEncryptedSent,
	"1.3.2.6": (*builder).labClientReads,
	"1.3.2.7": (*builder).labWebmail,
}

// questions are the lab's questions with their finders, in order.
var questions = func() []question {
	var out []question
	for _, id := range lab.Questions() {
		out = append(out, question{id, finders[id]})
	}
	return out
}()

// QuestionIDs lists the lab questions the report answers.
func QuestionIDs() []string {
	ids := make([]string, len(questions))
	for i, q := range questions {
		ids[i] = q.id
	}
	return ids
}

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
	b := &builder{tr: i18n.New(lang), ix: newIndex(recs)}
	out := make([]LabAnswer, len(questions))
	for i, q := range questions {
		out[i].ID = q.id
		a := b.findAnswer(q)
		if a == nil {
			continue
		}
		out[i].Found, out[i].Frames, out[i].Filters = true, a.frames, a.filters
		for _, l := range a.lines {
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
	for _, q := range questions {
		head := []Span{{Text: q.id, Style: Strong}, {Text: " " + t.T("lab."+q.id+".q"), Style: Strong}}
		a := b.findAnswer(q)
		if a == nil {
			missing = append(missing, Line{Spans: []Span{{Text: q.id, Style: Strong},
				{Text: " " + t.T("lab."+q.id+".q")}}},
				Line{Indent: 1, Spans: []Span{{Text: t.T("lab." + q.id + ".missing"), Style: Dim}}})
			continue
		}
		found = append(found, Line{Spans: head})
		found = append(found, b.capLines(a.lines)...)
		found = append(found, b.evidenceLines(a)...)
	}
	if len(found) > 0 {
		sec.Blocks = append(sec.Blocks, Block{Title: t.T("lab.answered"), Lines: found})
	}
	if len(missing) > 0 {
		sec.Blocks = append(sec.Blocks, Block{Title: t.T("lab.missing"), Lines: missing})
	}
	return sec
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

func (b *builder) evidenceLines(a *answer) []Line {
	t := b.tr
	var out []Line
	sort.Slice(a.frames, func(i, j int) bool { return a.frames[i] < a.frames[j] })
	if frames(a.frames...) != "" {
		out = append(out, Line{Indent: 1, Spans: []Span{{Text: t.T("lab.evidence", "frames", b.framesText(a.frames...)), Style: Dim}}})
	}
	for _, f := range a.filters {
		out = append(out, Line{Indent: 1, Spans: []Span{{Text: t.T("lab.filter") + " "}, {Text: f, Style: Code}}})
	}
	return out
}

// say adds one translated line of answer.
func (a *answer) say(b *builder, key string, kv ...string) {
	a.lines = append(a.lines, Line{Indent: 1, Spans: []Span{{Text: b.tr.T(key, kv...)}}})
}

// note adds a nuance students trip on, set apart from the answer.
func (a *answer) note(b *builder, key string, kv ...string) {
	a.lines = append(a.lines, Line{Indent: 1, Spans: []Span{{Text: b.tr.T("lab.note") + " ", Style: Strong},
		{Text: b.tr.T(key, kv...)}}})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
