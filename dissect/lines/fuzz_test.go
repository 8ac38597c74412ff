package lines

import (
	"bytes"
	"testing"

	"github.com/mailwire/mailwire/reassembly/stream"
)

// FuzzLines cuts any input into events anywhere and reads it line by
// line, and with runs where they can be taken: both must give the lines
// of the whole input, each cut at the limit, with the frame of its first
// byte.
func FuzzLines(f *testing.F) {
	f.Add([]byte("EHLO a\r\nMAIL FROM:<a@b>\r\n"), []byte{3, 9}, uint8(8))
	f.Add([]byte("0123456789\r\nabc\nlong line past the limit\r\n.\r\n..x\r\n"), []byte{11, 1, 1}, uint8(10))
	f.Add([]byte("\r\n\r\n\n\r\r\n"), []byte{1}, uint8(1))
	f.Fuzz(func(t *testing.T, in, cuts []byte, limit uint8) {
		max := int(limit%64) + 1
		var events []*stream.Event
		var frameOf []int64 // the frame of each byte of in
		for rest, i := in, 0; len(rest) > 0; i++ {
			n := len(rest)
			if i < len(cuts) {
				n = min(n, int(cuts[i])+1)
			}
			frame := int64(i + 1)
			events = append(events, &stream.Event{Data: rest[:n], Frame: frame})
			for range n {
				frameOf = append(frameOf, frame)
			}
			rest = rest[n:]
		}
		want := wholeLines(in, frameOf, max)
		for _, runs := range []bool{false, true} {
			got := readAllMax(events, runs, max)
			if len(got) != len(want) {
				t.Fatalf("runs %v: %d lines, want %d:\n got %+v\nwant %+v", runs, len(got), len(want), got, want)
			}
			for i := range want {
				w, g := want[i], got[i]
				if w.text != g.text || w.cut != g.cut || g.frame >= 0 && g.frame != w.frame {
					t.Fatalf("runs %v, line %d: got %+v, want %+v", runs, i, g, w)
				}
			}
		}
	})
}

// wholeLines is what a reader with limit max gives of in: every line
// ended by LF, without its line end, cut at max bytes; and the last
// line, unended, when it is already past the limit.
func wholeLines(in []byte, frameOf []int64, max int) []readLine {
	var out []readLine
	for off := 0; off < len(in); {
		i := bytes.IndexByte(in[off:], '\n')
		line := in[off:]
		if i >= 0 {
			line = in[off : off+i]
		} else if len(line) <= max || len(line) == max+1 && line[max] == '\r' {
			break // it may still end within the limit
		}
		if i >= 0 && len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		l := readLine{text: string(line), frame: frameOf[off]}
		if len(line) > max {
			l.text, l.cut = string(line[:max]), true
		}
		out = append(out, l)
		if i < 0 {
			break
		}
		off += i + 1
	}
	return out
}
