// Package report turns the records of one or more captures into what a
// student or a teacher reads: a text report for the terminal, markdown for
// a lab report, and a self-contained HTML page. All three show the same
// content, built once by package view from the records; they never look
// at wire bytes.
package report

import (
	"io"
	"os"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/findings"
	"github.com/mailwire/mailwire/report/html"
	"github.com/mailwire/mailwire/report/markdown"
	"github.com/mailwire/mailwire/report/sanitize"
	"github.com/mailwire/mailwire/report/spool"
	"github.com/mailwire/mailwire/report/text"
	"github.com/mailwire/mailwire/report/view"
)

// Options choose how a report looks.
type Options struct {
	Lang   string // "en" or "fr"
	Color  bool   // ANSI colours in the text report
	Reveal bool   // print passwords and hashes when the records hold them
	Width  int    // terminal width for the text report; 0 means 100
}

// Capture is one capture file's records, spooled in output order.
type Capture struct {
	Info    *record.Capture
	Records *spool.Spool
}

// Held is a capture whose records are already in memory.
func Held(info *record.Capture, recs []record.Record) Capture {
	return Capture{Info: info, Records: spool.Of(recs)}
}

// Derive returns the findings that need more than one record. The caller
// appends them to the records before any output, JSON included.
func Derive(recs []record.Record) []*record.Finding { return findings.Derive(recs) }

// WriteText writes the terminal report.
func WriteText(w io.Writer, caps []Capture, sum *record.Summary, opt Options) error {
	return text.Write(w, build(caps, sum, opt), text.Options{Color: opt.Color, Width: opt.Width})
}

// WriteMarkdown writes the report as markdown, for pasting into a lab report.
func WriteMarkdown(w io.Writer, caps []Capture, sum *record.Summary, opt Options) error {
	return markdown.Write(w, build(caps, sum, opt))
}

// WriteHTML writes the report as one self-contained HTML page.
func WriteHTML(w io.Writer, caps []Capture, sum *record.Summary, opt Options) error {
	return html.Write(w, build(caps, sum, opt))
}

func build(caps []Capture, sum *record.Summary, opt Options) *view.Doc {
	in := make([]view.Input, len(caps))
	for i, c := range caps {
		in[i] = view.Input{Info: c.Info, Records: c.Records}
	}
	return view.Build(in, sum, view.Options{Lang: opt.Lang, Reveal: opt.Reveal})
}

// LangFromEnv picks the report language as gettext does: LANGUAGE, a
// list such as "fr:en" whose first language we have wins (English when it
// names none), unless the locale is explicitly C or POSIX; otherwise the
// locale of LC_ALL, LC_MESSAGES or LANG, the first one set. "fr" for
// French, else "en".
func LangFromEnv() string {
	locale := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = os.Getenv(v); locale != "" {
			break
		}
	}
	if list := os.Getenv("LANGUAGE"); list != "" && locale != "C" && locale != "POSIX" {
		for _, l := range strings.Split(list, ":") {
			if lang := strings.ToLower(l); strings.HasPrefix(lang, "fr") || strings.HasPrefix(lang, "en") {
				return langOf(lang)
			}
		}
		return "en"
	}
	return langOf(locale)
}

func langOf(locale string) string {
	if strings.HasPrefix(strings.ToLower(locale), "fr") {
		return "fr"
	}
	return "en"
}

// Sanitize makes s safe to print: no escape sequences, no control
// characters, no bidirectional overrides, valid UTF-8, at most max runes
// (cut with "…"; max <= 0 means no limit).
func Sanitize(s string, max int) string { return sanitize.String(s, max) }
