package reassembly

import (
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	gr "github.com/gopacket/gopacket/reassembly"

	"github.com/mailwire/mailwire/reassembly/stream"
)

// frameContext carries a packet's capture info through the assembler. Pages
// buffered for out-of-order data keep a pointer to it, so every packet needs
// its own; they are cut from slabs to avoid one allocation per packet.
type frameContext struct {
	ci gopacket.CaptureInfo
}

func (c *frameContext) GetCaptureInfo() gopacket.CaptureInfo { return c.ci }

// frameOf reads back the frame number, which travels in the InterfaceIndex
// field: the assembler only hands back CaptureInfo values, and the
// interface has no use past decoding.
func frameOf(ci gopacket.CaptureInfo) int64 { return int64(ci.InterfaceIndex) }

type contextSlab struct {
	buf []frameContext
}

func (s *contextSlab) next(ci gopacket.CaptureInfo, frame int64) *frameContext {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]frameContext, 0, 1024)
	}
	ci.InterfaceIndex = int(frame)
	ci.AncillaryData = nil
	s.buf = append(s.buf, frameContext{ci: ci})
	return &s.buf[len(s.buf)-1]
}

// mailPorts are server ports: when a conversation starts mid-stream, the
// side on one of them is taken as the server.
var mailPorts = map[uint16]bool{25: true, 465: true, 587: true, 2525: true, 143: true, 993: true,
	110: true, 995: true, 1143: true, 10110: true, 53: true, 443: true}

// factory makes one tcpConn per connection.
type factory struct {
	run *runner
}

func (f *factory) New(netFlow, tcpFlow gopacket.Flow, tcp *layers.TCP, ac gr.AssemblerContext) gr.Stream {
	src, dst := endpoints(netFlow, tcpFlow)
	// The first packet's sender is the assembler's "client"; flip when
	// it is really the server.
	flip := false
	mid := true
	switch {
	case tcp.SYN && !tcp.ACK:
		mid = false
	case tcp.SYN && tcp.ACK:
		flip, mid = true, false
	default:
		flip = serverSide(src.Port(), dst.Port())
	}
	flow := stream.Flow{Client: src, Server: dst, Transport: "tcp"}
	if flip {
		flow.Client, flow.Server = dst, src
	}
	ci := ac.GetCaptureInfo()
	c := &tcpConn{run: f.run, flip: flip, key: connKey{netFlow, tcpFlow}, next: [2]gr.Sequence{-1, -1}}
	f.run.conns[c.key] = c
	c.h = f.run.sink.NewConversation(flow, mid, ci.Timestamp, frameOf(ci))
	c.obs, _ = c.h.(stream.PacketObserver)
	f.run.stats.Conversations++
	f.run.open++
	return c
}

// serverSide tells whether the first packet's sender (port a, talking to
// port b) is the server.
func serverSide(a, b uint16) bool {
	if mailPorts[a] != mailPorts[b] {
		return mailPorts[a]
	}
	return a < b
}

func endpoints(netFlow, tcpFlow gopacket.Flow) (netip.AddrPort, netip.AddrPort) {
	s, _ := netip.AddrFromSlice(netFlow.Src().Raw())
	d, _ := netip.AddrFromSlice(netFlow.Dst().Raw())
	sp := tcpFlow.Src().Raw()
	dp := tcpFlow.Dst().Raw()
	return netip.AddrPortFrom(s.Unmap(), uint16(sp[0])<<8|uint16(sp[1])),
		netip.AddrPortFrom(d.Unmap(), uint16(dp[0])<<8|uint16(dp[1]))
}

// tcpConn adapts one assembler stream to a stream.Handler.
type tcpConn struct {
	run    *runner
	h      stream.Handler
	obs    stream.PacketObserver
	flip   bool
	ev     stream.Event
	last   time.Time
	frame  int64
	closed bool
	key    connKey
	// next is each direction's next expected sequence number (index 0:
	// the direction of the first packet) and ahead whether data past a
	// hole is waiting in it.
	next  [2]gr.Sequence
	ahead [2]bool
	// isn is each direction's initial sequence number, once its SYN
	// was seen: another SYN opens a new connection on the same ports.
	isn     [2]uint32
	synSeen [2]bool
}

