// Package html lays a report out as one self-contained page: inline CSS,
// inline SVG ladder diagrams, no script and nothing fetched from the
// network, so it opens offline and can be mailed to a teacher.
// html/template escapes every value, and values from the wire were
// sanitized before (no bidi override can reorder the page).
package html

import (
	"bufio"
	_ "embed"
	"html/template"
	"io"

	"github.com/mailwire/mailwire/report/view"
)

//go:embed page.tmpl
var pageTemplate string

//go:embed style.css
var styleSheet string

var page = template.Must(template.New("page").Parse(pageTemplate))

type capturePage struct {
	view.Capture
	Ladders []ladderPage
}

// ladderPage is a ladder ready for the page: its title and its SVG.
type ladderPage struct {
	Title string
	SVG   template.HTML
}

type pageData struct {
	Doc      *view.Doc
	Captures []capturePage
	CSS      template.CSS
}

// Write lays out d on w.
func Write(w io.Writer, d *view.Doc) error {
	data := pageData{Doc: d, CSS: template.CSS(styleSheet)}
	for _, c := range d.Captures {
		cp := capturePage{Capture: c}
		for _, l := range c.Ladders {
			s := layout(l, d.Labels)
			cp.Ladders = append(cp.Ladders, ladderPage{Title: l.Title,
				SVG: s.svg(d.Labels["label.client"], d.Labels["label.server"])})
		}
		data.Captures = append(data.Captures, cp)
	}
	// The template writes many small pieces: buffer them.
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := page.Execute(bw, data); err != nil {
		return err
	}
	return bw.Flush()
}
