// Package heapwatch measures, for tests, how much memory a piece of work
// keeps live at its peak: the bound a test asserts, whatever garbage the
// work leaves for the collector.
package heapwatch

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// Peak runs f and returns the most live heap seen while it ran above
// what was live before (collected every few milliseconds, so that
// garbage does not count), and the bytes it allocated in all.
func Peak(f func()) (peak, allocated uint64) {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(samples)
	base, allocBase := samples[0].Value.Uint64(), samples[1].Value.Uint64()
	done := make(chan struct{})
	stopped := make(chan uint64)
	go func() {
		var max uint64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				stopped <- max
				return
			case <-tick.C:
			}
			runtime.GC()
			s := samples[:1:1]
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > max {
				max = v
			}
		}
	}()
	f()
	close(done)
	max := <-stopped
	metrics.Read(samples)
	if max > base {
		peak = max - base
	}
	return peak, samples[1].Value.Uint64() - allocBase
}
