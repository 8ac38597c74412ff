package reassembly

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// seg describes one TCP segment of a test conversation.
type seg struct {
	fromClient bool
	seq        uint32 // relative to the sender's initial sequence number
	flags      string // S, A, F, R
	data       string
	badSum     bool
}

type capBuilder struct {
	t        *testing.T
	buf      bytes.Buffer
	w        *pcapgo.Writer
	link     layers.LinkType
	ipv6     bool
	vlan     bool
	snaplen  uint32
	ts       time.Time
	cport    uint16
	clientIP net.IP
	serverIP net.IP
}

func newCap(t *testing.T, link layers.LinkType) *capBuilder {
	b := &capBuilder{t: t, link: link, ts: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), cport: 40000,
		clientIP: net.IPv4(127, 0, 0, 1), serverIP: net.IPv4(127, 0, 0, 2), snaplen: 65535}
	b.w = pcapgo.NewWriter(&b.buf)
	return b
}

func (b *capBuilder) header() {
	if err := b.w.WriteFileHeader(b.snaplen, b.link); err != nil {
		b.t.Fatal(err)
	}
}

const cISN, sISN = 1000, 5000

func (b *capBuilder) add(sport uint16, s seg) { b.addAck(sport, s, 0) }

// addAck writes a segment; ack, when not zero, is its acknowledgment number.
func (b *capBuilder) addAck(sport uint16, s seg, ack uint32) {
	tcp := &layers.TCP{SrcPort: layers.TCPPort(b.cport), DstPort: layers.TCPPort(sport), Window: 65535}
	src, dst := b.clientIP, b.serverIP
	tcp.Seq, tcp.Ack = cISN+s.seq, sISN
	if !s.fromClient {
		tcp.SrcPort, tcp.DstPort = tcp.DstPort, tcp.SrcPort
		src, dst = dst, src
		tcp.Seq, tcp.Ack = sISN+s.seq, cISN
	}
	if ack != 0 {
		tcp.Ack = ack
	}
	tcp.SYN = strings.Contains(s.flags, "S")
	tcp.ACK = strings.Contains(s.flags, "A")
	tcp.FIN = strings.Contains(s.flags, "F")
	tcp.RST = strings.Contains(s.flags, "R")
	var net gopacket.NetworkLayer
	var ls []gopacket.SerializableLayer
	if b.ipv6 {
		ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolTCP, HopLimit: 64, SrcIP: v6(src), DstIP: v6(dst)}
		net, ls = ip, []gopacket.SerializableLayer{ip}
	} else {
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		net, ls = ip, []gopacket.SerializableLayer{ip}
	}
	tcp.SetNetworkLayerForChecksum(net)
	ls = append(ls, tcp, gopacket.Payload(s.data))
	switch b.link {
	case layers.LinkTypeEthernet:
		et := layers.EthernetTypeIPv4
		if b.ipv6 {
			et = layers.EthernetTypeIPv6
		}
		eth := &layers.Ethernet{SrcMAC: net2mac(1), DstMAC: net2mac(2), EthernetType: et}
		pre := []gopacket.SerializableLayer{eth}
		if b.vlan {
			eth.EthernetType = layers.EthernetTypeDot1Q
			pre = append(pre, &layers.Dot1Q{VLANIdentifier: 42, Type: et})
		}
		ls = append(pre, ls...)
	case layers.LinkTypeLinuxSLL2:
		b.t.Fatal("use writeRaw for SLL2")
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		b.t.Fatal(err)
	}
	data := buf.Bytes()
	if s.badSum {
		data[14+20+17] ^= 0xff // low byte of the TCP checksum (Ethernet, IPv4)
	}
	b.write(data)
}

func (b *capBuilder) write(data []byte) {
	b.ts = b.ts.Add(10 * time.Millisecond)
	ci := gopacket.CaptureInfo{Timestamp: b.ts, Length: len(data), CaptureLength: min(len(data), int(b.snaplen))}
	if err := b.w.WritePacket(ci, data[:ci.CaptureLength]); err != nil {
		b.t.Fatal(err)
	}
}

func v6(ip net.IP) net.IP {
	out := net.ParseIP("::1").To16()
	out = append(net.IP(nil), out...)
	out[15] = ip.To4()[3]
	return out
}

func net2mac(n byte) net.HardwareAddr { return net.HardwareAddr{2, 0, 0, 0, 0, n} }

// recorder keeps what reassembly delivered, as text.
type recorder struct {
	convs []*convLog
	dgram []string
}

