// Package reassembly turns captured packets into conversations: it decodes
// the link and IP layers, defragments, reassembles TCP in both directions
// with gopacket's reassembly package and hands ordered events to the
// dissectors through the stream package. UDP datagrams are passed on whole.
// RunParallel spreads one capture over shards by address pair, so that both
// directions of a connection and every fragment of a datagram meet in one
// shard. Memory is bounded by page and connection limits driven by capture
// time.
package reassembly

import (
	"errors"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	gr "github.com/gopacket/gopacket/reassembly"

	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Sink receives what reassembly finds.
type Sink interface {
	// NewConversation is called at a connection's first packet; midStream
	// is set when its opening handshake was not captured.
	NewConversation(flow stream.Flow, midStream bool, start time.Time, frame int64) stream.Handler
	Datagram(d *stream.Datagram)
}

// Checkpointer is a Sink told, now and then, that every packet of the
// capture up to frame upTo that belongs to it has been handled (t is the
// capture time of its latest packet), so that it can pass on what can no
// longer change. done is set once, at the end, after every conversation was
// closed.
type Checkpointer interface {
	Checkpoint(upTo int64, t time.Time, done bool)
}

// checkpointEvery is how many packets of the capture pass between two
// checkpoints.
const checkpointEvery = 4096

// Source yields packets with their link type, as capfile.Reader does.
type Source interface {
	Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error)
}

// Options bound memory and say when to give up waiting for missing data.
type Options struct {
	// MaxPages bounds the out-of-order bytes buffered, in pages of about
	// 2 KiB, in total and per connection.
	MaxPages, MaxPagesPerConn int
	// HoleTimeout is how long, in capture time, a hole in a stream is
	// waited for before it is reported as a gap and skipped.
	HoleTimeout time.Duration
	// IdleTimeout closes connections silent for that long (capture time).
	IdleTimeout time.Duration
	// MaxConns bounds open connections, over every shard: past it, those
	// whose last packet is the oldest are closed (and counted).
	MaxConns int
}

// DefaultOptions keep resident memory well under 256 MiB.
func DefaultOptions() Options {
	return Options{MaxPages: 32768, MaxPagesPerConn: 4096, HoleTimeout: 10 * time.Second,
		IdleTimeout: 10 * time.Minute, MaxConns: 50000}
}

// Stats describe one run.
type Stats struct {
	Packets       int64
	Bytes         int64
	First, Last   time.Time
	Conversations int64
	Datagrams     int64
	GapBytes      int64
	// CutPackets were cut short by the capture's snap length; CutFrame is
	// the first of them.
	CutPackets int64
	CutFrame   int64
	// BigPackets were longer than capfile.MaxPacket and only that much
	// of them was read (by the capture tool or the file reader); BigFrame
	// is the first of them.
	BigPackets, BigFrame int64
	// Undecoded frames had a link type mailwire does not decode.
	Undecoded int64
	// ConnsEvicted were closed early to respect MaxConns (never those
	// closed by FIN, RST or idleness).
	ConnsEvicted int64
	// FragmentsDropped are IP datagrams whose fragments were dropped,
	// unassembled, because too many were waiting at once.
	FragmentsDropped int64
	// ConnsReused were replaced by a new connection on the same addresses
	// and ports (a new SYN) before they had closed.
	ConnsReused int64
	// OverlapBytes were received again over data already delivered
	// (retransmissions, or overlaps that may carry other bytes: the first
	// copy is kept, as most receivers do).
	OverlapBytes, OverlapPackets int64
}

type runner struct {
	sink  Sink
	opt   Options
	stats Stats
	open  int
	// maxConns is this shard's part of MaxConns.
	maxConns int
	// injecting is set while the engine feeds the assembler packets of
	// its own (resets that close a connection).
	injecting bool
	// conns finds a connection's state from a packet, to see whether the
	// packet acknowledges bytes that were never captured.
	conns map[connKey]*tcpConn
}

type connKey struct{ net, tcp gopacket.Flow }

// ackedHoleGrace spares segments reordered in the last instants from a
// flush triggered by an acknowledged hole.
const ackedHoleGrace = 2 * time.Millisecond

// connOf finds the open connection p belongs to, and p's direction in it
// (0 from the side the connection was first seen from).
func (r *runner) connOf(p packet) (*tcpConn, int) {
	tf := p.tcp.TransportFlow()
	if c := r.conns[connKey{p.netFlow, tf}]; c != nil {
		return c, 0
	}
	if c := r.conns[connKey{p.netFlow.Reverse(), tf.Reverse()}]; c != nil {
		return c, 1
	}
	return nil, 0
}

// acksLostBytes tells whether p, going direction d of c, acknowledges
// data of the other direction beyond a hole that direction has buffered
// data after.
func (r *runner) acksLostBytes(c *tcpConn, d int, p packet) bool {
	if c == nil || !p.tcp.ACK {
		return false
	}
	other := 1 - d
	if !c.ahead[other] || c.next[other] == -1 {
		return false
	}
	if c.next[other].Difference(gr.Sequence(p.tcp.Ack)) <= 0 {
		return false
	}
	c.ahead[other] = false
	return true
}

