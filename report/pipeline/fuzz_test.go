package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report/jsonl"
)

// FuzzCapture feeds arbitrary bytes as a capture file through the whole
// analysis: the file readers, decoding, reassembly and every dissector,
// on one shard and spread over three, which must give the same records.
func FuzzCapture(f *testing.F) {
	paths, _ := filepath.Glob("../../captures/*.pcap")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		one, ok := fuzzRecords(t, data, 1)
		if !ok {
			return
		}
		if three, _ := fuzzRecords(t, data, 3); !bytes.Equal(one, three) {
			t.Fatalf("three shards differ from one:\n%s", recordtest.FirstDiff(one, three))
		}
	})
}

// fuzzRecords are the records of data as JSON Lines, with small limits;
// false when data is no capture.
func fuzzRecords(t *testing.T, data []byte, workers int) ([]byte, bool) {
	src, err := capfile.NewReader("fuzz", bytes.NewReader(data), nil)
	if err != nil {
		return nil, false
	}
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	opt := Options{Workers: workers, OnRecord: func(r record.Record) { w.Write(r) }}
	opt.Dissect.Limits.MaxLine = 4096
	opt.Dissect.Limits.MaxLiteral = 1 << 16
	opt.Dissect.Limits.MaxMessage = 1 << 16
	opt.Dissect.Limits.MaxAttachment = 1 << 16
	opt.Dissect.Limits.MaxWarnings = 10
	if _, err := Read(src, opt); err != nil {
		t.Fatalf("read: %v", err)
	}
	w.Flush()
	return buf.Bytes(), true
}
