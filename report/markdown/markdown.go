// Package markdown lays a report out as GitHub-flavoured markdown, for
// pasting into a lab report. Every value is escaped so that text from the
// wire stays text: no link, no HTML, no broken table.
package markdown

import (
	"bufio"
	"io"
	"strings"

	"github.com/mailwire/mailwire/report/view"
)

// Write lays out d on w.
func Write(w io.Writer, d *view.Doc) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# " + esc(d.Title) + "\n\n")
	for _, c := range d.Captures {
		capture(bw, c, d.Labels)
	}
	if len(d.Summary) > 0 {
		bw.WriteString("## " + esc(d.SummaryTitle) + "\n\n")
		facts(bw, d.Summary)
		for _, wn := range d.Warnings {
			bw.WriteString("- ⚠ " + esc(wn) + "\n")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("_" + esc(d.Labels["label.generated"]) + "_\n")
	return bw.Flush()
}

func capture(w *bufio.Writer, c view.Capture, labels map[string]string) {
	w.WriteString("## " + esc(c.Title) + "\n\n")
	facts(w, c.Facts)
	if len(c.Warnings) > 0 {
		w.WriteString("**" + esc(labels["label.warnings"]) + "**\n\n")
		for _, wn := range c.Warnings {
			w.WriteString("- ⚠ " + esc(wn) + "\n")
		}
		w.WriteString("\n")
	}
	for _, s := range c.Sections {
		w.WriteString("### " + esc(s.Title) + "\n\n")
		if len(s.Blocks) == 0 {
			w.WriteString("_" + esc(s.Empty) + "_\n\n")
		}
		for _, b := range s.Blocks {
			block(w, b)
		}
	}
}

func facts(w *bufio.Writer, fs []view.Fact) {
	for _, f := range fs {
		w.WriteString("- **" + esc(f.Name) + "**: " + esc(f.Value) + "\n")
	}
	w.WriteString("\n")
}

func block(w *bufio.Writer, b view.Block) {
	if b.Title != "" {
		w.WriteString("#### " + esc(b.Title) + "\n\n")
	}
	if t := b.Table; t != nil && t.Rows != nil {
		w.WriteString("|")
		for _, h := range t.Head {
			w.WriteString(" " + esc(h) + " |")
		}
		w.WriteString("\n|" + strings.Repeat(" --- |", len(t.Head)) + "\n")
		for row := range t.Rows {
			w.WriteString("|")
			for _, c := range row {
				w.WriteString(" " + span(c) + " |")
			}
			w.WriteString("\n")
		}
		w.WriteString("\n")
	}
	if b.Lines == nil {
		return
	}
	any := false
	for l := range b.Lines {
		any = true
		w.WriteString(strings.Repeat("  ", l.Indent) + "- ")
		for _, sp := range l.Spans {
			w.WriteString(span(sp))
		}
		w.WriteString("\n")
	}
	if any {
		w.WriteString("\n")
	}
}

// span renders one styled piece; code spans use a fence longer than any
// backtick run inside, the rest is escaped.
func span(s view.Span) string {
	if s.Text == "" {
		return ""
	}
	lead, body, trail := splitSpace(s.Text)
	if body == "" {
		return s.Text
	}
	switch s.Style {
	case view.Code:
		return lead + code(body) + trail
	case view.Strong, view.High, view.Secret:
		return lead + "**" + esc(body) + "**" + trail
	case view.Dim:
		return lead + "_" + esc(body) + "_" + trail
	}
	return lead + esc(body) + trail
}

// splitSpace keeps the spaces around a span outside its emphasis markers,
// where markdown requires them.
func splitSpace(s string) (lead, body, trail string) {
	body = strings.TrimLeft(s, " ")
	lead = s[:len(s)-len(body)]
	t := strings.TrimRight(body, " ")
	return lead, t, body[len(t):]
}

func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// esc makes s inert markdown: every punctuation mark that could start
// emphasis, code, a link, HTML, an entity or a table cell is
// backslash-escaped. Parentheses and "!" need no escape once the
// brackets of a link or image are escaped; values never start a line.
func esc(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '{', '}', '[', ']', '#', '|', '<', '>', '~', '&':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
