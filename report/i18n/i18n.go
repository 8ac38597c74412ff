// Package i18n holds the catalogues of every sentence the report prints,
// one per language, keyed by message id: en.go and fr.go for the report
// itself, dissect_en.go and dissect_fr.go for the findings dissectors
// raise about refused DATA and proxy tunnels, cert_en.go and cert_fr.go
// for `mailwire cert`, S/MIME decryption and the certificate questions,
// warnings_en.go and warnings_fr.go for the warnings the dissectors, the
// reassembly and the capture reader raise by id.
// Placeholders are {name}, filled from named arguments so that each
// language may order them freely.
package i18n

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// Langs are the languages with a catalogue.
var Langs = []string{"en", "fr"}

var catalogues = map[string]map[string]string{
	"en": merge(en, warningsEN, certEN, dissectEN, gradeEN),
	"fr": withNoBreakSpaces(merge(fr, warningsFR, certFR, dissectFR, gradeFR)),
}

// merge joins the parts of one language's catalogue.
func merge(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

// frenchSpacing binds the space French typography puts before : ; ? ! »
// and after « to its neighbour, so that wrapping never starts a line
// with a colon.
var frenchSpacing = strings.NewReplacer(" :", "\u00a0:", " ;", "\u00a0;", " ?", "\u00a0?", " !", "\u00a0!",
	" »", "\u00a0»", "« ", "«\u00a0")

func withNoBreakSpaces(cat map[string]string) map[string]string {
	out := make(map[string]string, len(cat))
	for k, v := range cat {
		out[k] = frenchSpacing.Replace(v)
	}
	return out
}

// Typeset gives a text written outside the catalogue (a rubric's own
// French) the typography of t's language, as the catalogue has it.
func (t Tr) Typeset(s string) string {
	if t.lang == "fr" {
		return frenchSpacing.Replace(s)
	}
	return s
}

// Tr translates message ids for one language.
type Tr struct {
	lang string
	cat  map[string]string
}

// New returns the translator for lang, English when lang is unknown.
func New(lang string) Tr {
	cat, ok := catalogues[lang]
	if !ok {
		lang, cat = "en", catalogues["en"]
	}
	return Tr{lang, cat}
}

// Lang is the language of t.
func (t Tr) Lang() string { return t.lang }

// Has reports whether the catalogue holds key.
func (t Tr) Has(key string) bool { _, ok := t.cat[key]; return ok }

// T returns the text of key with its {name} placeholders replaced by the
// values that follow each name in kv. A missing key returns the key itself
// (a test makes sure none is missing).
func (t Tr) T(key string, kv ...string) string {
	s, ok := t.cat[key]
	if !ok {
		return key
	}
	return fill(s, kv)
}

// Fill replaces placeholders from args; ok is false when the key is
// missing or one of its placeholders has no value, so that the caller can
// fall back to another text.
func (t Tr) Fill(key string, args map[string]string) (string, bool) {
	s, ok := t.cat[key]
	if !ok {
		return "", false
	}
	out, complete := expand(s, func(name string) (string, bool) {
		v, ok := args[name]
		return v, ok
	})
	return out, complete
}

func fill(s string, kv []string) string {
	out, _ := expand(s, func(name string) (string, bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == name {
				return kv[i+1], true
			}
		}
		return "", false
	})
	return out
}

// expand replaces each {name} of s in one pass, so that a value holding
// braces (a subject from the wire) is never expanded again. complete is
// false when a name had no value; it is then left as is.
func expand(s string, value func(string) (string, bool)) (out string, complete bool) {
	if !strings.Contains(s, "{") {
		return s, true
	}
	var b strings.Builder
	complete = true
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(s)
			return b.String(), complete
		}
		name := s[i+1 : i+1+j]
		b.WriteString(s[:i])
		if v, ok := value(name); ok {
			b.WriteString(v)
		} else {
			complete = false
			b.WriteString(s[i : i+j+2])
		}
		s = s[i+j+2:]
	}
}

// Keys lists the keys of lang's catalogue.
func Keys(lang string) []string {
	var keys []string
	for k := range catalogues[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Warning says a warning in t's language, after the capture's name and
// the frame when it has them: "frame 12: 51 client bytes missing inside a
// message". A warning the catalogue cannot say whole is shown by id and
// arguments rather than half-filled.
func (t Tr) Warning(w record.Warning) string {
	args := w.Args
	if d, ok := args["dir"]; ok && t.Has("warning.dir."+d) {
		// The side of a conversation is a word of the sentence.
		args = merge(args, map[string]string{"dir": t.T("warning.dir." + d)})
	}
	text, ok := t.Fill("warning."+string(w.ID), args)
	if !ok {
		text = record.Warning{ID: w.ID, Args: w.Args}.String()
	}
	if w.Frame > 0 {
		text = t.T("warning.frame", "frame", strconv.FormatInt(w.Frame, 10), "text", text)
	}
	if w.File != "" {
		text = t.T("warning.file", "file", w.File, "text", text)
	}
	return text
}
