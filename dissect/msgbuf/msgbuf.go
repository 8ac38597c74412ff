// Package msgbuf holds the bytes of a message while it crosses the wire.
// A capture carries thousands of messages: growing a new slice for each
// made most of the analysis' garbage, so buffers come from pools of a few
// size classes and go back to them once the message is analysed.
package msgbuf

import "sync"

const (
	minSize = 16 << 10
	classes = 12 // 16 KiB to 32 MiB; larger buffers are not pooled
)

var pools [classes]sync.Pool

// class is the smallest size class holding n bytes, or -1 when n is
// larger than any class.
func class(n int) int {
	size := minSize
	for c := 0; c < classes; c++ {
		if n <= size {
			return c
		}
		size <<= 1
	}
	return -1
}

func get(n int) *[]byte {
	c := class(n)
	if c < 0 {
		b := make([]byte, 0, n)
		return &b
	}
	if p, ok := pools[c].Get().(*[]byte); ok {
		return p
	}
	b := make([]byte, 0, minSize<<c)
	return &b
}

func put(p *[]byte) {
	c := class(cap(*p))
	if c < 0 || cap(*p) != minSize<<c {
		return
	}
	*p = (*p)[:0]
	pools[c].Put(p)
}

// Buf is one message's bytes. The zero Buf is empty and holds no memory.
type Buf struct {
	p *[]byte
}

// Bytes returns the bytes appended so far; they stay valid until the
// next Append or Release.
func (b *Buf) Bytes() []byte {
	if b.p == nil {
		return nil
	}
	return *b.p
}

// Len is the number of bytes held.
func (b *Buf) Len() int { return len(b.Bytes()) }

// Append adds p, moving to a buffer of the next class when full.
func (b *Buf) Append(p []byte) {
	if len(p) == 0 {
		return
	}
	n := b.Len() + len(p)
	if b.p == nil || n > cap(*b.p) {
		grown := get(max(n, 2*b.Len()))
		*grown = append(*grown, b.Bytes()...)
		b.Release()
		b.p = grown
	}
	*b.p = append(*b.p, p...)
}

// Truncate keeps the first n bytes held, and the buffer.
func (b *Buf) Truncate(n int) {
	if b.p != nil {
		*b.p = (*b.p)[:n]
	}
}

// Release gives the buffer back for another message: every slice
// Bytes returned must be dead by then.
func (b *Buf) Release() {
	if b.p != nil {
		put(b.p)
		b.p = nil
	}
}

// Keep gives the bytes to the caller for good: the buffer never returns
// to a pool.
func (b *Buf) Keep() []byte {
	out := b.Bytes()
	b.p = nil
	return out
}
