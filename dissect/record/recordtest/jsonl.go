package recordtest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// JSONL writes records one per line, "kind" first, as the JSON contract
// does, for a golden file.
func JSONL(t testing.TB, recs []record.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%s record: %v", r.Kind(), err)
		}
		buf.WriteString(`{"kind":"` + r.Kind() + `"`)
		if len(b) > 2 {
			buf.WriteByte(',')
		}
		buf.Write(b[1:])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
