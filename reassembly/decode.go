package reassembly

import (
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/ip6defrag"
	"github.com/gopacket/gopacket/layers"
)

// decoder turns link-layer frames into TCP segments and UDP datagrams with
// reused layer structs: no allocation per packet on the common path.
type decoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	lo      layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	ip6frag layers.IPv6Fragment
	ip6ext  layers.IPv6ExtensionSkipper
	tcp     layers.TCP
	udp     layers.UDP
	payload gopacket.Payload

	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	// ipOnly stop at the IP layer: enough to pick a packet's shard.
	ipOnly  map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType

	defrag4 *ip4defrag.IPv4Defragmenter
	defrag6 *ip6defrag.IPv6Defragmenter
	// waiting are the datagrams with fragments held, when their latest
	// fragment came and how many bytes they hold: past maxWaiting of
	// them, or maxWaitingBytes in all, all are dropped.
	waiting      map[fragKey]heldFragments
	waitingBytes int
	// fragsDropped counts the datagrams dropped so.
	fragsDropped int64
}

// fragKey names a datagram being reassembled.
type fragKey struct {
	flow gopacket.Flow
	id   uint32
}

// heldFragments is what waits of one datagram.
type heldFragments struct {
	latest time.Time
	bytes  int
}

// maxWaiting and maxWaitingBytes bound the datagrams waiting for
// fragments, by count and by bytes: the defragmenters only expire them
// by capture time, which a capture where every packet has one timestamp
// never advances (and the IPv6 one by the clock of the machine).
const (
	maxWaiting      = 8192
	maxWaitingBytes = 32 << 20
)

// packet is what the decoder found in one frame.
type packet struct {
	netFlow gopacket.Flow
	tcp     *layers.TCP
	udp     *layers.UDP
	// cut is set when the snap length cut the frame short.
	cut bool
}

func newDecoder() *decoder {
	d := &decoder{
		parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{},
		ipOnly:  map[gopacket.LayerType]*gopacket.DecodingLayerParser{},
		defrag4: ip4defrag.NewIPv4Defragmenter(),
		defrag6: ip6defrag.NewIPv6Defragmenter(),
		waiting: map[fragKey]heldFragments{},
	}
	link := []gopacket.DecodingLayer{&d.eth, &d.dot1q, &d.sll, &d.sll2, &d.lo, &d.ip4, &d.ip6}
	// The skipper claims every IPv6 extension, the fragment header too:
	// the fragment decoder comes after it, and takes that one back.
	all := append(link[:len(link):len(link)], &d.ip6ext, &d.ip6frag, &d.tcp, &d.udp, &d.payload)
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL,
		layers.LayerTypeLinuxSLL2, layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6,
		layers.LayerTypeTCP, layers.LayerTypeUDP} {
		p := gopacket.NewDecodingLayerParser(first, all...)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
		ip := gopacket.NewDecodingLayerParser(first, link...)
		ip.IgnoreUnsupported = true
		d.ipOnly[first] = ip
	}
	d.decoded = make([]gopacket.LayerType, 0, 16)
	return d
}

// firstLayer maps a link type to the layer its frames start with; raw IP
// is told apart by the version nibble.
func firstLayer(lt layers.LinkType, data []byte) (gopacket.LayerType, bool) {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet, true
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL, true
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2, true
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback, true
	case layers.LinkTypeIPv4:
		return layers.LayerTypeIPv4, true
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6, true
	case layers.LinkTypeRaw, 12, 14:
		if len(data) == 0 {
			return 0, false
		}
		if data[0]>>4 == 6 {
			return layers.LayerTypeIPv6, true
		}
		return layers.LayerTypeIPv4, true
	}
	return 0, false
}

// decode parses one frame. ok is false for frames that carry neither TCP
// nor UDP (or a fragment still waiting for the rest of its packet).
func (d *decoder) decode(lt layers.LinkType, data []byte, ci gopacket.CaptureInfo) (packet, bool) {
	first, known := firstLayer(lt, data)
	if !known {
		return packet{}, false
	}
	var p packet
	p.cut = ci.CaptureLength < ci.Length
	d.decoded = d.decoded[:0]
	// Errors are expected on cut or odd frames: what decoded is used.
	_ = d.parsers[first].DecodeLayers(data, &d.decoded)
	var ip gopacket.LayerType
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			ip = t
			p.netFlow = d.ip4.NetworkFlow()
		case layers.LayerTypeIPv6:
			ip = t
			p.netFlow = d.ip6.NetworkFlow()
		case layers.LayerTypeIPv6Fragment:
			if d.ip6frag.FragmentOffset != 0 || d.ip6frag.MoreFragments {
				return d.defragment6(ci.Timestamp)
			}
		case layers.LayerTypeTCP:
			p.tcp = &d.tcp
			return p, true
		case layers.LayerTypeUDP:
			p.udp = &d.udp
			return p, true
		}
	}
	if ip == layers.LayerTypeIPv4 && (d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0) {
		return d.defragment4(ci.Timestamp)
	}
	return packet{}, false
}

