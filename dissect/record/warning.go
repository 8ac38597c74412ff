package record

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// WarningID names a kind of warning; its sentence, in every language, is
// the catalogue's "warning.<id>" (report/i18n).
type WarningID string

// Warning is a problem with the capture or the traffic, said as an id and
// the values of its sentence's placeholders rather than as a ready-made
// sentence, so that every report says it in its own language.
//
// In JSON a warning stays what it always was, one English sentence
// ("frame 12: 51 client bytes missing inside a message"): the writer of
// the JSON Lines fills Text from the English catalogue.
type Warning struct {
	Frame int64             // where it was seen; 0 for the whole capture
	ID    WarningID         // the catalogue key is "warning." + ID
	Args  map[string]string // the placeholders' values, already formatted
	// File names the capture when the warnings of several are listed
	// together (the summary).
	File string
	// Text is the English sentence, filled from the catalogue when the
	// record is written as JSON.
	Text string
}

// NewWarning builds a warning from its id and name, value pairs; each
// value is formatted with fmt.Sprint (Quote it first for a quoted text).
func NewWarning(frame int64, id WarningID, kv ...any) Warning {
	w := Warning{Frame: frame, ID: id}
	if len(kv) > 1 {
		w.Args = make(map[string]string, len(kv)/2)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		w.Args[fmt.Sprint(kv[i])] = fmt.Sprint(kv[i+1])
	}
	return w
}

// Quote shows a text from the wire between quotes, escaped as Go does, the
// way warnings cite it.
func Quote(s string) string { return strconv.Quote(s) }

// String is Text when it was rendered, else a plain description of the id
// and its arguments (for logs and test failures; reports use the
// catalogue).
func (w Warning) String() string {
	if w.Text != "" {
		return w.Text
	}
	var b strings.Builder
	if w.File != "" {
		b.WriteString(w.File + ": ")
	}
	if w.Frame > 0 {
		fmt.Fprintf(&b, "frame %d: ", w.Frame)
	}
	b.WriteString(string(w.ID))
	keys := make([]string, 0, len(w.Args))
	for k := range w.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		sep := ", "
		if i == 0 {
			sep = " "
		}
		b.WriteString(sep + k + "=" + w.Args[k])
	}
	return b.String()
}

// MarshalJSON writes the warning as its sentence.
func (w Warning) MarshalJSON() ([]byte, error) { return json.Marshal(w.String()) }

// UnmarshalJSON reads a sentence back; the id and arguments are lost.
func (w *Warning) UnmarshalJSON(b []byte) error {
	*w = Warning{}
	return json.Unmarshal(b, &w.Text)
}

// WarningLists calls fn with every list of warnings r holds: its own and,
// for a message opened with an S/MIME key, the inner message's. The lists
// share their storage, so that a writer can fill their Text.
func WarningLists(r Record, fn func([]Warning)) {
	if ws := Warnings(r); len(ws) > 0 {
		fn(ws)
	}
	if m, ok := r.(*Message); ok && m.SMIMEDecrypted != nil && len(m.SMIMEDecrypted.Warnings) > 0 {
		fn(m.SMIMEDecrypted.Warnings)
	}
}
