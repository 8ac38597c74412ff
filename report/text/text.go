// Package text lays a report out for a terminal: aligned tables, wrapped
// paragraphs, and ANSI colours only when asked.
package text

import (
	"bufio"
	"io"
	"iter"
	"strings"

	"github.com/fatih/color"

	"github.com/mailwire/mailwire/report/view"
)

// Options of the layout.
type Options struct {
	Color bool
	Width int // columns; 0 means 100
}

type writer struct {
	w      *bufio.Writer
	width  int
	colors map[view.Style]*color.Color
}

// Write lays out d on w.
func Write(w io.Writer, d *view.Doc, opt Options) error {
	tw := &writer{w: bufio.NewWriter(w), width: opt.Width}
	if tw.width <= 0 {
		tw.width = 100
	}
	tw.width = max(tw.width, 40)
	if opt.Color {
		tw.colors = palette()
	}
	tw.doc(d)
	return tw.w.Flush()
}

// palette maps styles to colours; EnableColor forces them on because the
// caller already decided (flags, NO_COLOR, isatty).
func palette() map[view.Style]*color.Color {
	m := map[view.Style]*color.Color{
		view.High:      color.New(color.FgRed, color.Bold),
		view.Medium:    color.New(color.FgYellow, color.Bold),
		view.Low:       color.New(color.FgCyan),
		view.Strong:    color.New(color.Bold),
		view.Code:      color.New(color.FgBlue),
		view.Secret:    color.New(color.FgMagenta),
		view.Dim:       color.New(color.Faint),
		view.Clear:     color.New(color.FgRed),
		view.Encrypted: color.New(color.FgGreen),
	}
	for _, c := range m {
		c.EnableColor()
	}
	return m
}

func (tw *writer) paint(s string, st view.Style) string {
	if c := tw.colors[st]; c != nil && s != "" {
		return c.Sprint(s)
	}
	return s
}

func (tw *writer) doc(d *view.Doc) {
	tw.heading(d.Title, "═", view.Strong)
	for _, c := range d.Captures {
		tw.capture(c)
	}
	if len(d.Summary) > 0 {
		tw.heading(d.SummaryTitle, "─", view.Strong)
		tw.facts(d.Summary)
		tw.warnings(d.Warnings)
	}
}

func (tw *writer) heading(title, rule string, st view.Style) {
	tw.w.WriteString(tw.paint(title, st) + "\n")
	tw.w.WriteString(strings.Repeat(rule, min(runeLen(title), tw.width)) + "\n\n")
}

func (tw *writer) capture(c view.Capture) {
	tw.w.WriteString(tw.paint("▌ "+c.Title, view.Strong) + "\n")
	tw.facts(c.Facts)
	tw.warnings(c.Warnings)
	tw.w.WriteString("\n")
	for _, s := range c.Sections {
		tw.section(s)
	}
}

func (tw *writer) facts(fs []view.Fact) {
	w := 0
	for _, f := range fs {
		w = max(w, runeLen(f.Name))
	}
	for _, f := range fs {
		tw.w.WriteString("  " + pad(f.Name, w) + "  " + tw.paint(f.Value, f.Style) + "\n")
	}
}

func (tw *writer) warnings(ws []string) {
	for _, w := range ws {
		tw.wrapped(4, "  ! ", []view.Span{{Text: w, Style: view.Medium}})
	}
}

// lines are b's lines; none when it has none.
func lines(b view.Block) iter.Seq[view.Line] {
	if b.Lines == nil {
		return func(func(view.Line) bool) {}
	}
	return b.Lines
}

func (tw *writer) section(s view.Section) {
	tw.heading(s.Title, "─", view.Strong)
	if len(s.Blocks) == 0 {
		tw.w.WriteString("  " + tw.paint(s.Empty, view.Dim) + "\n\n")
		return
	}
	for _, b := range s.Blocks {
		if b.Title != "" {
			tw.w.WriteString("  " + tw.paint(b.Title, view.Strong) + "\n")
		}
		if b.Table != nil {
			tw.table(b.Table)
		}
		for l := range lines(b) {
			// Continuation lines hang under the text, past an item's lead.
			tw.wrapped(2+4*max(l.Indent, 1), strings.Repeat(" ", 2+4*l.Indent), l.Spans)
		}
		tw.w.WriteString("\n")
	}
}