type convLog struct {
	flow   stream.Flow
	mid    bool
	events []string
	closed int
}

func (r *recorder) NewConversation(flow stream.Flow, mid bool, start time.Time, frame int64) stream.Handler {
	c := &convLog{flow: flow, mid: mid}
	r.convs = append(r.convs, c)
	return c
}

func (r *recorder) Datagram(d *stream.Datagram) {
	r.dgram = append(r.dgram, fmt.Sprintf("%s>%s#%d", d.Src, d.Dst, d.Frame))
}

func (c *convLog) Handle(ev *stream.Event) {
	s := fmt.Sprintf("%s#%d:%s", ev.Dir, ev.Frame, ev.Data)
	if ev.Gap > 0 {
		s = fmt.Sprintf("gap%d|", ev.Gap) + s
	}
	c.events = append(c.events, s)
}

func (c *convLog) Close(time.Time, int64) { c.closed++ }

func (b *capBuilder) run() (*recorder, Stats, *capfile.Reader) {
	src, err := capfile.NewReader("test", bytes.NewReader(b.buf.Bytes()), nil)
	if err != nil {
		b.t.Fatal(err)
	}
	rec := &recorder{}
	st, err := Run(src, rec, DefaultOptions())
	if err != nil {
		b.t.Fatal(err)
	}
	return rec, st, src
}

var handshake = []seg{{true, 0, "S", "", false}, {false, 0, "SA", "", false}, {true, 1, "A", "", false}}

func TestConversations(t *testing.T) {
	tests := []struct {
		name   string
		ipv6   bool
		vlan   bool
		segs   []seg
		mid    bool
		events []string
	}{
		{name: "in order with handshake", segs: append(handshake[:3:3],
			seg{false, 1, "A", "220 hi\r\n", false}, seg{true, 1, "A", "EHLO x\r\n", false},
			seg{true, 9, "FA", "", false}, seg{false, 9, "FA", "", false}),
			events: []string{"server#4:220 hi\r\n", "client#5:EHLO x\r\n"}},
		{name: "IPv6 over VLAN", ipv6: true, vlan: true, segs: append(handshake[:3:3],
			seg{false, 1, "A", "* OK\r\n", false}),
			events: []string{"server#4:* OK\r\n"}},
		{name: "starts mid-stream, server found by port", mid: true, segs: []seg{
			{true, 100, "A", "MAIL FROM:<a@b>\r\n", false}, {false, 100, "A", "250 ok\r\n", false}},
			events: []string{"client#1:MAIL FROM:<a@b>\r\n", "server#2:250 ok\r\n"}},
		{name: "out of order segments are reordered, each keeps its frame", segs: append(handshake[:3:3],
			seg{true, 4, "A", "DEF", false}, seg{true, 1, "A", "ABC", false}, seg{true, 7, "A", "GHI", false}),
			events: []string{"client#5:ABC", "client#4:DEF", "client#6:GHI"}},
		{name: "retransmission delivered once", segs: append(handshake[:3:3],
			seg{true, 1, "A", "ABC", false}, seg{true, 1, "A", "ABC", false}, seg{true, 4, "A", "DEF", false}),
			events: []string{"client#4:ABC", "client#6:DEF"}},
		{name: "partial overlap keeps the first copy", segs: append(handshake[:3:3],
			seg{true, 1, "A", "ABCD", false}, seg{true, 3, "A", "XXEF", false}),
			events: []string{"client#4:ABCD", "client#5:EF"}},
		{name: "bad checksum (offload) does not drop data", segs: append(handshake[:3:3],
			seg{true, 1, "A", "ABC", true}),
			events: []string{"client#4:ABC"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newCap(t, layers.LinkTypeEthernet)
			b.ipv6, b.vlan = tc.ipv6, tc.vlan
			b.header()
			for _, s := range tc.segs {
				b.add(25, s)
			}
			rec, _, _ := b.run()
			if len(rec.convs) != 1 {
				t.Fatalf("%d conversations", len(rec.convs))
			}
			c := rec.convs[0]
			if c.flow.Server.Port() != 25 || c.mid != tc.mid || c.closed != 1 {
				t.Fatalf("flow %v mid %v closed %d", c.flow, c.mid, c.closed)
			}
			if strings.Join(c.events, "|") != strings.Join(tc.events, "|") {
				t.Fatalf("events\n got %q\nwant %q", c.events, tc.events)
			}
		})
	}
}

