package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailwire/mailwire/reassembly/capfile"
)

// FuzzCapture feeds arbitrary bytes as a capture file through the whole
// analysis: the file readers, decoding, reassembly and every dissector.
func FuzzCapture(f *testing.F) {
	paths, _ := filepath.Glob("../../captures/*.pcap")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := capfile.NewReader("fuzz", bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		opt := Options{}
		opt.Dissect.Limits.MaxLine = 4096
		opt.Dissect.Limits.MaxLiteral = 1 << 16
		opt.Dissect.Limits.MaxMessage = 1 << 16
		opt.Dissect.Limits.MaxAttachment = 1 << 16
		opt.Dissect.Limits.MaxWarnings = 10
		if _, err := Read(src, opt); err != nil {
			t.Fatalf("read: %v", err)
		}
	})
}
