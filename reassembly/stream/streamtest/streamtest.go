// Package streamtest helps the dissectors' tests check that where TCP
// cut a conversation's bytes does not change what they report.
package streamtest

import "github.com/mailwire/mailwire/reassembly/stream"

// Pieces cuts every event into pieces of at most n bytes, carried by the
// event's frame at its time; a gap stays before the first piece.
func Pieces(evs []stream.Event, n int) []stream.Event {
	var out []stream.Event
	for _, ev := range evs {
		data := ev.Data
		for first := true; first || len(data) > 0; first = false {
			p := ev
			p.Data = data[:min(n, len(data))]
			if !first {
				p.Gap = 0
			}
			out = append(out, p)
			data = data[len(p.Data):]
		}
	}
	return out
}
