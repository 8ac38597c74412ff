// Package view builds, once, the content of a report from the records:
// translated, sanitized, ordered. The text, markdown and HTML renderers
// only lay this document out; none of them decides what to say.
package view

import (
	"iter"
	"slices"

	"github.com/mailwire/mailwire/dissect/record"
)

// Style tells a renderer how to emphasise a span.
type Style string

// Styles of spans.
const (
	Plain     Style = ""
	Strong    Style = "strong"
	Code      Style = "code"                     // a display filter, a hash
	Secret    Style = "secret"                   // a password, masked or revealed
	Dim       Style = "dim"                      // what is missing, side notes
	High      Style = Style(record.SeverityHigh) // severities double as colours
	Medium    Style = Style(record.SeverityMedium)
	Low       Style = Style(record.SeverityLow)
	Info      Style = Style(record.SeverityInfo)
	Clear     Style = "clear"     // travelled readable
	Encrypted Style = "encrypted" // travelled inside TLS
)

// Span is a piece of text with one style. Text is already sanitized.
type Span struct {
	Text  string
	Style Style
}

// Line is one line of a list; Indent 0 is an item, 1 its detail.
type Line struct {
	Indent int
	Spans  []Span
}

// Table has a header row and rows of cells. The rows are made when a
// renderer reads them, as often as it does: the lists of a big capture
// are read back from its spool, never held whole.
type Table struct {
	Head []string
	Rows iter.Seq[[]Span]
}

// Block is a titled table or list inside a section. Lines, like a
// table's rows, are made when read; nil when there are none.
type Block struct {
	Title string
	Table *Table
	Lines iter.Seq[Line]
}

// LinesOf is a block's lines from a list; nil when it is empty.
func LinesOf(ls []Line) iter.Seq[Line] {
	if len(ls) == 0 {
		return nil
	}
	return slices.Values(ls)
}

// Section is a numbered part of a capture's report.
type Section struct {
	ID     string // stable anchor: sessions, learned, findings, lab
	Title  string
	Blocks []Block
	// Empty is shown when the section has no block.
	Empty string
}

// Fact is a name and its value, for headers and summaries.
type Fact struct {
	Name, Value string
	Style       Style
}

// Capture is the report of one capture file.
type Capture struct {
	Title    string
	Facts    []Fact
	Warnings []string
	Sections []Section
	Ladders  []Ladder
}

// Doc is a whole report.
type Doc struct {
	Lang     string
	Title    string
	Captures []Capture
	// SummaryTitle heads Summary, the totals of the run.
	SummaryTitle string
	Summary      []Fact
	Warnings     []string
	// Labels are the fixed words a renderer needs (legends, captions).
	Labels map[string]string
}

// Ladder is the exchange of one session, drawn as arrows between the
// client and the server (HTML only).
type Ladder struct {
	Session string
	Title   string
	Client  string
	Server  string
	Arrows  []Arrow
	// More counts arrows left out beyond the cap.
	More     int
	MoreText string
	// TLSFrame is where TLS started (0: never); the boundary is drawn
	// before the first arrow at or after it.
	TLSFrame int64
	Implicit bool
	// EncryptedNote tells how much crossed inside TLS, drawn as a band
	// after the arrows; empty when nothing was encrypted.
	EncryptedNote string
}

// Arrow is one command or reply.
type Arrow struct {
	Frame     int64
	ToServer  bool
	Label     string
	Encrypted bool
	Mark      Style // High for a credential or a high finding, etc.
	Note      string
}
