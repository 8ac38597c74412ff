package cms

import "testing"

func BenchmarkParseEnveloped(b *testing.B) {
	s := seeds(b)
	if len(s) == 0 {
		b.Skip("no enveloped fixtures")
	}
	b.SetBytes(int64(len(s[0])))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEnveloped(s[0]); err != nil {
			b.Fatal(err)
		}
	}
}