// bare tells whether t carries nothing: no data, no SYN, FIN or RST.
func bare(t *layers.TCP) bool {
	return len(t.Payload) == 0 && !t.SYN && !t.FIN && !t.RST
}

// flushEvery is how many packets pass between two checks of the capture
// clock for holes and idle connections.
const flushEvery = 4096

// engine decodes and reassembles the packets given to it; one runs per
// shard when a capture is analysed on several cores.
type engine struct {
	r     *runner
	asm   *gr.Assembler
	dec   *decoder
	slab  contextSlab
	dg    stream.Datagram
	clock expiry
	now   time.Time
	cp    Checkpointer
}

func newEngine(sink Sink, opt Options, shards int) *engine {
	r := &runner{sink: sink, opt: opt, conns: map[connKey]*tcpConn{}}
	if opt.MaxConns > 0 {
		r.maxConns = max(opt.MaxConns/shards, 1)
	}
	asm := gr.NewAssembler(gr.NewStreamPool(&factory{run: r}))
	asm.MaxBufferedPagesTotal = opt.MaxPages
	asm.MaxBufferedPagesPerConnection = opt.MaxPagesPerConn
	cp, _ := sink.(Checkpointer)
	return &engine{r: r, asm: asm, dec: newDecoder(), cp: cp}
}

// packet handles one frame; frame is its number in the capture.
func (e *engine) packet(data []byte, ci gopacket.CaptureInfo, lt layers.LinkType, frame int64) {
	if ci.Timestamp.After(e.now) {
		e.now = ci.Timestamp
	}
	// Holes that timed out are closed before this packet is seen, so
	// that events stay in capture order.
	if e.clock.due(ci.Timestamp) {
		e.r.flush(e.asm, e.dec, ci.Timestamp)
	}
	p, ok := e.dec.decode(lt, data, ci)
	switch {
	case !ok:
	case p.tcp != nil:
		// One look-up serves every check: a SYN that closes c is no
		// ACK, and the two others only ask about ACKs.
		c, d := e.r.connOf(p)
		if p.tcp.SYN && !p.tcp.ACK {
			e.reuse(c, d, p, ci, frame)
		}
		if c == nil && bare(p.tcp) {
			// The last ACK after both FINs: it would open a connection
			// that carries nothing and waits for the idle timeout.
			return
		}
		if e.r.acksLostBytes(c, d, p) {
			// The peer acknowledged bytes the capture never saw: they
			// will not come, so report the gap now rather than after
			// the hole timeout, and keep both directions in capture
			// order. Pages a little older than this packet go too.
			e.asm.FlushWithOptions(gr.FlushOptions{T: ci.Timestamp.Add(-ackedHoleGrace), TC: ci.Timestamp.Add(-e.r.opt.IdleTimeout)})
		}
		e.asm.AssembleWithContext(p.netFlow, p.tcp, e.slab.next(ci, frame))
		if e.r.maxConns > 0 && e.r.open > e.r.maxConns {
			e.evict(ci, frame)
		}
	case p.udp != nil:
		e.r.datagram(&e.dg, p, ci, frame)
	}
}

// checkpoint tells the sink that every packet up to frame upTo is handled.
func (e *engine) checkpoint(upTo int64) {
	if e.cp != nil {
		e.cp.Checkpoint(upTo, e.now, false)
	}
}

// idle gives up on what waited too long by now, and tells the sink every
// packet up to frame upTo is handled.
func (e *engine) idle(now time.Time, upTo int64) {
	if now.After(e.now) {
		e.now = now
	}
	e.r.flush(e.asm, e.dec, e.now)
	e.checkpoint(upTo)
}

func (e *engine) finish(upTo int64) Stats {
	e.asm.FlushAll()
	e.r.stats.FragmentsDropped = e.dec.fragsDropped
	if e.cp != nil {
		e.cp.Checkpoint(upTo, e.now, true)
	}
	return e.r.stats
}

// Run reads every packet of src and feeds sink until src ends.
func Run(src Source, sink Sink, opt Options) (Stats, error) {
	return runEngine(src, newEngine(sink, opt, 1))
}

// ErrIdle is what a live Source returns when no packet came for a while,
// with the time it is in the CaptureInfo: the analysis gives up on what
// waited too long by then (holes, idle connections), as a packet would
// have it do, and says how far it got.
var ErrIdle = errors.New("no packet for a while")

// Framed is a Source that numbers its packets itself: each share of a
// capture read on several sockets at once (a kernel fanout group) gives
// its packets their number in the whole capture.
type Framed interface {
	Source
	// Frame is the capture's number of the packet Next last returned.
	Frame() int64
}

