package lines

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/reassembly/stream"
)

func TestLinesKeepFrameOfFirstByte(t *testing.T) {
	r := NewReader(100)
	r.Write(&stream.Event{Data: []byte("EHLO a\r\nMAIL FR"), Frame: 4})
	r.Write(&stream.Event{Data: []byte("OM:<a@b>\r\n"), Frame: 6})
	want := []struct {
		text  string
		frame int64
	}{{"EHLO a", 4}, {"MAIL FROM:<a@b>", 4}}
	for _, w := range want {
		l, ok := r.Next()
		if !ok || string(l.Text) != w.text || l.Frame != w.frame {
			t.Fatalf("got %q frame %d ok=%v, want %q frame %d", l.Text, l.Frame, ok, w.text, w.frame)
		}
	}
	if _, ok := r.Next(); ok {
		t.Fatal("no more lines expected")
	}
	r.Write(&stream.Event{Data: []byte("RCPT TO:<c@d>\n"), Frame: 9})
	if l, _ := r.Next(); string(l.Text) != "RCPT TO:<c@d>" || l.Frame != 9 {
		t.Fatalf("bare LF line: %q frame %d", l.Text, l.Frame)
	}
}

func TestLongLineIsCutAndSkippedWithBoundedMemory(t *testing.T) {
	r := NewReader(16)
	long := strings.Repeat("x", 1000)
	for i := 0; i < 100; i++ {
		r.Write(&stream.Event{Data: []byte(long), Frame: int64(i + 1)})
		if r.Buffered() > 1016 {
			t.Fatalf("buffered %d bytes", r.Buffered())
		}
		for {
			l, ok := r.Next()
			if !ok {
				break
			}
			if !l.Cut || len(l.Text) != 16 || l.Frame != 1 {
				t.Fatalf("cut line: %q cut=%v frame=%d", l.Text, l.Cut, l.Frame)
			}
		}
	}
	r.Write(&stream.Event{Data: []byte("yyy\r\nQUIT\r\n"), Frame: 200})
	l, ok := r.Next()
	if !ok || string(l.Text) != "QUIT" || l.Frame != 200 {
		t.Fatalf("after long line: %q ok=%v frame=%d", l.Text, ok, l.Frame)
	}
	if r.Skipped != 100*1000-16+5 {
		t.Fatalf("skipped %d", r.Skipped)
	}
}

func TestGapDropsPartialLineAndFlagsNext(t *testing.T) {
	r := NewReader(100)
	r.Write(&stream.Event{Data: []byte("MAIL FR"), Frame: 1})
	r.Write(&stream.Event{Data: []byte("t>\r\nQUIT\r\n"), Frame: 3, Gap: 10})
	l, _ := r.Next()
	if !l.AfterGap || string(l.Text) != "t>" {
		t.Fatalf("first line after gap: %q gap=%v", l.Text, l.AfterGap)
	}
	l, _ = r.Next()
	if l.AfterGap || string(l.Text) != "QUIT" {
		t.Fatalf("second line after gap: %q gap=%v", l.Text, l.AfterGap)
	}
}

func TestTakeReturnsRawBytesWithFrames(t *testing.T) {
	r := NewReader(100)
	r.Write(&stream.Event{Data: []byte("ab"), Frame: 1})
	r.Write(&stream.Event{Data: []byte("c\r\nrest\r\n"), Frame: 2})
	b, f, _ := r.Take(5)
	if string(b) != "abc\r\n" || f != 1 {
		t.Fatalf("take: %q frame %d", b, f)
	}
	l, _ := r.Next()
	if string(l.Text) != "rest" || l.Frame != 2 {
		t.Fatalf("after take: %q frame %d", l.Text, l.Frame)
	}
}

func TestRunStopsWhereNextMustRead(t *testing.T) {
	for _, tt := range []struct {
		name, in    string
		max         int
		run         string
		n           int
		first, last int64
		next        string // what Next returns after the run
	}{
		{"plain lines", "a\r\nbb\r\nccc\r\npart", 0, "a\r\nbb\r\nccc\r\n", 3, 1, 2, ""},
		{"stuffed dot", "a\r\n..b\r\nc\r\n", 0, "a\r\n", 1, 1, 1, "..b"},
		{"final dot", "a\r\nb\r\n.\r\n", 0, "a\r\nb\r\n", 2, 1, 1, "."},
		{"bare LF", "a\r\nb\nc\r\n", 0, "a\r\n", 1, 1, 1, "b"},
		{"empty bare LF", "a\r\n\nc\r\n", 0, "a\r\n", 1, 1, 1, ""},
		{"long line", "a\r\n" + strings.Repeat("x", 11) + "\r\n", 0, "a\r\n", 1, 1, 1, strings.Repeat("x", 10)},
		{"at most max bytes", "aa\r\nbb\r\ncc\r\n", 9, "aa\r\nbb\r\n", 2, 1, 2, "cc"},
		{"first line over max", "aaaa\r\nb\r\n", 3, "", 0, 0, 0, "aaaa"},
		{"dot first", ".\r\n", 0, "", 0, 0, 0, "."},
		{"nothing whole", "abc", 0, "", 0, 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(10)
			// Two events: the frame of a line is that of its first byte.
			cut := min(4, len(tt.in))
			r.Write(&stream.Event{Data: []byte(tt.in[:cut]), Frame: 1})
			r.Write(&stream.Event{Data: []byte(tt.in[cut:]), Frame: 2})
			run, n, first, last := r.Run(tt.max)
			if string(run) != tt.run || n != tt.n || first != tt.first || last != tt.last {
				t.Fatalf("Run = %q, %d lines, frames %d..%d; want %q, %d, %d..%d", run, n, first, last, tt.run, tt.n, tt.first, tt.last)
			}
			l, ok := r.Next()
			if string(l.Text) != tt.next || ok != (tt.next != "" || tt.name == "empty bare LF") {
				t.Fatalf("then Next = %q %v, want %q", l.Text, ok, tt.next)
			}
		})
	}
}

