package reassembly

import (
	"os"
	"testing"
	"time"

	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/pcapgen/mailgen"
	"github.com/mailwire/mailwire/reassembly/stream"
)

type discard struct{}

func (discard) NewConversation(stream.Flow, bool, time.Time, int64) stream.Handler { return discard{} }
func (discard) Datagram(*stream.Datagram)                                          {}
func (discard) Handle(*stream.Event)                                               {}
func (discard) Close(time.Time, int64)                                             {}

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
		if _, err := Run(src, discard{}, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
		src.Close()
	}
}
