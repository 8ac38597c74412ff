package recordtest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

// Texts are warnings as the JSON contract writes them: English sentences
// from the catalogue.
func Texts(ws []record.Warning) []string {
	en := i18n.New("en")
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = en.Warning(w)
	}
	return out
}

// JSONL writes records one per line, "kind" first, as the JSON contract
// does, for a golden file.
func JSONL(t testing.TB, recs []record.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range recs {
		RenderWarnings(r)
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

// RenderWarnings fills the English sentences of r (each warning's, a
// finding's title and detail), as the JSON Lines writer does, so that r
// marshals as the contract says.
func RenderWarnings(r record.Record) {
	record.WarningLists(r, func(ws []record.Warning) {
		for i, text := range Texts(ws) {
			ws[i].Text = text
		}
	})
	i18n.RenderEnglish(r)
}

// Shown lists the secrets that recs, once redacted as without
// --reveal-secrets, or ws still show.
func Shown(recs []record.Record, ws []record.Warning, secrets ...string) []string {
	for _, r := range recs {
		record.Redact(r, false)
	}
	b, _ := json.Marshal(recs)
	w, _ := json.Marshal(ws)
	var out []string
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) || bytes.Contains(w, []byte(s)) {
			out = append(out, s)
		}
	}
	return out
}
