package lines

import (
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
