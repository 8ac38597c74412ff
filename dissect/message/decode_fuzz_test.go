package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"testing"
)

// FuzzQuotedPrintableRoundTrip: whatever Go's encoder writes, the lenient
// decoder gives back exactly, and it never fails on any input.
func FuzzQuotedPrintableRoundTrip(f *testing.F) {
	f.Add([]byte("caf\xe9 cr\xe8me\r\n  trailing  \r\n=="))
	f.Add(bytes.Repeat([]byte("a"), 5000))
	f.Fuzz(func(t *testing.T, data []byte) {
		var enc bytes.Buffer
		w := quotedprintable.NewWriter(&enc)
		w.Binary = true
		w.Write(data)
		w.Close()
		got, err := io.ReadAll(newQPReader(enc.Bytes()))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip of %q through %q gave %q (%v)", data, enc.Bytes(), got, err)
		}
		io.ReadAll(newQPReader(data))
	})
}

// FuzzBase64RoundTrip: standard base64 in 76-character CRLF lines decodes
// back exactly, and any input decodes without failing.
func FuzzBase64RoundTrip(f *testing.F) {
	f.Add([]byte("GIF89a\x01\x00"))
	f.Add(bytes.Repeat([]byte{0xff}, 3000))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := base64.StdEncoding.EncodeToString(data)
		var enc bytes.Buffer
		for i := 0; i < len(s); i += 76 {
			enc.WriteString(s[i:min(i+76, len(s))])
			enc.WriteString("\r\n")
		}
		got, err := io.ReadAll(newBase64Reader(&enc))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip of %x gave %x (%v)", data, got, err)
		}
		io.ReadAll(newBase64Reader(bytes.NewReader(data)))
	})
}
