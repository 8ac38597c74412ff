package jsonl

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestKindComesFirstAndSecretsFollowRedaction(t *testing.T) {
	c := &record.Credential{Session: "s1", Proto: "imap", Mechanism: "LOGIN", Username: "alice", Packet: 4}
	c.SetPassword("Wonderland!42")
	record.Redact(c, false)
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Write(c); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&record.Summary{}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if !bytes.HasPrefix(lines[0], []byte(`{"kind":"credential","session":"s1"`)) {
		t.Fatalf("line: %s", lines[0])
	}
	var m map[string]any
	if err := json.Unmarshal(lines[0], &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["password"]; ok {
		t.Fatal("password present without reveal")
	}
	if m["password_len"] != float64(13) || m["accepted"] != nil {
		t.Fatalf("fields: %v", m)
	}
	if !bytes.HasPrefix(lines[1], []byte(`{"kind":"summary","captures":0`)) {
		t.Fatalf("summary: %s", lines[1])
	}
}
