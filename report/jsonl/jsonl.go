// Package jsonl writes records as JSON Lines, one object per line with its
// "kind" first, as dissect/record/json-output.md specifies.
package jsonl

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

// Writer writes records to an underlying writer.
type Writer struct {
	w   *bufio.Writer
	err error
}

// NewWriter returns a Writer on w; call Flush when done.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriterSize(w, 64<<10)} }

// Write writes one record as one line.
func (w *Writer) Write(r record.Record) error {
	if w.err != nil {
		return w.err
	}
	b, err := Marshal(r)
	if err != nil {
		w.err = err
		return err
	}
	b = append(b, '\n')
	_, w.err = w.w.Write(b)
	return w.err
}

// Flush writes what is buffered.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// Marshal encodes one record with its kind as the first field. Warnings
// and findings raised by id are written as their English sentences,
// filled in the record.
func Marshal(r record.Record) ([]byte, error) {
	i18n.RenderEnglish(r)
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(body)+len(r.Kind())+12)
	out = append(out, `{"kind":"`...)
	out = append(out, r.Kind()...)
	out = append(out, '"')
	if len(body) > 2 {
		out = append(out, ',')
	}
	return append(out, body[1:]...), nil
}
