package html

import (
	"fmt"
	"html/template"
	"strings"
)

// esc escapes text and attribute values from the records; every other
// piece of the SVG below is a number or a constant of this package.
var esc = template.HTMLEscapeString

// svg writes a ladder as inline SVG. It is written by hand rather than
// by the page template because a busy capture has tens of thousands of
// arrows, and the template's reflection made that the slowest part of
// the report; escaping stays the same (esc on every string).
func (s svgLadder) svg(client, server string) template.HTML {
	var b strings.Builder
	b.Grow(256 + 400*len(s.Arrows))
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`+"\n",
		s.Width, s.Height, s.Width, s.Height, esc(s.Title))
	fmt.Fprintf(&b, `<text class="end" x="%d" y="22" text-anchor="middle">%s %s</text>`+"\n", s.ClientX, esc(client), esc(s.Client))
	fmt.Fprintf(&b, `<text class="end" x="%d" y="22" text-anchor="middle">%s %s</text>`+"\n", s.ServerX, esc(server), esc(s.Server))
	for _, x := range []int{s.ClientX, s.ServerX} {
		fmt.Fprintf(&b, `<line class="life" x1="%d" y1="%d" x2="%d" y2="%d" />`+"\n", x, s.LifeTop, x, s.LifeBottom)
	}
	if s.Implicit != "" {
		fmt.Fprintf(&b, `<text class="boundary-label" x="%d" y="%d" dx="10" dy="10">%s</text>`+"\n", s.ServerX, s.LifeTop, esc(s.Implicit))
	}
	if d := s.Boundary; d != nil {
		fmt.Fprintf(&b, `<line class="boundary" x1="%d" y1="%d" x2="%d" y2="%d" />`+"\n", d.X1, d.Y, d.X2, d.Y)
		fmt.Fprintf(&b, `<text class="boundary-label" x="%d" y="%d" dy="-4" text-anchor="end">%s</text>`+"\n", d.X2, d.Y, esc(d.Label))
	}
	for _, a := range s.Arrows {
		a.write(&b)
	}
	if d := s.Band; d != nil {
		fmt.Fprintf(&b, `<rect class="band" x="%d" y="%d" width="%d" height="%d" />`+"\n", d.X, d.Y, d.Width, d.Height)
		fmt.Fprintf(&b, `<text class="band-label" x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", d.TextX, d.TextY, esc(d.Label))
	}
	if s.More != "" {
		fmt.Fprintf(&b, `<text class="more" x="%d" y="%d">%s</text>`+"\n", s.ClientX, s.MoreY, esc(s.More))
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func (a svgArrow) write(b *strings.Builder) {
	fmt.Fprintf(b, `<g class="arrow %s">`+"\n", esc(a.Class))
	fmt.Fprintf(b, `<text class="frame" x="%d" y="%d" dy="4" text-anchor="end">%s</text>`+"\n", a.FrameX, a.Y, esc(a.Frame))
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" />`+"\n", a.X1, a.Y, a.X2, a.Y)
	fmt.Fprintf(b, `<polygon points="%s" />`+"\n", esc(a.Head))
	fmt.Fprintf(b, `<text class="label" x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", a.LabelX, a.LabelY, esc(a.Label))
	if a.Mark != "" {
		fmt.Fprintf(b, `<circle class="%s" cx="%d" cy="%d" r="5" />`+"\n", esc(a.Mark), a.NoteX, a.Y)
		fmt.Fprintf(b, `<text class="note %s" x="%d" y="%d" dx="10" dy="4">%s</text>`+"\n", esc(a.Mark), a.NoteX, a.Y, esc(a.Note))
	}
	b.WriteString("</g>\n")
}
