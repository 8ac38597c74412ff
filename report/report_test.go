package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff", name)
	}
}

func render(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGoldenLabSequence(t *testing.T) {
	c := labCapture()
	caps, sum := []Capture{c}, labSummary(c)
	for _, lang := range []string{"en", "fr"} {
		opt := Options{Lang: lang, Width: 100}
		golden(t, "lab."+lang+".txt", render(t, func(b *bytes.Buffer) error { return WriteText(b, caps, sum, opt) }))
		golden(t, "lab."+lang+".md", render(t, func(b *bytes.Buffer) error { return WriteMarkdown(b, caps, sum, opt) }))
		golden(t, "lab."+lang+".html", render(t, func(b *bytes.Buffer) error { return WriteHTML(b, caps, sum, opt) }))
	}
	opt := Options{Lang: "en", Width: 100, Color: true}
	golden(t, "lab.en.color.txt", render(t, func(b *bytes.Buffer) error { return WriteText(b, caps, sum, opt) }))
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestColorOnlyAddsEscapes(t *testing.T) {
	c := labCapture()
	caps, sum := []Capture{c}, labSummary(c)
	plain := render(t, func(b *bytes.Buffer) error { return WriteText(b, caps, sum, Options{Lang: "fr"}) })
	colored := render(t, func(b *bytes.Buffer) error { return WriteText(b, caps, sum, Options{Lang: "fr", Color: true}) })
	if bytes.Equal(plain, colored) {
		t.Fatal("Color changed nothing")
	}
	if bytes.Contains(plain, []byte("\x1b")) {
		t.Error("escape sequence without Color")
	}
	if got := ansi.ReplaceAll(colored, nil); !bytes.Equal(got, plain) {
		t.Error("coloured text differs from plain text once its escapes are removed")
	}
}
