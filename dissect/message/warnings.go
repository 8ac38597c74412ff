package message

import "fmt"

// maxWarnings bounds the warnings kept for one message; a hostile message
// could otherwise produce one per line.
const maxWarnings = 50

// warnings collects what was odd about a message, bounded.
type warnings struct {
	list    []string
	dropped int
}

func (w *warnings) add(format string, args ...any) {
	if len(w.list) >= maxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

// result returns the warnings with a last one counting those dropped.
func (w *warnings) result() []string {
	if w.dropped > 0 {
		return append(w.list, fmt.Sprintf("%d more warnings not shown", w.dropped))
	}
	return w.list
}
