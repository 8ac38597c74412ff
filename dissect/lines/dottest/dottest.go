// Package dottest makes dot-terminated bodies (SMTP DATA, POP3 messages)
// for the dissectors' tests: random lines with stuffed dots, bare LFs and
// long lines, what a reader must keep of them, and random segments.
package dottest

import (
	"math/rand/v2"
	"strings"
)

var pieces = []string{"Subject: x\r\n", "\r\n", "..dot\r\n", ".\tnot the end\r\n", "bare\n", strings.Repeat("b", 70) + "\r\n", "last\r\n"}

// Body is one message as it crosses the wire and as it is kept.
type Body struct {
	Wire string // dot-stuffed, ended by the final dot line
	// Lines are the message's lines unstuffed, each ending in CRLF.
	Lines []string
}

// Random makes a body of 1 to 40 lines.
func Random(rnd *rand.Rand) Body {
	var wire strings.Builder
	var b Body
	for i := 0; i < 1+rnd.IntN(40); i++ {
		p := pieces[rnd.IntN(len(pieces))]
		wire.WriteString(p)
		b.Lines = append(b.Lines, strings.TrimPrefix(strings.TrimRight(p, "\r\n"), ".")+"\r\n")
	}
	b.Wire = wire.String() + ".\r\n"
	return b
}

// Kept is the whole message, unstuffed.
func (b Body) Kept() string { return strings.Join(b.Lines, "") }

// FinalDot is the offset of the final dot line in Wire.
func (b Body) FinalDot() int { return len(b.Wire) - len(".\r\n") }

// Segments cuts s in pieces of 1 to 90 bytes; pieceOf gives the piece of
// each byte.
func Segments(rnd *rand.Rand, s string) (segs []string, pieceOf []int) {
	for off := 0; off < len(s); {
		n := min(len(s)-off, 1+rnd.IntN(90))
		for range n {
			pieceOf = append(pieceOf, len(segs))
		}
		segs = append(segs, s[off:off+n])
		off += n
	}
	return segs, pieceOf
}
