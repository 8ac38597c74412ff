package grade

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestStudentID(t *testing.T) {
	tests := []struct {
		name, id string
		ok       bool
	}{
		{"alice.pcap", "alice", true},
		{"jean.dupont.pcapng", "jean.dupont", true},
		{"bob.PCAP", "bob", true},
		{"carol.pcap.gz", "carol", true},
		{"dave.cap", "dave", true},
		{"notes.txt", "", false},
		{".pcap", "", false},
		{"archive.gz", "", false},
	}
	for _, tc := range tests {
		id, ok := studentID(tc.name)
		if id != tc.id || ok != tc.ok {
			t.Errorf("studentID(%q) = %q, %v; want %q, %v", tc.name, id, ok, tc.id, tc.ok)
		}
	}
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"zoe.pcap", "alice/b.pcap", "alice/a.pcapng", "alice/sub/c.pcap",
		"alice/notes.txt", "bob.pcap", "bob.pcapng", "empty/.keep", ".hidden.pcap", "readme.md", ".git/x.pcap"} {
		write(f)
	}
	other := filepath.Join(t.TempDir(), "yann.pcap.gz")
	os.WriteFile(other, nil, 0o644)
	students, skipped, err := Collect([]string{dir, other})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range students {
		var rel []string
		for _, f := range s.Files {
			r, _ := filepath.Rel(dir, f)
			if strings.HasPrefix(r, "..") {
				r = filepath.Base(f)
			}
			rel = append(rel, filepath.ToSlash(r))
		}
		got = append(got, s.ID+":"+strings.Join(rel, ","))
	}
	want := []string{
		"alice:alice/a.pcapng,alice/b.pcap,alice/sub/c.pcap",
		"bob:bob.pcap,bob.pcapng",
		"empty:",
		"yann:yann.pcap.gz",
		"zoe:zoe.pcap",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("students\n got %q\nwant %q", got, want)
	}
	if len(skipped) != 2 || !strings.HasSuffix(skipped[0], "notes.txt") || !strings.HasSuffix(skipped[1], "readme.md") {
		t.Errorf("skipped %q", skipped)
	}
	if _, _, err := Collect([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing path gave no error")
	}
}

func TestReadStudents(t *testing.T) {
	m, err := ReadStudents(strings.NewReader("id,email\nalice, Alice@Lab.example\n\nbob,bob@lab.example,extra\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["alice"] != "alice@lab.example" || m["bob"] != "bob@lab.example" {
		t.Errorf("got %v", m)
	}
	for _, bad := range []string{"alice\n", "id,email\nalice,not-an-address\n", "id,email\n,x@y\n"} {
		if _, err := ReadStudents(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: error %v, want one naming the line", bad, err)
		}
	}
}

func TestCollectKeyLogs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"zoe.pcap", "zoe.keys", "orphan.keylog", "alice/a.pcapng", "alice/sslkeylog.txt",
		"alice/tb.keylog", "alice/notes.txt", "bob/b.pcap", "lone/x.pcap"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	single := filepath.Join(dir, "lone", "x.pcap")
	os.WriteFile(filepath.Join(dir, "lone", "x.keys"), nil, 0o644)
	students, skipped, err := Collect([]string{dir, single})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range students {
		var rel []string
		for _, k := range s.KeyLogs {
			r, _ := filepath.Rel(dir, k)
			rel = append(rel, filepath.ToSlash(r))
		}
		got[s.ID] = strings.Join(rel, ",")
	}
	want := map[string]string{"alice": "alice/sslkeylog.txt,alice/tb.keylog", "bob": "", "lone": "lone/x.keys", "x": "lone/x.keys", "zoe": "zoe.keys"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("key logs\n got %q\nwant %q", got, want)
	}
	var rel []string
	for _, s := range skipped {
		r, _ := filepath.Rel(dir, s)
		rel = append(rel, filepath.ToSlash(r))
	}
	if strings.Join(rel, ",") != "alice/notes.txt,orphan.keylog" {
		t.Errorf("skipped %q", rel)
	}
}
