package msgbuf

import (
	"bytes"
	"testing"
)

func TestAppendKeepsEveryByteAcrossClasses(t *testing.T) {
	var want []byte
	var b Buf
	for i := 0; len(want) < 3*minSize<<2; i++ {
		chunk := bytes.Repeat([]byte{byte(i)}, 1+i*97%5000)
		want = append(want, chunk...)
		b.Append(chunk)
		if !bytes.Equal(b.Bytes(), want) {
			t.Fatalf("after %d appends (%d bytes) the buffer differs", i+1, len(want))
		}
	}
	if c := cap(b.Bytes()); c != minSize<<class(len(want)) {
		t.Errorf("capacity %d for %d bytes, want the class size %d", c, len(want), minSize<<class(len(want)))
	}
	b.Release()
	if b.Len() != 0 || b.Bytes() != nil {
		t.Error("a released buffer still holds bytes")
	}
}

func TestKeptBytesAreNeverReused(t *testing.T) {
	var a Buf
	a.Append([]byte("kept for extraction"))
	kept := a.Keep()
	for i := 0; i < 100; i++ {
		var b Buf
		b.Append(bytes.Repeat([]byte{'x'}, 100))
		b.Release()
	}
	if string(kept) != "kept for extraction" {
		t.Fatalf("kept bytes changed: %q", kept)
	}
	a.Release() // nothing left to give back
}

func TestOversizedBuffersAreNotPooled(t *testing.T) {
	huge := make([]byte, minSize<<classes+1)
	var b Buf
	b.Append(huge)
	if b.Len() != len(huge) || class(cap(b.Bytes())) != -1 {
		t.Fatalf("len %d cap %d", b.Len(), cap(b.Bytes()))
	}
	b.Release()
}

func TestClasses(t *testing.T) {
	for _, tt := range []struct{ n, class int }{
		{0, 0}, {1, 0}, {minSize, 0}, {minSize + 1, 1}, {minSize << 11, 11}, {minSize<<11 + 1, -1},
	} {
		if got := class(tt.n); got != tt.class {
			t.Errorf("class(%d) = %d, want %d", tt.n, got, tt.class)
		}
	}
}

func BenchmarkAppendRelease(b *testing.B) {
	chunk := make([]byte, 1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var buf Buf
		for j := 0; j < 300; j++ {
			buf.Append(chunk)
		}
		buf.Release()
	}
}
