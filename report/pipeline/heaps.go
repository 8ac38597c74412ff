package pipeline

import (
	"sort"

	"github.com/mailwire/mailwire/dissect/record"
)

// itemHeap orders waiting records as the output does: by frame, the
// findings derived about a frame after the records of that frame, then in
// the order the shard emitted them.
type itemHeap []item

func (h itemHeap) Len() int { return len(h) }
func (h itemHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.frame != b.frame {
		return a.frame < b.frame
	}
	if a.derived != b.derived {
		return !a.derived
	}
	return a.seq < b.seq
}
func (h itemHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *itemHeap) Push(x any)   { *h = append(*h, x.(item)) }
func (h *itemHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = item{}
	*h = old[:len(old)-1]
	return it
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
