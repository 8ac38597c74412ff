//go:build linux && cgo

package livecap

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/afpacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
	"golang.org/x/net/bpf"
)

// The ring is made of blocks the kernel fills and hands over whole. A
// block holds the largest packet (snap length 256 KiB) with room to
// spare; a partly filled one is handed over after blockTimeout, which
// bounds how late a quiet interface's packets are seen.
const (
	ringBlockSize = 1 << 20
	ringMinBlocks = 8
	blockTimeout  = 10 * time.Millisecond
	pollTimeout   = 200 * time.Millisecond
)

// Interface types (ARPHRD_*) whose frames are Ethernet: AF_PACKET's raw
// sockets then give the same bytes as libpcap's DLT_EN10MB.
const (
	arphrdEther    = 1
	arphrdLoopback = 772
)

// afpacketReader reads a TPACKET_V3 ring.
type afpacketReader struct {
	tp *afpacket.TPacket
}

// afpacketUnfit says why AF_PACKET cannot capture on iface, "" when it
// can: it reads one named interface whose frames are Ethernet. "any" and
// other link types (tunnels, raw IP) go through libpcap, which gives them
// a cooked header.
func afpacketUnfit(iface string) string {
	if iface == "" || iface == "any" {
		return "AF_PACKET captures one named interface, not \"any\""
	}
	t, err := linkTypeOf(iface)
	if err != nil {
		return err.Error()
	}
	if t != arphrdEther && t != arphrdLoopback {
		return fmt.Sprintf("%s is not an Ethernet or loopback interface (type %d)", iface, t)
	}
	return ""
}

func linkTypeOf(iface string) (int, error) {
	b, err := os.ReadFile("/sys/class/net/" + iface + "/type")
	if err != nil {
		return 0, fmt.Errorf("no interface %q (see 'mailwire interfaces')", iface)
	}
	var t int
	if _, err := fmt.Sscan(strings.TrimSpace(string(b)), &t); err != nil {
		return 0, fmt.Errorf("interface %q: unreadable type %q", iface, b)
	}
	return t, nil
}

func openAFPacket(opt Options) (reader, error) {
	prog, err := kernelFilter(opt)
	if err != nil {
		return nil, err
	}
	// The sockets of a fanout group share the buffer asked for.
	blocks := max(opt.Buffer/ringBlockSize/max(opt.Shares, 1), ringMinBlocks)
	tp, err := afpacket.NewTPacket(
		afpacket.OptInterface(opt.Iface),
		afpacket.TPacketVersion3,
		afpacket.OptBlockSize(ringBlockSize),
		afpacket.OptNumBlocks(blocks),
		afpacket.OptBlockTimeout(blockTimeout),
		afpacket.OptPollTimeout(pollTimeout),
		// The kernel takes a VLAN tag out of the frame; put it back, as
		// libpcap does, so that both sources write the same bytes.
		afpacket.OptAddVLANHeader(true),
	)
	if err != nil {
		return nil, explainAF(err)
	}
	// Packets that came between the socket's binding and its filter are
	// not filtered: they are few, and the analysis takes any packet.
	if err := tp.SetBPF(prog); err != nil {
		tp.Close()
		return nil, fmt.Errorf("attaching the capture filter: %w", err)
	}
	if opt.Promisc {
		if err := tp.SetPromiscuous(true); err != nil {
			tp.Close()
			return nil, explainAF(err)
		}
	}
	return &afpacketReader{tp: tp}, nil
}

// kernelFilter compiles the tcpdump-syntax filter with libpcap, for
// Ethernet frames cut at the snap length. On loopback, every packet
// passes the capture point twice, going out and coming in; libpcap drops
// the outgoing copy in user space after the kernel has copied it into the
// ring, this filter refuses it in the kernel.
func kernelFilter(opt Options) ([]bpf.RawInstruction, error) {
	insns, err := pcap.CompileBPFFilter(layers.LinkTypeEthernet, opt.Snaplen, opt.Filter)
	if err != nil {
		return nil, filterError(opt.Filter, err)
	}
	var prog []bpf.RawInstruction
	if t, _ := linkTypeOf(opt.Iface); t == arphrdLoopback {
		prog = append(prog, dropOutgoing...)
	}
	for _, in := range insns {
		prog = append(prog, bpf.RawInstruction{Op: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K})
	}
	return prog, nil
}

// dropOutgoing refuses packets the kernel marks PACKET_OUTGOING and goes
// on with the next instruction otherwise. Jumps are relative, so the
// compiled filter that follows is unchanged.
var dropOutgoing = mustAssemble(
	bpf.LoadExtension{Num: bpf.ExtType},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: syscall.PACKET_OUTGOING, SkipFalse: 1},
	bpf.RetConstant{Val: 0},
)

func mustAssemble(insns ...bpf.Instruction) []bpf.RawInstruction {
	raw, err := bpf.Assemble(insns)
	if err != nil {
		panic(err)
	}
	return raw
}

func (a *afpacketReader) read() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := a.tp.ZeroCopyReadPacketData()
	if errors.Is(err, afpacket.ErrTimeout) {
		err = errTimeout
	}
	return data, ci, err
}

func (a *afpacketReader) linkType() layers.LinkType { return layers.LinkTypeEthernet }
func (a *afpacketReader) close()                    { a.tp.Close() }

// stats reads the socket's counters; like libpcap's on Linux, received
// counts the dropped packets too.
func (a *afpacketReader) stats() Stats {
	_, v3, err := a.tp.SocketStats()
	if err != nil {
		return Stats{}
	}
	return Stats{Received: int64(v3.Packets()), DroppedKernel: int64(v3.Drops())}
}

// joinFanout opens opt.Shares-1 more sockets like first and puts them
// all in one fanout group that hashes each flow, both directions alike,
// to one socket, after putting IP fragments back together: a
// conversation, and a datagram, stay on one share.
func joinFanout(first reader, opt Options) ([]reader, error) {
	rs := []reader{first}
	fail := func(err error) ([]reader, error) {
		for _, r := range rs {
			r.close()
		}
		return nil, err
	}
	for len(rs) < opt.Shares {
		r, err := openAFPacket(opt)
		if err != nil {
			return fail(err)
		}
		rs = append(rs, r)
	}
	// The group is this process's: another process's group of the same
	// id would share its packets with ours.
	id := uint16(os.Getpid())
	for _, r := range rs {
		if err := r.(*afpacketReader).tp.SetFanout(afpacket.FanoutHashWithDefrag, id); err != nil {
			return fail(fmt.Errorf("%w: %w", ErrFanout, err))
		}
	}
	return rs, nil
}

// explainAF says which socket was refused: the caller adds what to do.
func explainAF(err error) error {
	return fmt.Errorf("AF_PACKET socket: %w", err)
}
