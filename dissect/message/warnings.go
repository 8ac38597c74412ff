package message

import "github.com/mailwire/mailwire/dissect/record"

// maxWarnings bounds the warnings kept for one message; a hostile message
// could otherwise produce one per line.
const maxWarnings = 50

// warnings collects what was odd about a message, bounded.
type warnings struct {
	list    []record.Warning
	dropped int
}

// add keeps a warning: its id and the name, value pairs of its sentence.
func (w *warnings) add(id record.WarningID, kv ...any) {
	if len(w.list) >= maxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, record.NewWarning(0, id, kv...))
}

// result returns the warnings with a last one counting those dropped.
func (w *warnings) result() []record.Warning {
	if w.dropped > 0 {
		return append(w.list, record.NewWarning(0, record.WarnMessageWarningsDropped, "count", w.dropped))
	}
	return w.list
}