// defragment4 hands a fragment to the defragmenter; when the packet is
// whole, its transport layer is decoded from the reassembled bytes.
func (d *decoder) defragment4(ts time.Time) (packet, bool) {
	whole := d.whole4(ts)
	if whole == nil {
		return packet{}, false
	}
	return d.transport(whole.NetworkFlow(), whole.Protocol, whole.Payload)
}

// whole4 hands the IPv4 fragment decoded to the defragmenter, and returns
// its datagram once whole.
func (d *decoder) whole4(ts time.Time) *layers.IPv4 {
	// The defragmenter keeps the fragment's bytes: copy them out of the
	// reader's reused buffer.
	frag := d.ip4
	frag.Payload = append([]byte(nil), d.ip4.Payload...)
	frag.Contents = append([]byte(nil), d.ip4.Contents...)
	k := fragKey{d.ip4.NetworkFlow(), uint32(d.ip4.Id)<<8 | uint32(d.ip4.Protocol)}
	d.hold(k, ts, len(frag.Payload))
	whole, err := d.defrag4.DefragIPv4WithTimestamp(&frag, ts)
	if err != nil || whole == nil {
		return nil
	}
	d.done(k)
	return whole
}

func (d *decoder) defragment6(ts time.Time) (packet, bool) {
	whole := d.whole6(ts)
	if whole == nil {
		return packet{}, false
	}
	return d.transport(whole.NetworkFlow(), whole.NextHeader, whole.Payload)
}

// whole6 hands the IPv6 fragment decoded to the defragmenter, and returns
// its datagram once whole, carrying the protocol its last fragment names.
func (d *decoder) whole6(ts time.Time) *layers.IPv6 {
	ip := d.ip6
	ip.Payload = append([]byte(nil), d.ip6.Payload...)
	ip.Contents = append([]byte(nil), d.ip6.Contents...)
	frag := d.ip6frag
	frag.Payload = append([]byte(nil), d.ip6frag.Payload...)
	frag.Contents = append([]byte(nil), d.ip6frag.Contents...)
	k := fragKey{d.ip6.NetworkFlow(), d.ip6frag.Identification}
	d.hold(k, ts, len(frag.Payload))
	whole := d.defrag6.DefragIPv6(&ip, &frag)
	if whole == nil {
		return nil
	}
	d.done(k)
	whole.NextHeader = frag.NextHeader
	return whole
}

func (d *decoder) transport(flow gopacket.Flow, proto layers.IPProtocol, payload []byte) (packet, bool) {
	p := packet{netFlow: flow}
	d.decoded = d.decoded[:0]
	switch proto {
	case layers.IPProtocolTCP:
		if d.parsers[layers.LayerTypeTCP].DecodeLayers(payload, &d.decoded); len(d.decoded) > 0 {
			p.tcp = &d.tcp
			return p, true
		}
	case layers.IPProtocolUDP:
		if d.parsers[layers.LayerTypeUDP].DecodeLayers(payload, &d.decoded); len(d.decoded) > 0 {
			p.udp = &d.udp
			return p, true
		}
	}
	return packet{}, false
}

// hold notes that a fragment of n bytes of datagram k is about to be
// held; past maxWaiting datagrams or maxWaitingBytes, every held fragment
// is dropped and counted.
func (d *decoder) hold(k fragKey, ts time.Time, n int) {
	h, ok := d.waiting[k]
	if !ok && len(d.waiting) >= maxWaiting || d.waitingBytes+n > maxWaitingBytes {
		d.fragsDropped += int64(len(d.waiting))
		clear(d.waiting)
		d.waitingBytes = 0
		d.defrag4 = ip4defrag.NewIPv4Defragmenter()
		d.defrag6 = ip6defrag.NewIPv6Defragmenter()
		h = heldFragments{}
	}
	h.latest, h.bytes = ts, h.bytes+n
	d.waiting[k] = h
	d.waitingBytes += n
}

// done forgets a datagram made whole.
func (d *decoder) done(k fragKey) {
	d.waitingBytes -= d.waiting[k].bytes
	delete(d.waiting, k)
}

// expire drops fragments that waited too long, by capture time. The IPv6
// defragmenter dates its own by the machine's clock (the same time only
// when capturing live): what it holds stays counted until the bounds drop
// everything.
func (d *decoder) expire(before time.Time) {
	d.defrag4.DiscardOlderThan(before)
	d.defrag6.DiscardOlderThan(before)
	for k, h := range d.waiting {
		if h.latest.Before(before) && k.flow.EndpointType() == layers.EndpointIPv4 {
			d.done(k)
		}
	}
}
