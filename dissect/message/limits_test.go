package message

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

func TestLimits(t *testing.T) {
	nested := func(depth int) string {
		var b strings.Builder
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\n\ndeep\n")
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\n", i)
		}
		return b.String()
	}
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("Content-Type: multipart/mixed; boundary=b\n\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "--b\nContent-Type: application/octet-stream; name=f%d\n\nx\n", i)
		}
		b.WriteString("--b--\n")
		return b.String()
	}
	fields := func(n int) string {
		return strings.Repeat("X-A: b\n", n) + "\nbody\n"
	}
	cases := []struct {
		name, raw   string
		attachments int
		mimeLines   int
		warning     string
	}{
		{"NestingBeyondMaxDepthStops", nested(maxDepth + 5), 0, maxDepth + 1, "nested deeper than 20"},
		{"PartsBeyondMaxPartsStop", many(maxParts + 10), maxParts - 1, maxParts, "more than 1000 MIME parts"},
		{"FieldsBeyondMaxFieldsIgnored", fields(maxFields + 10), 0, 1, "more than 1000 header fields"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Analyze(crlf(c.raw), Options{})
			if len(m.Attachments) != c.attachments || len(m.MIME) != c.mimeLines {
				t.Errorf("attachments %d mime lines %d, want %d %d", len(m.Attachments), len(m.MIME), c.attachments, c.mimeLines)
			}
			n := 0
			for _, w := range recordtest.Texts(m.Warnings) {
				if strings.Contains(w, c.warning) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("warning %q given %d times in %q", c.warning, n, m.Warnings)
			}
		})
	}
}

func TestWarningsAreBounded(t *testing.T) {
	m := Analyze(crlf("Subject: x\n"+strings.Repeat("broken\n", 500)+"\n"), Options{})
	if len(m.Warnings) != maxWarnings+1 || !strings.Contains(recordtest.Texts(m.Warnings)[maxWarnings], "450 more warnings") {
		t.Errorf("%d warnings, last %q", len(m.Warnings), m.Warnings[len(m.Warnings)-1])
	}
}
