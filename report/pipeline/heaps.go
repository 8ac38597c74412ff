package pipeline

import (
	"sort"

	"github.com/mailwire/mailwire/dissect/record"
)

// itemHeap orders waiting records as the output does: by frame, the
// findings derived about a frame after the records of that frame, then in
// the order the shard emitted them. It is a binary heap of its own rather
// than container/heap, which boxes every item it moves.
type itemHeap []item

func (h itemHeap) Len() int { return len(h) }

func (h itemHeap) less(i, j int) bool {
	a, b := &h[i], &h[j]
	if a.frame != b.frame {
		return a.frame < b.frame
	}
	if a.orig != b.orig {
		return a.orig < b.orig
	}
	if a.derived != b.derived {
		return !a.derived
	}
	return a.seq < b.seq
}

func (h *itemHeap) push(it item) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *itemHeap) pop() item {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = item{}
	s = s[:n]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < n && s.less(l, m) {
			m = l
		}
		if r := l + 1; r < n && s.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// sessionHeap orders sessions by the frame their protocol was recognised
// at, then by their first frame: the order of their ids.
type sessionHeap []*record.Session

func (h sessionHeap) Len() int { return len(h) }
func (h sessionHeap) Less(i, j int) bool {
	if h[i].DetectFrame != h[j].DetectFrame {
		return h[i].DetectFrame < h[j].DetectFrame
	}
	return h[i].Packet < h[j].Packet
}
func (h sessionHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sessionHeap) Push(x any)   { *h = append(*h, x.(*record.Session)) }
func (h *sessionHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return s
}

// forgetAt is when a provisional id can be forgotten: every record of its
// session is at or before the session's last frame.
type forgetAt struct {
	frame int64
	id    string
}

type endHeap []forgetAt

func (h endHeap) Len() int           { return len(h) }
func (h endHeap) Less(i, j int) bool { return h[i].frame < h[j].frame }
func (h endHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *endHeap) Push(x any)        { *h = append(*h, x.(forgetAt)) }
func (h *endHeap) Pop() any {
	old := *h
	f := old[len(old)-1]
	*h = old[:len(old)-1]
	return f
}

func sortByEnd(s []*record.Session) {
	sort.Slice(s, func(i, j int) bool { return s[i].EndFrame < s[j].EndFrame })
}
