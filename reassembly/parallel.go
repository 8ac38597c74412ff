package reassembly

import (
	"io"
	"sync"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// A capture is spread over shards by the pair of IP addresses of each
// packet: both directions of a connection, and every fragment of a
// datagram, land in the same shard, which owns their reassembly.
const (
	batchPackets = 256
	batchBytes   = 1 << 20
	batchesQueue = 4 // batches in flight per shard
)

type queued struct {
	off, n int
	ci     gopacket.CaptureInfo
	lt     layers.LinkType
	frame  int64
}

// batch carries packets to a shard; its bytes are copied out of the
// reader's reused buffer into arena.
type batch struct {
	arena []byte
	pkts  []queued
	// upTo, when set, is a checkpoint: every packet of the shard up to
	// that frame is in this batch or an earlier one.
	upTo int64
}

func (b *batch) full() bool { return len(b.pkts) == batchPackets || len(b.arena) >= batchBytes }

// RunParallel is Run on one engine per sink, each on its own goroutine.
// Each sink sees the conversations of its shard in capture order.
func RunParallel(src Source, sinks []Sink, opt Options) (Stats, error) {
	if len(sinks) == 1 {
		return Run(src, sinks[0], opt)
	}
	n := len(sinks)
	work := make([]chan *batch, n)
	free := make(chan *batch, n*(batchesQueue+1))
	for i := 0; i < n*(batchesQueue+1); i++ {
		free <- &batch{arena: make([]byte, 0, batchBytes+65536), pkts: make([]queued, 0, batchPackets)}
	}
	results := make([]Stats, n)
	// total is the number of frames read, known to the shards once their
	// work channels are closed.
	var total int64
	var wg sync.WaitGroup
	for i := range sinks {
		work[i] = make(chan *batch, batchesQueue)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			e := newEngine(sinks[i], opt, n)
			for b := range work[i] {
				for _, q := range b.pkts {
					e.packet(b.arena[q.off:q.off+q.n], q.ci, q.lt, q.frame)
				}
				if b.upTo > 0 {
					e.checkpoint(b.upTo)
				}
				b.arena, b.pkts, b.upTo = b.arena[:0], b.pkts[:0], 0
				free <- b
			}
			results[i] = e.finish(total)
		}(i)
	}
	st, err := spread(src, work, free)
	total = st.Packets
	for _, w := range work {
		close(w)
	}
	wg.Wait()
	for _, r := range results {
		st = st.merge(r)
	}
	return st, err
}

// spread reads src and sends each packet to its shard, in batches.
func spread(src Source, work []chan *batch, free chan *batch) (Stats, error) {
	var st Stats
	pending := make([]*batch, len(work))
	dec := newDecoder()
	for {
		data, ci, lt, err := src.Next()
		if err != nil {
			for i, b := range pending {
				if b != nil {
					work[i] <- b
				}
			}
			if err == io.EOF {
				err = nil
			}
			return st, err
		}
		st.count(ci, data, lt, st.Packets+1)
		i := shardOf(dec, lt, data, len(work))
		b := pending[i]
		if b == nil {
			b = <-free
			pending[i] = b
		}
		b.pkts = append(b.pkts, queued{off: len(b.arena), n: len(data), ci: ci, lt: lt, frame: st.Packets})
		b.arena = append(b.arena, data...)
		if b.full() {
			work[i] <- b
			pending[i] = nil
		}
		if st.Packets%checkpointEvery == 0 {
			checkpoint(work, free, pending, st.Packets)
		}
	}
}

// checkpoint sends every shard its pending packets, or an empty batch,
// marked with the frame read so far: shards that see few packets still
// learn that the capture moved on.
func checkpoint(work []chan *batch, free chan *batch, pending []*batch, upTo int64) {
	for i := range work {
		b := pending[i]
		if b == nil {
			b = <-free
		}
		b.upTo = upTo
		work[i] <- b
		pending[i] = nil
	}
}

// shardOf hashes the packet's IP address pair, the same both ways.
func shardOf(dec *decoder, lt layers.LinkType, data []byte, n int) int {
	first, ok := firstLayer(lt, data)
	if !ok {
		return 0
	}
	dec.decoded = dec.decoded[:0]
	_ = dec.ipOnly[first].DecodeLayers(data, &dec.decoded)
	for _, t := range dec.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			return int(dec.ip4.NetworkFlow().FastHash() % uint64(n))
		case layers.LayerTypeIPv6:
			return int(dec.ip6.NetworkFlow().FastHash() % uint64(n))
		}
	}
	return 0
}