func (c *tcpConn) dir(d gr.TCPFlowDirection) stream.Direction {
	if (d == gr.TCPDirClientToServer) != c.flip {
		return stream.ClientToServer
	}
	return stream.ServerToClient
}

func (c *tcpConn) Accept(tcp *layers.TCP, ci gopacket.CaptureInfo, dir gr.TCPFlowDirection, nextSeq gr.Sequence, start *bool, ac gr.AssemblerContext) bool {
	if c.run.injecting {
		// A reset of the engine's own, not a packet of the capture: it
		// goes exactly where the stream expects its next byte, so that
		// the assembler takes it.
		if nextSeq == -1 {
			*start = true
		} else {
			tcp.Seq = uint32(nextSeq)
		}
		return true
	}
	c.last, c.frame = ci.Timestamp, frameOf(ci)
	i := 0
	if dir != gr.TCPDirClientToServer {
		i = 1
	}
	if tcp.SYN && !c.synSeen[i] {
		c.synSeen[i], c.isn[i] = true, tcp.Seq
	}
	c.next[i] = nextSeq
	if nextSeq != -1 && len(tcp.Payload) > 0 {
		c.ahead[i] = nextSeq.Difference(gr.Sequence(tcp.Seq)) > 0
	}
	if c.obs != nil {
		c.obs.Packet(c.dir(dir), ci.Timestamp, c.frame, len(tcp.Payload))
	}
	// A conversation whose SYN was not captured is still analysed: start
	// at the first segment seen in each direction.
	if !*start && nextSeq == -1 && !tcp.SYN {
		*start = true
	}
	return true
}

func (c *tcpConn) ReassembledSG(sg gr.ScatterGather, ac gr.AssemblerContext) {
	if c.closed {
		return
	}
	d, _, _, skip := sg.Info()
	n, _ := sg.Lengths()
	if st := sg.Stats(); st.OverlapBytes > 0 {
		c.run.stats.OverlapBytes += int64(st.OverlapBytes)
		c.run.stats.OverlapPackets += int64(st.OverlapPackets)
	}
	c.ev.Dir = c.dir(d)
	c.ev.Gap = 0
	if skip > 0 {
		c.ev.Gap = skip
		c.run.stats.GapBytes += int64(skip)
	}
	if n == 0 {
		if c.ev.Gap > 0 {
			ci := ac.GetCaptureInfo()
			c.ev.Data, c.ev.Time, c.ev.Frame = nil, ci.Timestamp, frameOf(ci)
			c.h.Handle(&c.ev)
		}
		return
	}
	data := sg.Fetch(n)
	c.deliver(sg, data)
}

// deliver splits reassembled bytes at packet boundaries so that every event
// carries the frame number of its own first byte.
func (c *tcpConn) deliver(sg gr.ScatterGather, data []byte) {
	off := 0
	for off < len(data) {
		ci := sg.CaptureInfo(off)
		frame := frameOf(ci)
		end := c.chunkEnd(sg, off, len(data), frame)
		c.ev.Data, c.ev.Time, c.ev.Frame = data[off:end], ci.Timestamp, frame
		c.h.Handle(&c.ev)
		c.ev.Gap = 0
		off = end
	}
}

// chunkEnd finds where the bytes of frame stop, by bisection: the bytes of
// one packet are contiguous.
func (c *tcpConn) chunkEnd(sg gr.ScatterGather, off, n int, frame int64) int {
	if frameOf(sg.CaptureInfo(n-1)) == frame {
		return n
	}
	lo, hi := off, n-1 // frame at lo, another one at hi
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if frameOf(sg.CaptureInfo(mid)) == frame {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func (c *tcpConn) ReassemblyComplete(ac gr.AssemblerContext) bool {
	c.close()
	return true
}

func (c *tcpConn) close() {
	if c.closed {
		return
	}
	c.closed = true
	c.run.open--
	delete(c.run.conns, c.key)
	c.h.Close(c.last, c.frame)
}
