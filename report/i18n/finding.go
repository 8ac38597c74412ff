package i18n

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// Finding sentences are keyed "finding.<id>.title" and ".detail"; a
// finding whose Args name a variant ("variant": "smtp") is said by
// "finding.<id>.<variant>.*" when the catalogue has it, so that one id
// raised in several situations keeps a sentence for each. An argument
// whose value is a word of the catalogue ("finding.arg.<name>.<value>")
// is said in the language too: the dissectors give ids, never English.

// FindingKey is the catalogue key of f's sentences, without ".title" or
// ".detail".
func (t Tr) FindingKey(f *record.Finding) string {
	key := "finding." + string(f.ID)
	if v := f.Args["variant"]; v != "" && t.Has(key+"."+v+".title") {
		key += "." + v
	}
	return key
}

// FindingArgs returns args with each value that is a word of the
// catalogue said in t's language; args is not changed. A list argument
// (one with a separator "finding.list.<name>") holds words separated by
// commas, each said by "finding.word.<word>" filled from the other
// arguments, a word's own words said first.
func (t Tr) FindingArgs(args map[string]string) map[string]string {
	out := make(map[string]string, len(args))
	for k, v := range args {
		if w := "finding.arg." + k + "." + v; t.Has(w) {
			v = t.T(w)
		}
		out[k] = v
	}
	// Twice, so that a word may hold a list said in the first pass (a
	// reason naming the weaknesses of a cipher).
	for range 2 {
		said := make(map[string]string, len(out))
		for k, v := range out {
			said[k] = v
		}
		for k, v := range args {
			if t.Has("finding.list." + k) {
				said[k] = t.list(k, v, out)
			}
		}
		out = said
	}
	return out
}

// list says the comma-separated words of a list argument.
func (t Tr) list(name, words string, args map[string]string) string {
	var said []string
	for _, w := range strings.Split(words, ",") {
		text, ok := t.Fill("finding.word."+w, args)
		if !ok && !t.Has("finding.word."+w) {
			text = w // a value from the wire, or a word the catalogue lacks
		}
		said = append(said, text)
	}
	return strings.Join(said, t.T("finding.list."+name))
}

// FindingText is f's title and detail in t's language, filled from its
// Args; ok is false when the catalogue cannot say the title whole.
func (t Tr) FindingText(f *record.Finding) (title, detail string, ok bool) {
	key := t.FindingKey(f)
	args := t.FindingArgs(f.Args)
	title, ok = t.Fill(key+".title", args)
	if d, dok := t.Fill(key+".detail", args); dok {
		detail = d
	}
	return title, detail, ok
}

// RenderEnglish fills what the JSON contract writes as English sentences
// and the record leaves to the catalogue: the text of each warning, and
// the title and detail of a finding raised by id.
func RenderEnglish(r record.Record) {
	en := New("en")
	record.WarningLists(r, func(ws []record.Warning) {
		for i := range ws {
			if ws[i].Text == "" {
				ws[i].Text = en.Warning(ws[i])
			}
		}
	})
	if f, ok := r.(*record.Finding); ok && f.Title == "" {
		if title, detail, ok := en.FindingText(f); ok {
			f.Title, f.Detail = title, detail
		}
	}
}
