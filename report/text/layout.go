package text

import (
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/mailwire/mailwire/report/view"
)

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func pad(s string, w int) string {
	if n := runeLen(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// table prints t with columns as wide as their widest cell, narrowed
// (widest column first) until the table fits the width; cells that no
// longer fit wrap onto more lines inside their column. The rows are read
// once: the widths are those of the first widthRows rows, and a wider
// cell further down a long table wraps inside its column.
func (tw *writer) table(t *view.Table) {
	widths := make([]int, len(t.Head))
	for i, h := range t.Head {
		widths[i] = runeLen(h)
	}
	var first [][]view.Span
	laid := false
	lay := func() {
		laid = true
		for _, row := range first {
			for i, c := range row {
				if i < len(widths) {
					widths[i] = max(widths[i], runeLen(c.Text))
				}
			}
		}
		fit(widths, tw.width-2-2*(len(widths)-1))
		head := make([]view.Span, len(t.Head))
		for i, h := range t.Head {
			head[i] = view.Span{Text: h, Style: view.Dim}
		}
		tw.row(head, widths)
		for _, row := range first {
			tw.row(row, widths)
		}
		first = nil
	}
	for row := range rows(t) {
		if laid {
			tw.row(row, widths)
			continue
		}
		if first = append(first, row); len(first) == widthRows {
			lay()
		}
	}
	if !laid {
		lay()
	}
}

// widthRows is how many rows give a table its column widths.
const widthRows = 1000

// rows are t's rows; none when it has no way to make them.
func rows(t *view.Table) iter.Seq[[]view.Span] {
	if t.Rows == nil {
		return func(func([]view.Span) bool) {}
	}
	return t.Rows
}

// row prints one table row, as many lines high as its tallest cell.
func (tw *writer) row(cells []view.Span, widths []int) {
	cols := make([][]string, len(widths))
	height := 1
	for i := range widths {
		if i < len(cells) {
			cols[i] = wrapText(cells[i].Text, widths[i])
		}
		height = max(height, len(cols[i]))
	}
	for y := 0; y < height; y++ {
		var b strings.Builder
		b.WriteString(" ")
		for i, w := range widths {
			part := ""
			if y < len(cols[i]) {
				part = cols[i][y]
			}
			b.WriteString(" " + tw.paint(part, cells[min(i, len(cells)-1)].Style) + strings.Repeat(" ", w-runeLen(part)) + " ")
		}
		tw.w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
}

// fit narrows the widest columns until their sum is at most total; no
// column goes below 8 runes.
func fit(widths []int, total int) {
	for sum(widths) > total {
		i := widest(widths)
		if widths[i] <= 8 {
			return
		}
		widths[i]--
	}
}

func sum(ws []int) int {
	n := 0
	for _, w := range ws {
		n += w
	}
	return n
}

func widest(ws []int) int {
	j := 0
	for i, w := range ws {
		if w > ws[j] {
			j = i
		}
	}
	return j
}

// wrapText splits s into lines of at most w runes, at spaces when it can
// and inside a word when a word is longer than w.
func wrapText(s string, w int) []string {
	if runeLen(s) <= w {
		return []string{s}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for runeLen(word) > w {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(word)
			lines, word = append(lines, string(r[:w])), string(r[w:])
		}
		switch {
		case line == "":
			line = word
		case runeLen(line)+1+runeLen(word) <= w:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// word is a piece of a wrapped line: space says a space comes before it.
type word struct {
	text  string
	style view.Style
	space bool
}

// words splits spans at spaces, remembering where spaces were, also at
// the joints between spans.
func words(spans []view.Span) []word {
	var out []word
	space := false
	for _, sp := range spans {
		for i, f := range strings.Split(sp.Text, " ") {
			if i > 0 {
				space = true
			}
			if f == "" {
				continue
			}
			out = append(out, word{f, sp.Style, space && len(out) > 0})
			space = false
		}
	}
	return out
}

// wrapped prints spans as words filled up to the width; the first line
// starts with first, continuation lines with indent spaces. Words of one
// style are painted as one run, so colours cost one escape pair per run.
func (tw *writer) wrapped(indent int, first string, spans []view.Span) {
	var b, run strings.Builder
	var style view.Style
	flush := func() {
		b.WriteString(tw.paint(run.String(), style))
		run.Reset()
	}
	b.WriteString(first)
	col := runeLen(first)
	for i, w := range words(spans) {
		n := runeLen(w.text)
		if w.space {
			n++
		}
		if w.style != style {
			flush()
			style = w.style
		}
		if i > 0 && col+n > tw.width && col > indent {
			flush()
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col, n = indent, runeLen(w.text)
		} else if w.space {
			run.WriteString(" ")
		}
		run.WriteString(w.text)
		col += n
	}
	flush()
	tw.w.WriteString(b.String() + "\n")
}
