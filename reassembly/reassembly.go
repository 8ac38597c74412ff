// Package reassembly turns captured packets into conversations: it decodes
// the link and IP layers, defragments, reassembles TCP in both directions
// with gopacket's reassembly package and hands ordered events to the
// dissectors through the stream package. UDP datagrams are passed on whole.
package reassembly

import (
	"io"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	gr "github.com/gopacket/gopacket/reassembly"

	"github.com/mailwire/mailwire/reassembly/stream"
)

// Sink receives what reassembly finds.
type Sink interface {
	// NewConversation is called at a connection's first packet; midStream
	// is set when its opening handshake was not captured.
	NewConversation(flow stream.Flow, midStream bool, start time.Time, frame int64) stream.Handler
	Datagram(d *stream.Datagram)
}

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
	// MaxConns bounds open connections: past it, the idlest are closed.
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
	// Undecoded frames carried no IP/TCP/UDP we could read.
	Undecoded int64
	// ConnsEvicted were closed early to respect MaxConns.
	ConnsEvicted int64
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
}

// flushEvery is how many packets pass between two checks of the capture
// clock for holes and idle connections.
const flushEvery = 4096

// Run reads every packet of src and feeds sink until src ends.
func Run(src Source, sink Sink, opt Options) (Stats, error) {
	r := &runner{sink: sink, opt: opt}
	pool := gr.NewStreamPool(&factory{run: r})
	asm := gr.NewAssembler(pool)
	asm.MaxBufferedPagesTotal = opt.MaxPages
	asm.MaxBufferedPagesPerConnection = opt.MaxPagesPerConn
	dec := newDecoder()
	var slab contextSlab
	var dg stream.Datagram
	var lastFlush time.Time
	for {
		data, ci, lt, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			asm.FlushAll()
			return r.stats, err
		}
		r.count(ci)
		// Holes that timed out are closed before this packet is seen, so
		// that events stay in capture order.
		if r.stats.Packets%flushEvery == 0 || ci.Timestamp.Sub(lastFlush) > time.Second {
			r.flush(asm, dec, ci.Timestamp)
			lastFlush = ci.Timestamp
		}
		p, ok := dec.decode(lt, data, ci)
		if p.cut {
			if r.stats.CutPackets == 0 {
				r.stats.CutFrame = r.stats.Packets
			}
			r.stats.CutPackets++
		}
		switch {
		case !ok:
			r.stats.Undecoded++
		case p.tcp != nil:
			asm.AssembleWithContext(p.netFlow, p.tcp, slab.next(ci, r.stats.Packets))
		case p.udp != nil:
			r.datagram(&dg, p, ci)
		}
	}
	asm.FlushAll()
	return r.stats, nil
}

func (r *runner) count(ci gopacket.CaptureInfo) {
	r.stats.Packets++
	r.stats.Bytes += int64(ci.Length)
	if r.stats.First.IsZero() || ci.Timestamp.Before(r.stats.First) {
		r.stats.First = ci.Timestamp
	}
	if ci.Timestamp.After(r.stats.Last) {
		r.stats.Last = ci.Timestamp
	}
}

// flush gives up on old holes and idle connections, by capture time, so
// that memory stays bounded however long the capture is.
func (r *runner) flush(asm *gr.Assembler, dec *decoder, now time.Time) {
	asm.FlushWithOptions(gr.FlushOptions{T: now.Add(-r.opt.HoleTimeout), TC: now.Add(-r.opt.IdleTimeout)})
	dec.expire(now.Add(-30 * time.Second))
	if r.opt.MaxConns > 0 && r.open > r.opt.MaxConns {
		// Close what has been idle for a fraction of the idle timeout
		// until under the limit.
		for _, age := range []time.Duration{r.opt.IdleTimeout / 4, r.opt.IdleTimeout / 16, time.Second} {
			before := r.open
			asm.FlushCloseOlderThan(now.Add(-age))
			r.stats.ConnsEvicted += int64(before - r.open)
			if r.open <= r.opt.MaxConns {
				break
			}
		}
	}
}

func (r *runner) datagram(dg *stream.Datagram, p packet, ci gopacket.CaptureInfo) {
	r.stats.Datagrams++
	s, _ := netip.AddrFromSlice(p.netFlow.Src().Raw())
	d, _ := netip.AddrFromSlice(p.netFlow.Dst().Raw())
	dg.Src = netip.AddrPortFrom(s.Unmap(), uint16(p.udp.SrcPort))
	dg.Dst = netip.AddrPortFrom(d.Unmap(), uint16(p.udp.DstPort))
	dg.Data, dg.Time, dg.Frame = p.udp.Payload, ci.Timestamp, r.stats.Packets
	r.sink.Datagram(dg)
}