// RunShares is Run on one engine per share of one capture, each on its
// own goroutine. The shares must already keep both directions of a
// conversation, and every fragment of a datagram, together: a fanout
// group hashing flows, with defragmentation, does.
func RunShares(shares []Framed, sinks []Sink, opt Options) (Stats, error) {
	results := make([]Stats, len(shares))
	errs := make([]error, len(shares))
	var wg sync.WaitGroup
	for i := range shares {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = runEngine(shares[i], newEngine(sinks[i], opt, len(shares)))
		}(i)
	}
	wg.Wait()
	var st Stats
	for _, r := range results {
		st = st.add(r)
	}
	return st, errors.Join(errs...)
}

func runEngine(src Source, e *engine) (Stats, error) {
	framed, _ := src.(Framed)
	var st Stats
	var frame int64
	for {
		data, ci, lt, err := src.Next()
		if err == io.EOF {
			break
		}
		if err == ErrIdle {
			if framed != nil {
				frame = max(frame, framed.Frame())
			}
			e.idle(ci.Timestamp, frame)
			continue
		}
		if err != nil {
			e.finish(frame)
			return st, err
		}
		frame = st.Packets + 1
		if framed != nil {
			frame = framed.Frame()
		}
		st.count(ci, data, lt, frame)
		e.packet(data, ci, lt, frame)
		if st.Packets%checkpointEvery == 0 {
			e.checkpoint(frame)
		}
	}
	return st.merge(e.finish(frame)), nil
}

// count adds one frame to the reader's statistics.
func (st *Stats) count(ci gopacket.CaptureInfo, data []byte, lt layers.LinkType, frame int64) {
	st.Packets++
	st.Bytes += int64(ci.Length)
	if st.First.IsZero() || ci.Timestamp.Before(st.First) {
		st.First = ci.Timestamp
	}
	if ci.Timestamp.After(st.Last) {
		st.Last = ci.Timestamp
	}
	switch {
	case ci.CaptureLength < ci.Length && ci.CaptureLength >= capfile.MaxPacket:
		if st.BigPackets == 0 {
			st.BigFrame = frame
		}
		st.BigPackets++
	case ci.CaptureLength < ci.Length:
		if st.CutPackets == 0 {
			st.CutFrame = frame
		}
		st.CutPackets++
	}
	if _, known := firstLayer(lt, data); !known {
		st.Undecoded++
	}
}

// merge adds what an engine counted to what the reader counted.
func (st Stats) merge(e Stats) Stats {
	st.Conversations += e.Conversations
	st.Datagrams += e.Datagrams
	st.GapBytes += e.GapBytes
	st.ConnsEvicted += e.ConnsEvicted
	st.ConnsReused += e.ConnsReused
	st.FragmentsDropped += e.FragmentsDropped
	st.OverlapBytes += e.OverlapBytes
	st.OverlapPackets += e.OverlapPackets
	return st
}

// add is the statistics of two shares of one capture.
func (st Stats) add(o Stats) Stats {
	st.Packets += o.Packets
	st.Bytes += o.Bytes
	if st.First.IsZero() || (!o.First.IsZero() && o.First.Before(st.First)) {
		st.First = o.First
	}
	if o.Last.After(st.Last) {
		st.Last = o.Last
	}
	st.CutFrame = firstFrame(st.CutFrame, o.CutFrame)
	st.BigFrame = firstFrame(st.BigFrame, o.BigFrame)
	st.CutPackets += o.CutPackets
	st.BigPackets += o.BigPackets
	st.Undecoded += o.Undecoded
	return st.merge(o)
}

// firstFrame is the first of two frames, 0 meaning none.
func firstFrame(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// flush gives up on old holes and idle connections, by capture time, so
// that memory stays bounded however long the capture is.
func (r *runner) flush(asm *gr.Assembler, dec *decoder, now time.Time) {
	asm.FlushWithOptions(gr.FlushOptions{T: now.Add(-r.opt.HoleTimeout), TC: now.Add(-r.opt.IdleTimeout)})
	dec.expire(now.Add(-fragmentWait))
}

// fragmentWait is how long, in capture time, the fragments of a datagram
// wait for the rest of it.
const fragmentWait = 30 * time.Second

// expiry says when to give up on what waited too long: every flushEvery
// packets, or once a second of capture time has passed.
type expiry struct {
	seen int64
	last time.Time
}

func (x *expiry) due(now time.Time) bool {
	x.seen++
	if x.seen%flushEvery == 0 || now.Sub(x.last) > time.Second {
		x.last = now
		return true
	}
	return false
}

func (r *runner) datagram(dg *stream.Datagram, p packet, ci gopacket.CaptureInfo, frame int64) {
	r.stats.Datagrams++
	s, _ := netip.AddrFromSlice(p.netFlow.Src().Raw())
	d, _ := netip.AddrFromSlice(p.netFlow.Dst().Raw())
	dg.Src = netip.AddrPortFrom(s.Unmap(), uint16(p.udp.SrcPort))
	dg.Dst = netip.AddrPortFrom(d.Unmap(), uint16(p.udp.DstPort))
	dg.Data, dg.Time, dg.Frame = p.udp.Payload, ci.Timestamp, frame
	r.sink.Datagram(dg)
}
