package tunnel

import (
	"sort"

	"github.com/mailwire/mailwire/reassembly/stream"
)

// queue keeps one direction's events during the handshake: the handshake
// is read from their bytes, and what is left after it is handed on with
// the frame and time it came with.
type queue struct {
	evs  []stream.Event
	off  int // bytes of evs[0] already consumed
	size int
}

func (q *queue) push(ev *stream.Event) {
	cp := *ev
	cp.Data = append([]byte(nil), ev.Data...)
	cp.Gap = 0
	q.evs = append(q.evs, cp)
	q.size += len(ev.Data)
}

// bytes returns the unconsumed bytes.
func (q *queue) bytes() []byte {
	if len(q.evs) == 1 {
		return q.evs[0].Data[q.off:]
	}
	var b []byte
	for i, ev := range q.evs {
		if i == 0 {
			b = append(b, ev.Data[q.off:]...)
			continue
		}
		b = append(b, ev.Data...)
	}
	return b
}

// frameAt is the frame of the first unconsumed byte.
func (q *queue) frameAt() int64 {
	for i, ev := range q.evs {
		if i > 0 || q.off < len(ev.Data) {
			return ev.Frame
		}
	}
	return 0
}

// consume drops n bytes.
func (q *queue) consume(n int) {
	q.size -= n
	for n > 0 && len(q.evs) > 0 {
		left := len(q.evs[0].Data) - q.off
		if n < left {
			q.off += n
			return
		}
		n -= left
		q.evs = q.evs[1:]
		q.off = 0
	}
	for len(q.evs) > 0 && q.off == len(q.evs[0].Data) {
		q.evs, q.off = q.evs[1:], 0
	}
}

// rest returns the unconsumed bytes as events, and empties the queue.
func (q *queue) rest() []stream.Event {
	out := q.evs
	if len(out) > 0 {
		out[0].Data = out[0].Data[q.off:]
	}
	q.evs, q.off, q.size = nil, 0, 0
	var kept []stream.Event
	for _, ev := range out {
		if len(ev.Data) > 0 {
			kept = append(kept, ev)
		}
	}
	return kept
}

// sortByFrame puts events of both directions back in capture order.
func sortByFrame(evs []stream.Event) {
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Frame < evs[j].Frame })
}
