package record

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestWarningJSON(t *testing.T) {
	tests := []struct {
		name string
		w    Warning
		want string
	}{
		{"rendered", Warning{Frame: 3, ID: WarnSMTPServerGap, Text: "frame 3: 4 server bytes missing"}, `"frame 3: 4 server bytes missing"`},
		{"not rendered", NewWarning(3, WarnSMTPServerGap, "bytes", 4), `"frame 3: smtp-server-gap bytes=4"`},
		{"with file", Warning{File: "a.pcap", ID: WarnCaptureGaps, Args: map[string]string{"bytes": "9", "a": "b"}}, `"a.pcap: capture-gaps a=b, bytes=9"`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.w)
		if err != nil || string(b) != tt.want {
			t.Errorf("%s: %s %v, want %s", tt.name, b, err, tt.want)
		}
	}
	var back Warning
	if err := json.Unmarshal([]byte(`"frame 3: x"`), &back); err != nil || back.Text != "frame 3: x" {
		t.Errorf("read back %+v %v", back, err)
	}
}

func TestNewWarningFormatsValues(t *testing.T) {
	w := NewWarning(1, WarnCaptureDamaged, "frame", int64(7), "error", errors.New("bad"), "odd")
	if w.Args["frame"] != "7" || w.Args["error"] != "bad" || len(w.Args) != 2 || w.Frame != 1 || w.ID != WarnCaptureDamaged {
		t.Errorf("%+v", w)
	}
	if q := Quote("a\x1bb"); q != `"a\x1bb"` {
		t.Errorf("Quote = %s", q)
	}
}

func TestWarningIDsUnique(t *testing.T) {
	seen := map[WarningID]bool{}
	for _, id := range WarningIDs() {
		if seen[id] || id == "" {
			t.Errorf("warning id %q repeated or empty", id)
		}
		seen[id] = true
	}
}

func TestWarningsOfRecords(t *testing.T) {
	s := &Session{Warnings: []Warning{{ID: WarnSMTPUnsynced}}}
	Warnings(s)[0].Text = "x"
	if s.Warnings[0].Text != "x" || Warnings(&Command{}) != nil {
		t.Error("Warnings does not share the record's warnings")
	}
}
