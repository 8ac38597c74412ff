// Package pcapgen writes synthetic captures with gopacket's serializer:
// TCP conversations with real handshakes and sequence numbers, MSS
// segmentation, and the faults a capture can hold (reordering,
// retransmission, loss, cut packets). Tests build their edge cases with it
// and the benchmark generator builds large captures.
package pcapgen

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Writer writes packets to a pcap file.
type Writer struct {
	w       *pcapgo.Writer
	Link    layers.LinkType
	Snaplen int
	// Time is the timestamp of the next packet; each packet advances it
	// by Step.
	Time time.Time
	Step time.Duration
	// VLAN, when non-zero, tags Ethernet frames with this 802.1Q id.
	VLAN   uint16
	Frames int64
	buf    gopacket.SerializeBuffer
}

// NewWriter starts a pcap file on w with the given link type (Ethernet
// or raw IP) and snap length (0: 262144).
func NewWriter(w io.Writer, link layers.LinkType, snaplen int) (*Writer, error) {
	if snaplen <= 0 {
		snaplen = 262144
	}
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(uint32(snaplen), link); err != nil {
		return nil, err
	}
	return &Writer{w: pw, Link: link, Snaplen: snaplen, Step: time.Millisecond,
		Time: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), buf: gopacket.NewSerializeBuffer()}, nil
}

// Raw writes one frame as it is.
func (w *Writer) Raw(data []byte) error {
	ci := gopacket.CaptureInfo{Timestamp: w.Time, Length: len(data), CaptureLength: min(len(data), w.Snaplen)}
	w.Time = w.Time.Add(w.Step)
	w.Frames++
	return w.w.WritePacket(ci, data[:ci.CaptureLength])
}

// Segment is one TCP segment to write.
type Segment struct {
	Src, Dst         net.IP
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	SYN, ACK, FIN    bool
	RST              bool
	Window           uint16
	Payload          []byte
}

// TCP serializes and writes one segment over IPv4 or IPv6.
func (w *Writer) TCP(s Segment) error {
	tcp := &layers.TCP{SrcPort: layers.TCPPort(s.SrcPort), DstPort: layers.TCPPort(s.DstPort),
		Seq: s.Seq, Ack: s.Ack, SYN: s.SYN, ACK: s.ACK, FIN: s.FIN, RST: s.RST, Window: s.Window}
	if tcp.Window == 0 && !s.RST {
		tcp.Window = 65535
	}
	ip, etype := w.ipLayer(s.Src, s.Dst, layers.IPProtocolTCP)
	tcp.SetNetworkLayerForChecksum(ip.(gopacket.NetworkLayer))
	return w.write(etype, ip, tcp, gopacket.Payload(s.Payload))
}

// UDP writes one datagram.
func (w *Writer) UDP(src, dst net.IP, sport, dport uint16, payload []byte) error {
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	ip, etype := w.ipLayer(src, dst, layers.IPProtocolUDP)
	udp.SetNetworkLayerForChecksum(ip.(gopacket.NetworkLayer))
	return w.write(etype, ip, udp, gopacket.Payload(payload))
}

func (w *Writer) ipLayer(src, dst net.IP, proto layers.IPProtocol) (gopacket.SerializableLayer, layers.EthernetType) {
	if src.To4() == nil {
		return &layers.IPv6{Version: 6, NextHeader: proto, HopLimit: 64, SrcIP: src, DstIP: dst}, layers.EthernetTypeIPv6
	}
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: src.To4(), DstIP: dst.To4()}, layers.EthernetTypeIPv4
}

func (w *Writer) write(etype layers.EthernetType, ls ...gopacket.SerializableLayer) error {
	switch w.Link {
	case layers.LinkTypeEthernet:
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: etype}
		pre := []gopacket.SerializableLayer{eth}
		if w.VLAN != 0 {
			eth.EthernetType = layers.EthernetTypeDot1Q
			pre = append(pre, &layers.Dot1Q{VLANIdentifier: w.VLAN, Type: etype})
		}
		ls = append(pre, ls...)
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
	default:
		return fmt.Errorf("pcapgen: link type %v not supported", w.Link)
	}
	if err := gopacket.SerializeLayers(w.buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		return err
	}
	return w.Raw(w.buf.Bytes())
}