func TestRunAfterGapLeavesTheFlaggedLineToNext(t *testing.T) {
	r := NewReader(100)
	r.Write(&stream.Event{Data: []byte("lost\r\nnext\r\n"), Frame: 3, Gap: 10})
	if run, n, _, _ := r.Run(0); n != 0 || run != nil {
		t.Fatalf("Run after a gap took %q", run)
	}
	if l, _ := r.Next(); !l.AfterGap || string(l.Text) != "lost" {
		t.Fatalf("Next after a gap: %q gap=%v", l.Text, l.AfterGap)
	}
	if run, _, _, _ := r.Run(0); string(run) != "next\r\n" {
		t.Fatalf("Run after the flagged line: %q", run)
	}
}

// Reading a body with Run wherever it can, and Next elsewhere, gives the
// lines Next alone gives, with the same frames where a run tells them
// (its first and last line).
func TestRunReadsWhatNextReads(t *testing.T) {
	pieces := []string{"line\r\n", "..stuffed\r\n", "bare\n", strings.Repeat("y", 40) + "\r\n", "\r\n", "x", "\r\n", ".\r\n"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 500; round++ {
		var in strings.Builder
		for i := 0; i < 30; i++ {
			in.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		var events []*stream.Event
		for rest, frame := in.String(), int64(1); len(rest) > 0; frame++ {
			n := min(len(rest), 1+rnd.IntN(25))
			events = append(events, &stream.Event{Data: []byte(rest[:n]), Frame: frame})
			rest = rest[n:]
		}
		want, got := readAll(events, false), readAll(events, true)
		if len(want) != len(got) {
			t.Fatalf("input %q: %d lines with Next alone, %d with Run", in.String(), len(want), len(got))
		}
		for i := range want {
			w, g := want[i], got[i]
			if w.text != g.text || w.cut != g.cut || g.frame >= 0 && g.frame != w.frame {
				t.Fatalf("input %q, line %d: Next alone %+v, with Run %+v", in.String(), i, w, g)
			}
		}
	}
}

type readLine struct {
	text  string
	frame int64 // -1: inside a run, not told
	cut   bool
}

// readAll reads events as a body is read: line by line, or by runs where
// Run takes them.
func readAll(events []*stream.Event, runs bool) []readLine {
	return readAllMax(events, runs, 30)
}

func readAllMax(events []*stream.Event, runs bool, max int) []readLine {
	r := NewReader(max)
	var out []readLine
	for _, ev := range events {
		r.Write(ev)
		for {
			if runs {
				if run, n, first, last := r.Run(0); n > 0 {
					texts := strings.SplitAfter(string(run), "\r\n")
					texts = texts[:len(texts)-1]
					for i, text := range texts {
						l := readLine{text: strings.TrimSuffix(text, "\r\n"), frame: -1}
						if i == 0 {
							l.frame = first
						}
						if i == n-1 {
							l.frame = last
						}
						out = append(out, l)
					}
					if len(texts) != n {
						panic("run line count")
					}
					continue
				}
			}
			l, ok := r.Next()
			if !ok {
				break
			}
			out = append(out, readLine{string(l.Text), l.Frame, l.Cut})
		}
	}
	return out
}

// Once a protocol hands its direction over, the end of a line the
// reader cut is still dropped: only what follows it is handed over.
func TestHandOverDropsTheEndOfACutLine(t *testing.T) {
	tests := []struct {
		name   string
		events []stream.Event
		want   []string // what is handed over, event by event ("-": nothing)
	}{
		{"the cut line ended before", []stream.Event{{Data: []byte("\r\n")}, {Data: []byte("\x16\x03\x03")}}, []string{"-", "\x16\x03\x03"}},
		{"end of the line, then TLS", []stream.Event{{Data: []byte("xxxx")}, {Data: []byte("xx\r\n\x16\x03")}, {Data: []byte("\x03")}},
			[]string{"-", "\x16\x03", "\x03"}},
		{"line ended exactly", []stream.Event{{Data: []byte("x\r\n")}, {Data: []byte("\x16")}}, []string{"-", "\x16"}},
		{"a gap loses the line's end", []stream.Event{{Data: []byte("tls"), Gap: 5}, {Data: []byte("more")}}, []string{"tls", "more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(4)
			r.Write(&stream.Event{Data: []byte("220 a reply past the limit"), Frame: 1})
			if l, ok := r.Next(); !ok || !l.Cut {
				t.Fatalf("the long line is not cut: %+v", l)
			}
			for i, ev := range tt.events {
				got := "-"
				if out := r.HandOver(&ev); out != nil {
					got = string(out.Data)
				}
				if got != tt.want[i] {
					t.Fatalf("event %d: handed over %q, want %q", i, got, tt.want[i])
				}
			}
		})
	}
}
