package reassembly

import (
	"sort"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// The assembler closes a connection only on FIN or RST, or by capture
// time. To close one connection now (its 4-tuple is reused, or too many
// are open) the engine gives the assembler a reset in each direction,
// at the sequence number each one expects: the connection ends as it
// would on a real reset, and a new SYN then opens a new one.

// reuse closes c, the connection a SYN going direction d belongs to, when
// the SYN opens a new one: its sequence number is not that of the SYN
// already seen.
func (e *engine) reuse(c *tcpConn, d int, p packet, ci gopacket.CaptureInfo, frame int64) {
	if c == nil || c.closed || (c.synSeen[d] && c.isn[d] == p.tcp.Seq) {
		return // a retransmitted SYN
	}
	if !c.synSeen[d] && c.next[d] == -1 {
		return // nothing went that way yet: this SYN opens the connection
	}
	e.r.stats.ConnsReused++
	e.closeConn(c, ci, frame)
}

// evict closes the connections whose last packet is the oldest, an eighth
// of the bound at a time so that a flood does not sort on every packet.
func (e *engine) evict(ci gopacket.CaptureInfo, frame int64) {
	conns := make([]*tcpConn, 0, len(e.r.conns))
	for _, c := range e.r.conns {
		conns = append(conns, c)
	}
	sort.Slice(conns, func(i, j int) bool { return conns[i].frame < conns[j].frame })
	n := e.r.open - e.r.maxConns + max(e.r.maxConns/8, 1)
	for _, c := range conns[:min(n, len(conns))] {
		e.r.stats.ConnsEvicted++
		e.closeConn(c, ci, frame)
	}
}

// closeConn resets both directions of c.
func (e *engine) closeConn(c *tcpConn, ci gopacket.CaptureInfo, frame int64) {
	e.r.injecting = true
	defer func() { e.r.injecting = false }()
	ctx := e.slab.next(ci, frame)
	for d := 0; d < 2 && !c.closed; d++ {
		net, tf := c.key.net, c.key.tcp
		if d == 1 {
			net, tf = net.Reverse(), tf.Reverse()
		}
		e.asm.AssembleWithContext(net, resetSegment(tf), ctx)
	}
	if !c.closed {
		// The assembler kept it (it never saw a byte either way): close
		// it for the dissectors all the same.
		c.close()
	}
}

// resetSegment decodes a bare RST from bytes, as the assembler reads the
// ports from the decoded header; its sequence number is set on the way in
// (tcpConn.Accept).
func resetSegment(tf gopacket.Flow) *layers.TCP {
	var b [20]byte
	copy(b[0:2], tf.Src().Raw())
	copy(b[2:4], tf.Dst().Raw())
	b[12] = 5 << 4
	b[13] = 0x04 // RST
	var t layers.TCP
	_ = t.DecodeFromBytes(b[:], gopacket.NilDecodeFeedback)
	return &t
}
