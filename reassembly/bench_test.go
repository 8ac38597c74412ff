package reassembly

import (
	"os"
	"testing"

	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen/mailgen"
)

// BenchmarkFloor reads, decodes and reassembles a capture and throws the
// data away: the speed no analysis can beat.
func BenchmarkFloor(b *testing.B) {
	path, _, err := mailgen.BenchFile(mailgen.BenchMB())
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := capfile.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(src, Discard, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
		src.Close()
	}
}
