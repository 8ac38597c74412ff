package pipeline

import (
	"bytes"
	"fmt"
	"net"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/pcapgen"
)

// Each hostile capture of this file is generated small, analysed, and
// checked for its warning and for memory: the peak of live heap objects
// while it is analysed, sampled every few milliseconds.

// peakHeap runs f and returns the most live heap seen while it ran
// (collected every few milliseconds, so that garbage does not count),
// and the bytes it allocated in all.
func peakHeap(t *testing.T, f func()) (peak, allocated uint64) {
	t.Helper()
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

func analyseWith(t *testing.T, data []byte, opt Options) *Result {
	t.Helper()
	src, err := capfile.NewReader("hostile.pcap", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func warned(res *Result, part string) bool {
	return strings.Contains(strings.Join(res.Capture.Warnings, "\n"), part)
}

// A new SYN on the addresses and ports of a connection that never closed
// starts a new connection: no gap of the distance between the two
// initial sequence numbers, no overlap, every session analysed.
func TestReusedPortsStartANewConnection(t *testing.T) {
	w, buf := newPcap(t)
	const n = 50
	for i := 0; i < n; i++ {
		c := w.Conn(client, server, 40100, 25)
		c.SetISN(uint32(i)*0x3000_0000+77, uint32(i)*0x2000_0000+99)
		c.Handshake()
		c.ServerSays("220 mail ESMTP\r\n")
		c.ClientSays("EHLO me\r\n")
		c.ServerSays("250 mail\r\n")
		// No FIN, no RST: the capture lost the end.
	}
	for _, workers := range []int{1, 4} {
		res := analyseWith(t, buf.Bytes(), Options{Workers: workers})
		if res.Sessions != n {
			t.Errorf("workers %d: %d sessions, want %d", workers, res.Sessions, n)
		}
		if res.Stats.GapBytes != 0 || res.Stats.OverlapBytes != 0 {
			t.Errorf("workers %d: gap %d bytes, overlap %d bytes over reused ports", workers, res.Stats.GapBytes, res.Stats.OverlapBytes)
		}
		if res.Stats.ConnsReused != n-1 || res.Stats.ConnsEvicted != 0 {
			t.Errorf("workers %d: %d reused, %d evicted; want %d reused", workers, res.Stats.ConnsReused, res.Stats.ConnsEvicted, n-1)
		}
	}
}

// A retransmitted SYN is not a new connection.
func TestRetransmittedSYNKeepsTheConnection(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40101, 25)
	syn := pcapgen.Segment{Src: client, Dst: server, SrcPort: 40101, DstPort: 25, Seq: 1000 + 40101*7, SYN: true}
	w.TCP(syn)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	w.TCP(syn)
	c.ClientSays("EHLO me\r\n")
	c.Close()
	res := analyseWith(t, buf.Bytes(), Options{})
	if res.Sessions != 1 || res.Stats.ConnsReused != 0 {
		t.Fatalf("%d sessions, %d reused", res.Sessions, res.Stats.ConnsReused)
	}
}

// A flood of SYNs that all carry one timestamp: the bound on connections
// holds by count, the oldest are closed with a warning, and connections
// closed by FIN are not counted as closed early.
func TestSYNFloodWithOneTimestampIsBoundedByCount(t *testing.T) {
	run := func(flood int) (*Result, uint64) {
		w, buf := newPcap(t)
		w.Step = 0
		legit := w.Conn(client, server, 40102, 25)
		legit.Handshake()
		legit.ServerSays("220 mail ESMTP\r\n")
		legit.ClientSays("EHLO me\r\n")
		legit.ServerSays("250 mail\r\n")
		legit.Close()
		for i := 0; i < flood; i++ {
			ip := net.IPv4(10, byte(i>>16), byte(i>>8), byte(i))
			w.TCP(pcapgen.Segment{Src: ip, Dst: server, SrcPort: uint16(1024 + i%60000), DstPort: 25, Seq: uint32(i), SYN: true})
		}
		opt := Options{Workers: 2}
		opt.Reassembly = reassembly.DefaultOptions()
		opt.Reassembly.MaxConns = 10000
		var res *Result
		peak, _ := peakHeap(t, func() { res = analyseWith(t, buf.Bytes(), opt) })
		// The capture itself is in memory too.
		return res, peak - min(peak, uint64(buf.Cap()))
	}
	small, smallPeak := run(40000)
	res, peak := run(160000)
	t.Logf("peak heap past the input: %d MiB for 40,000 SYNs, %d MiB for 160,000", smallPeak>>20, peak>>20)
	if small.Sessions != 1 || res.Sessions != 1 {
		t.Errorf("sessions %d and %d, want the legitimate one", small.Sessions, res.Sessions)
	}
	if ev := res.Stats.ConnsEvicted; ev < 160000-10000 || ev > 160000 {
		t.Errorf("%d connections evicted, want between %d and %d", ev, 160000-10000, 160000)
	}
	if !warned(res, fmt.Sprintf("%d connections were closed early", res.Stats.ConnsEvicted)) {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	if peak > smallPeak+16<<20 {
		t.Errorf("memory grows with the flood: %d MiB for 40,000 SYNs, %d MiB for 160,000", smallPeak>>20, peak>>20)
	}
}