// Conn is one TCP connection being written; it keeps the sequence numbers.
type Conn struct {
	w                  *Writer
	Client, Server     net.IP
	CPort, SPort       uint16
	cseq, sseq         uint32
	MSS                int
	Reorder, Duplicate bool // swap or repeat the segments of each Send
}

// Conn starts a connection; call Handshake unless it should start
// mid-stream.
func (w *Writer) Conn(client, server net.IP, cport, sport uint16) *Conn {
	return &Conn{w: w, Client: client, Server: server, CPort: cport, SPort: sport,
		cseq: 1000 + uint32(cport)*7, sseq: 900000 + uint32(cport)*13, MSS: 1460}
}

// Handshake writes SYN, SYN-ACK, ACK.
func (c *Conn) Handshake() error {
	if err := c.w.TCP(c.seg(true, nil, func(s *Segment) { s.SYN, s.ACK = true, false })); err != nil {
		return err
	}
	c.cseq++
	if err := c.w.TCP(c.seg(false, nil, func(s *Segment) { s.SYN = true })); err != nil {
		return err
	}
	c.sseq++
	return c.w.TCP(c.seg(true, nil, nil))
}

func (c *Conn) seg(fromClient bool, payload []byte, edit func(*Segment)) Segment {
	s := Segment{Src: c.Client, Dst: c.Server, SrcPort: c.CPort, DstPort: c.SPort, Seq: c.cseq, Ack: c.sseq, ACK: true, Payload: payload}
	if !fromClient {
		s = Segment{Src: c.Server, Dst: c.Client, SrcPort: c.SPort, DstPort: c.CPort, Seq: c.sseq, Ack: c.cseq, ACK: true, Payload: payload}
	}
	if edit != nil {
		edit(&s)
	}
	return s
}

// Send writes data from one side, cut into MSS-sized segments.
func (c *Conn) Send(fromClient bool, data []byte) error {
	var segs []Segment
	for len(data) > 0 {
		n := min(len(data), c.MSS)
		segs = append(segs, c.seg(fromClient, data[:n], nil))
		c.advance(fromClient, n)
		data = data[n:]
	}
	if c.Reorder && len(segs) > 1 {
		segs[0], segs[1] = segs[1], segs[0]
	}
	for i, s := range segs {
		if err := c.w.TCP(s); err != nil {
			return err
		}
		if c.Duplicate && i == 0 {
			if err := c.w.TCP(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// Skip advances one side's sequence number by n without writing: those
// bytes were lost by the capture.
func (c *Conn) Skip(fromClient bool, n int) { c.advance(fromClient, n) }

func (c *Conn) advance(fromClient bool, n int) {
	if fromClient {
		c.cseq += uint32(n)
	} else {
		c.sseq += uint32(n)
	}
}

// Client writes data from the client; Server from the server.
func (c *Conn) ClientSays(s string) error { return c.Send(true, []byte(s)) }
func (c *Conn) ServerSays(s string) error { return c.Send(false, []byte(s)) }

// Close writes FIN from both sides and the last ACK.
func (c *Conn) Close() error {
	if err := c.w.TCP(c.seg(true, nil, func(s *Segment) { s.FIN = true })); err != nil {
		return err
	}
	c.cseq++
	if err := c.w.TCP(c.seg(false, nil, func(s *Segment) { s.FIN = true })); err != nil {
		return err
	}
	c.sseq++
	return c.w.TCP(c.seg(true, nil, nil))
}

// Reset writes a RST from the client.
func (c *Conn) Reset() error {
	return c.w.TCP(c.seg(true, nil, func(s *Segment) { s.RST, s.ACK = true, false }))
}
