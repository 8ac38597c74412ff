package capfile

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func TestTarArchiveIsExplained(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "evidence.pcap", Mode: 0o644, Size: 4})
	tw.Write([]byte{0xd4, 0xc3, 0xb2, 0xa1})
	tw.Close()
	zw.Close()
	_, err := NewReader("evidence.pcap.tgz", &buf, nil)
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "tar archive") {
		t.Fatalf("err = %v", err)
	}
}

func TestShortFileIsNotACapture(t *testing.T) {
	for _, in := range []string{"", "ab", "\x1f\x8b"} {
		if _, err := NewReader("x", strings.NewReader(in), nil); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
