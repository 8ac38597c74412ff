package reassembly

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

func tcpFrame(t *testing.T, src, dst net.IP, sport, dport uint16, payload []byte) (*layers.IPv4, []byte) {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, Id: sport, SrcIP: src.To4(), DstIP: dst.To4()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), ACK: true, Window: 1000}
	tcp.SetNetworkLayerForChecksum(ip)
	sb := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return ip, bytes.Clone(sb.Bytes())
}

// One client and one server spread over the shards by port; both
// directions of a conversation, and the fragments of its datagrams, go
// to one shard.
func TestRouterSpreadsOneAddressPairByFlow(t *testing.T) {
	r := newRouter(4)
	a, b := net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2)
	ci := gopacket.CaptureInfo{Timestamp: time.Unix(1e9, 0)}
	used := map[int]bool{}
	for port := uint16(40000); port < 40064; port++ {
		_, out := tcpFrame(t, a, b, port, 25, []byte("EHLO me\r\n"))
		_, back := tcpFrame(t, b, a, 25, port, []byte("250 ok\r\n"))
		i, _, _, ok := r.route(layers.LinkTypeEthernet, out, ci)
		j, _, _, ok2 := r.route(layers.LinkTypeEthernet, back, ci)
		if !ok || !ok2 || i != j {
			t.Fatalf("port %d: shards %d and %d", port, i, j)
		}
		used[i] = true

		// The same segment in two fragments: the first is held, the
		// second sends the whole datagram to the flow's shard.
		ip, frame := tcpFrame(t, a, b, port, 25, []byte("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"))
		payload := frame[14+20:]
		for n, part := range [][2]int{{0, 16}, {16, len(payload)}} {
			f := *ip
			f.FragOffset = uint16(part[0] / 8)
			if n == 0 {
				f.Flags = layers.IPv4MoreFragments
			}
			sb := gopacket.NewSerializeBuffer()
			eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
			gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true}, eth, &f, gopacket.Payload(payload[part[0]:part[1]]))
			k, whole, lt, ok := r.route(layers.LinkTypeEthernet, sb.Bytes(), ci)
			if n == 0 && ok {
				t.Fatalf("port %d: the first fragment was sent on", port)
			}
			if n == 1 {
				pkt := gopacket.NewPacket(whole, layers.LayerTypeIPv4, gopacket.Default)
				tcp, _ := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
				if !ok || k != i || lt != layers.LinkTypeIPv4 || tcp == nil || string(tcp.Payload) != "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n" {
					t.Fatalf("port %d: whole datagram to shard %d (flow's %d), %v: %x", port, k, i, ok, whole)
				}
			}
		}
	}
	if len(used) != 4 {
		t.Fatalf("64 conversations of one address pair used %d of 4 shards", len(used))
	}
}