func TestHoleThatNeverFillsIsAGapAndTheStreamGoesOn(t *testing.T) {
	b := newCap(t, layers.LinkTypeEthernet)
	b.header()
	for _, s := range handshake {
		b.add(143, s)
	}
	b.add(143, seg{true, 1, "A", "a1 NOOP\r\n", false})
	// 10 bytes (seq 10..19) never captured.
	b.add(143, seg{true, 20, "A", "a3 LOGOUT\r\n", false})
	b.ts = b.ts.Add(time.Minute) // the capture goes on: the hole times out
	b.add(143, seg{false, 1, "A", "* BYE\r\n", false})
	rec, st, _ := b.run()
	got := strings.Join(rec.convs[0].events, "|")
	want := "client#4:a1 NOOP\r\n|gap10|client#5:a3 LOGOUT\r\n|server#6:* BYE\r\n"
	if got != want {
		t.Fatalf("events\n got %q\nwant %q", got, want)
	}
	if st.GapBytes != 10 {
		t.Fatalf("gap bytes %d", st.GapBytes)
	}
}

func TestReusedPortPairStartsANewConversation(t *testing.T) {
	b := newCap(t, layers.LinkTypeEthernet)
	b.header()
	for i := 0; i < 2; i++ {
		for _, s := range handshake {
			b.add(110, s)
		}
		b.add(110, seg{false, 1, "A", "+OK\r\n", false})
		b.add(110, seg{true, 1, "FA", "", false})
		b.add(110, seg{false, 6, "FA", "", false})
		b.add(110, seg{true, 2, "A", "", false})
	}
	rec, _, _ := b.run()
	if len(rec.convs) != 2 {
		t.Fatalf("%d conversations, want 2", len(rec.convs))
	}
	for _, c := range rec.convs {
		if len(c.events) != 1 || c.closed != 1 {
			t.Fatalf("events %q closed %d", c.events, c.closed)
		}
	}
}

func TestSnapLengthCutIsCounted(t *testing.T) {
	b := newCap(t, layers.LinkTypeEthernet)
	b.snaplen = 96
	b.header()
	for _, s := range handshake {
		b.add(25, s)
	}
	b.add(25, seg{true, 1, "A", strings.Repeat("x", 200), false})
	_, st, _ := b.run()
	if st.CutPackets != 1 || st.CutFrame != 4 {
		t.Fatalf("cut %d first %d", st.CutPackets, st.CutFrame)
	}
}

func TestTruncatedFileKeepsEarlierPackets(t *testing.T) {
	b := newCap(t, layers.LinkTypeEthernet)
	b.header()
	for _, s := range handshake {
		b.add(25, s)
	}
	b.add(25, seg{false, 1, "A", "220 hello\r\n", false})
	b.add(25, seg{true, 1, "A", "EHLO me\r\n", false})
	b.buf.Truncate(b.buf.Len() - 5)
	rec, st, src := b.run()
	if !src.Truncated || st.Packets != 4 {
		t.Fatalf("truncated %v packets %d", src.Truncated, st.Packets)
	}
	if got := strings.Join(rec.convs[0].events, "|"); got != "server#4:220 hello\r\n" {
		t.Fatalf("events %q", got)
	}
}

func TestUnknownFileIsRejectedWithAClearError(t *testing.T) {
	_, err := capfile.NewReader("notes.txt", strings.NewReader("hello, this is text\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "not a pcap or pcapng") {
		t.Fatalf("err = %v", err)
	}
}

func TestAcknowledgedHoleIsAGapAtOnceInCaptureOrder(t *testing.T) {
	b := newCap(t, layers.LinkTypeEthernet)
	b.header()
	for _, s := range handshake {
		b.add(25, s)
	}
	b.add(25, seg{true, 1, "A", "MAIL FROM:<a@b>\r\n", false})
	// "RCPT TO:<c@d>\r\n" (15 bytes at seq 18) was lost by the capture.
	b.add(25, seg{true, 33, "A", "DATA\r\n", false})
	// The server acknowledges all of it (ack 1+38) and answers.
	srv := seg{false, 1, "A", "250 ok\r\n", false}
	b.addAck(25, srv, cISN+39)
	rec, _, _ := b.run()
	got := strings.Join(rec.convs[0].events, "|")
	want := "client#4:MAIL FROM:<a@b>\r\n|gap15|client#5:DATA\r\n|server#6:250 ok\r\n"
	if got != want {
		t.Fatalf("events\n got %q\nwant %q", got, want)
	}
}
