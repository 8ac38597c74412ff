package reassembly

import (
	"encoding/binary"
	"io"
	"sync"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// A capture is spread over shards by the flow of each packet (its
// addresses and ports, the same both ways): both directions of a
// connection land in the same shard, which owns their reassembly, and the
// conversations of one client and one server spread over the shards.
// IP fragments are put back together before they are spread, as only the
// first carries the ports.
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
	r := newRouter(len(work))
	for {
		data, ci, lt, err := src.Next()
		if err == ErrIdle {
			continue
		}
		if err != nil {
			for i, b := range pending {
				if b != nil {
					work[i] <- b
				}
			}
			st.FragmentsDropped = r.dec.fragsDropped
			if err == io.EOF {
				err = nil
			}
			return st, err
		}
		st.count(ci, data, lt, st.Packets+1)
		if i, data, lt, ok := r.route(lt, data, ci); ok {
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

// router picks each packet's shard by its flow, and puts IP fragments
// back together: a whole datagram goes to its flow's shard as raw IP, in
// the place of its last fragment, as a shard's own decoder would have
// given it.
type router struct {
	dec   *decoder
	n     uint64
	out   gopacket.SerializeBuffer
	clock expiry
}

func newRouter(shards int) *router {
	return &router{dec: newDecoder(), n: uint64(shards), out: gopacket.NewSerializeBuffer()}
}

// route returns the packet's shard and what to send it: the packet, or a
// whole datagram. ok is false for a fragment held until its datagram is
// whole.
func (r *router) route(lt layers.LinkType, data []byte, ci gopacket.CaptureInfo) (int, []byte, layers.LinkType, bool) {
	d := r.dec
	if r.clock.due(ci.Timestamp) {
		d.expire(ci.Timestamp.Add(-fragmentWait))
	}
	first, ok := firstLayer(lt, data)
	if !ok {
		return 0, data, lt, true
	}
	// Most packets need their IP header only: the ports are the first
	// bytes of its payload.
	d.decoded = d.decoded[:0]
	_ = d.ipOnly[first].DecodeLayers(data, &d.decoded)
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				return r.whole4(ci)
			}
			return r.shard(d.ip4.NetworkFlow(), d.ip4.Protocol, d.ip4.Payload), data, lt, true
		case layers.LayerTypeIPv6:
			switch d.ip6.NextHeader {
			case layers.IPProtocolTCP, layers.IPProtocolUDP:
				return r.shard(d.ip6.NetworkFlow(), d.ip6.NextHeader, d.ip6.Payload), data, lt, true
			}
			return r.extended(lt, data, ci)
		}
	}
	return 0, data, lt, true
}

// extended routes an IPv6 packet with extension headers, a fragment one
// among them maybe.
func (r *router) extended(lt layers.LinkType, data []byte, ci gopacket.CaptureInfo) (int, []byte, layers.LinkType, bool) {
	d := r.dec
	first, _ := firstLayer(lt, data)
	d.decoded = d.decoded[:0]
	_ = d.parsers[first].DecodeLayers(data, &d.decoded)
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv6Fragment:
			if d.ip6frag.FragmentOffset != 0 || d.ip6frag.MoreFragments {
				return r.whole6(ci)
			}
		case layers.LayerTypeTCP:
			return r.shard(d.ip6.NetworkFlow(), layers.IPProtocolTCP, d.tcp.Contents), data, lt, true
		case layers.LayerTypeUDP:
			return r.shard(d.ip6.NetworkFlow(), layers.IPProtocolUDP, d.udp.Contents), data, lt, true
		}
	}
	return r.shard(d.ip6.NetworkFlow(), 0, nil), data, lt, true
}

// shard hashes a flow, the same both ways: its addresses, and its ports
// for TCP and UDP (the first bytes of transport, the segment or datagram
// from its header on).
func (r *router) shard(net gopacket.Flow, proto layers.IPProtocol, transport []byte) int {
	var ports uint64
	if (proto == layers.IPProtocolTCP || proto == layers.IPProtocolUDP) && len(transport) >= 4 {
		a, b := binary.BigEndian.Uint16(transport), binary.BigEndian.Uint16(transport[2:])
		ports = uint64(min(a, b))<<16 | uint64(max(a, b))
	}
	h := (net.FastHash() ^ ports) * 0x9e3779b97f4a7c15
	return int((h ^ h>>32) % r.n)
}

func (r *router) whole4(ci gopacket.CaptureInfo) (int, []byte, layers.LinkType, bool) {
	whole := r.dec.whole4(ci.Timestamp)
	if whole == nil {
		return 0, nil, 0, false
	}
	return r.send(whole, whole.NetworkFlow(), whole.Protocol, whole.Payload, layers.LinkTypeIPv4)
}

func (r *router) whole6(ci gopacket.CaptureInfo) (int, []byte, layers.LinkType, bool) {
	whole := r.dec.whole6(ci.Timestamp)
	if whole == nil {
		return 0, nil, 0, false
	}
	return r.send(whole, whole.NetworkFlow(), whole.NextHeader, whole.Payload, layers.LinkTypeIPv6)
}

// send writes a whole datagram as raw IP, for the shard of its flow.
func (r *router) send(ip gopacket.SerializableLayer, net gopacket.Flow, proto layers.IPProtocol, payload []byte, lt layers.LinkType) (int, []byte, layers.LinkType, bool) {
	err := gopacket.SerializeLayers(r.out, gopacket.SerializeOptions{FixLengths: true}, ip, gopacket.Payload(payload))
	if err != nil {
		return 0, nil, 0, false
	}
	return r.shard(net, proto, payload), r.out.Bytes(), lt, true
}
