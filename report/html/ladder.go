package html

import (
	"fmt"
	"strconv"

	"github.com/mailwire/mailwire/report/view"
)

// Geometry of a ladder diagram, in SVG user units.
const (
	ladderWidth = 980
	clientX     = 150
	serverX     = 620
	rowHeight   = 26
	topY        = 64
)

// svgLadder is a ladder with every coordinate computed, so that the
// template only places elements.
type svgLadder struct {
	Title, Client, Server string
	Height                int
	Width                 int
	ClientX, ServerX      int
	LifeTop, LifeBottom   int
	Arrows                []svgArrow
	Boundary              *svgBoundary
	Band                  *svgBand
	Implicit              string
	More                  string
	MoreY                 int
}

type svgArrow struct {
	Y, X1, X2      int
	Head           string // polygon points of the arrowhead
	Class          string // clear or encrypted
	Label          string
	LabelX         int
	Frame          string
	Mark           string // CSS class of the mark, empty for none
	Note           string
	NoteX          int
	LabelY, FrameX int
}

// svgBand is the shaded strip standing for what crossed encrypted.
type svgBand struct {
	Y, X, Width, Height int
	TextX, TextY        int
	Label               string
}

type svgBoundary struct {
	Y, X1, X2 int
	Label     string
}

func layout(l view.Ladder, labels map[string]string) svgLadder {
	s := svgLadder{Title: l.Title, Client: l.Client, Server: l.Server, Width: ladderWidth,
		ClientX: clientX, ServerX: serverX, LifeTop: topY - 18}
	y := topY
	if l.Implicit {
		s.Implicit = labels["label.implicit-tls"]
	}
	for _, a := range l.Arrows {
		if s.Boundary == nil && l.TLSFrame > 0 && !l.Implicit && a.Frame >= l.TLSFrame {
			s.Boundary = boundary(y, l.TLSFrame, labels)
			y += rowHeight
		}
		s.Arrows = append(s.Arrows, arrow(a, y))
		y += rowHeight
	}
	if s.Boundary == nil && l.TLSFrame > 0 && !l.Implicit {
		s.Boundary = boundary(y, l.TLSFrame, labels)
		y += rowHeight
	}
	if l.EncryptedNote != "" {
		s.Band = &svgBand{Y: y - rowHeight/2 + 4, X: clientX, Width: serverX - clientX, Height: rowHeight + 6,
			TextX: (clientX + serverX) / 2, TextY: y + 8, Label: l.EncryptedNote}
		y += rowHeight + 12
	}
	if l.MoreText != "" {
		s.More, s.MoreY = l.MoreText, y+4
		y += rowHeight
	}
	s.LifeBottom = y
	s.Height = y + 12
	return s
}

func arrow(a view.Arrow, y int) svgArrow {
	x1, x2 := serverX, clientX
	if a.ToServer {
		x1, x2 = clientX, serverX
	}
	dir := 1
	if x2 < x1 {
		dir = -1
	}
	tip := x2 - dir*2
	head := fmt.Sprintf("%d,%d %d,%d %d,%d", tip, y, tip-dir*9, y-4, tip-dir*9, y+4)
	class := "clear"
	if a.Encrypted {
		class = "encrypted"
	}
	out := svgArrow{Y: y, X1: x1, X2: tip - dir*8, Head: head, Class: class, Label: a.Label,
		LabelX: (clientX + serverX) / 2, LabelY: y - 5, Frame: "#" + strconv.FormatInt(a.Frame, 10), FrameX: clientX - 14,
		NoteX: serverX + 14}
	if a.Mark != view.Plain && a.Mark != "" {
		out.Mark = "mark-" + string(a.Mark)
		out.Note = a.Note
	}
	return out
}

// boundary is the dashed line drawn where TLS starts, between two rows.
func boundary(y int, frame int64, labels map[string]string) *svgBoundary {
	return &svgBoundary{Y: y - 4, X1: 20, X2: ladderWidth - 20,
		Label: labels["label.tls-boundary"] + " · " + labels["label.frame"] + " " + strconv.FormatInt(frame, 10)}
}
