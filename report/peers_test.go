package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
)

// peersDir holds public captures of other projects (never copied here).
const peersDir = "../../shared/corpus/peers"

// TestPeerCapturesRenderInert renders every public peer capture in the
// three formats: whatever their traffic holds, no renderer may fail or
// let a control character or a bidi override through.
func TestPeerCapturesRenderInert(t *testing.T) {
	if _, err := os.Stat(peersDir); err != nil {
		t.Skipf("peer captures not found at %s", peersDir)
	}
	var files []string
	filepath.WalkDir(peersDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".pcap") || strings.HasSuffix(p, ".pcapng")) {
			files = append(files, p)
		}
		return nil
	})
	t.Logf("%d peer captures", len(files))
	if testing.Short() && len(files) > 10 {
		files = files[:10]
	}
	for _, path := range files {
		c := analyse(t, path)
		caps := []report.Capture{c.capture()}
		for _, w := range []struct {
			name  string
			write func(*bytes.Buffer) error
		}{
			{"text", func(b *bytes.Buffer) error {
				return report.WriteText(b, caps, &record.Summary{}, report.Options{Lang: "fr"})
			}},
			{"markdown", func(b *bytes.Buffer) error { return report.WriteMarkdown(b, caps, nil, report.Options{Lang: "en"}) }},
			{"html", func(b *bytes.Buffer) error { return report.WriteHTML(b, caps, nil, report.Options{Lang: "fr"}) }},
		} {
			var b bytes.Buffer
			if err := w.write(&b); err != nil {
				t.Fatalf("%s %s: %v", path, w.name, err)
			}
			for _, r := range b.String() {
				if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Errorf("%s %s: unsafe rune %U", path, w.name, r)
					break
				}
			}
		}
	}
}
