package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"slices"
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
		// Pushed in pieces, any input decodes as Read decodes it whole.
		want, _ := io.ReadAll(newQPReader(data))
		var got2 []byte
		q := &qpReader{}
		for i, n := 0, 1; i < len(data); i, n = i+n, n*3%4099+1 {
			q.push(data[i:min(i+n, len(data))], func(b []byte) { got2 = append(got2, b...) })
		}
		q.end(func(b []byte) { got2 = append(got2, b...) })
		if !bytes.Equal(got2, want) {
			t.Fatalf("pushed in pieces, %q decodes to %q, want %q", data, got2, want)
		}
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
		got, err := io.ReadAll(newBase64Reader(enc.Bytes()))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip of %x gave %x (%v)", data, got, err)
		}
		io.ReadAll(newBase64Reader(data))
	})
}

// lenientBase64 is the rule base64Reader follows, one byte at a time:
// bytes outside the alphabet are skipped, "=" ends the current quantum,
// and the end of the input ends the last one.
func lenientBase64(in []byte) []byte {
	var out []byte
	var q uint32
	n := 0
	flush := func() {
		switch n {
		case 2:
			out = append(out, byte(q>>4))
		case 3:
			out = append(out, byte(q>>10), byte(q>>2))
		}
		q, n = 0, 0
	}
	for _, c := range in {
		switch v := base64Values[c]; {
		case v < 64:
			q, n = q<<6|uint32(v), n+1
			if n == 4 {
				out = append(out, byte(q>>16), byte(q>>8), byte(q))
				q, n = 0, 0
			}
		case c == '=':
			flush()
		}
	}
	flush()
	return out
}

// FuzzBase64Lenient: whatever the input (lines of any length, padding
// in the middle, stray bytes, chunks cut anywhere), the reader's fast
// paths give the bytes of the one-byte-at-a-time rule.
func FuzzBase64Lenient(f *testing.F) {
	f.Add([]byte("R0lGODlh\r\nAQAB\r\n"), 0)
	f.Add([]byte("QQ==QkM=\nREVG\n"), 3)
	f.Add([]byte("QUJD\nR!EVG\nSEk=\n"), 20000)
	f.Fuzz(func(t *testing.T, data []byte, lineLen int) {
		// Wrap the input in lines of lineLen so that long, clean runs
		// (the fast path) are tried as well as the fuzzer's own bytes.
		in := data
		if l := lineLen % 200; l > 0 {
			s := base64.StdEncoding.EncodeToString(bytes.Repeat(data, 1+base64Chunk/(len(data)+1)))
			var b bytes.Buffer
			for i := 0; i < len(s); i += l {
				b.WriteString(s[i:min(i+l, len(s))] + "\r\n")
			}
			b.Write(data)
			in = b.Bytes()
		}
		got, err := io.ReadAll(newBase64Reader(in))
		if want := lenientBase64(in); err != nil || !bytes.Equal(got, want) {
			at := 0
			for at < min(len(got), len(want)) && got[at] == want[at] {
				at++
			}
			t.Fatalf("decoding %d bytes (starting %q) gave %d bytes (%v), want %d: first difference at byte %d",
				len(in), in[:min(len(in), 80)], len(got), err, len(want), at)
		}
	})
}

// TestBase64StrayByteInAnyPlace: a byte outside the alphabet anywhere in
// a line, which the line-at-once path must notice, decodes by the rule.
func TestBase64StrayByteInAnyPlace(t *testing.T) {
	line := []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("mailwire"), 57/8*3)))[:76]
	for at := range line {
		for _, c := range []byte{'!', '=', 0, 0x80, 0xff, '\r', '\n', ' '} {
			in := slices.Concat(line, []byte("\r\n"), line, []byte("\r\n"))
			in[78+at] = c
			got, _ := io.ReadAll(newBase64Reader(in))
			if want := lenientBase64(in); !bytes.Equal(got, want) {
				t.Fatalf("byte %q at %d: got %d bytes, want %d", c, at, len(got), len(want))
			}
		}
	}
}
