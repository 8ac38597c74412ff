//go:build linux && cgo

package livecap

import (
	"fmt"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/afpacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
	"golang.org/x/net/bpf"
)

// afSource reads packets from Linux AF_PACKET sockets with memory-mapped
// TPACKET_V3 rings, bypassing libpcap. Several sockets join one fanout
// group: the kernel spreads flows over their rings and each is drained
// by a goroutine of its own, so a burst fills several rings, not one.
type afSource struct {
	socks   []*afpacket.TPacket
	packets chan afPacket
	free    chan []byte
	stop    chan struct{}
	wg      sync.WaitGroup
	last    []byte // handed out by the previous read, recycled on the next
}

type afPacket struct {
	data []byte
	ci   gopacket.CaptureInfo
}

// afQueue is how many packets wait between the rings and the analysis.
const afQueue = 4096

var fanoutID uint16 = 0x4d57 // "MW"; each capture takes the next one

var fanoutMu sync.Mutex

func openAFPacket(opt Options) (*afSource, error) {
	if opt.Iface == "any" || opt.Iface == "" {
		return nil, fmt.Errorf("AF_PACKET captures on one interface, not %q: name it, or leave AF_PACKET off", opt.Iface)
	}
	prog, err := pcap.CompileBPFFilter(layers.LinkTypeEthernet, opt.Snaplen, opt.Filter)
	if err != nil {
		return nil, fmt.Errorf("filter %q: %v (use tcpdump's syntax, e.g. \"tcp port 25 or udp port 53\")", opt.Filter, err)
	}
	raw := make([]bpf.RawInstruction, len(prog))
	for i, in := range prog {
		raw[i] = bpf.RawInstruction{Op: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	n := max(opt.Sockets, 1)
	bufSize := opt.Buffer
	if bufSize <= 0 {
		bufSize = 64 << 20
	}
	const block = 1 << 20
	blocks := max(bufSize/n/block, 8)
	fanoutMu.Lock()
	fanoutID++
	id := fanoutID
	fanoutMu.Unlock()
	s := &afSource{packets: make(chan afPacket, afQueue), free: make(chan []byte, afQueue+n+1), stop: make(chan struct{})}
	for i := 0; i < n; i++ {
		tp, err := afpacket.NewTPacket(afpacket.OptInterface(opt.Iface), afpacket.OptFrameSize(1<<16),
			afpacket.OptBlockSize(block), afpacket.OptNumBlocks(blocks), afpacket.OptPollTimeout(200*time.Millisecond),
			afpacket.OptBlockTimeout(10*time.Millisecond), afpacket.TPacketVersion3)
		if err == nil {
			err = tp.SetBPF(raw)
		}
		if err == nil && n > 1 {
			err = tp.SetFanout(afpacket.FanoutHashWithDefrag, id)
		}
		if err != nil {
			if tp != nil {
				tp.Close()
			}
			s.Close()
			return nil, explain(fmt.Errorf("AF_PACKET on %s: %w", opt.Iface, err))
		}
		s.socks = append(s.socks, tp)
	}
	for _, tp := range s.socks {
		s.wg.Add(1)
		go s.drain(tp, opt.Snaplen)
	}
	return s, nil
}

// drain copies packets out of one ring as fast as they come.
func (s *afSource) drain(tp *afpacket.TPacket, snaplen int) {
	defer s.wg.Done()
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		data, ci, err := tp.ZeroCopyReadPacketData()
		if err != nil {
			if err == afpacket.ErrTimeout {
				continue
			}
			return
		}
		var buf []byte
		select {
		case buf = <-s.free:
		default:
		}
		n := min(len(data), snaplen)
		buf = append(buf[:0], data[:n]...)
		ci.CaptureLength = n
		select {
		case s.packets <- afPacket{buf, ci}:
		case <-s.stop:
			return
		}
	}
}

// read returns the next packet, or errRetry when none came for a while.
func (s *afSource) read() ([]byte, gopacket.CaptureInfo, error) {
	if s.last != nil {
		select {
		case s.free <- s.last:
		default:
		}
		s.last = nil
	}
	select {
	case p := <-s.packets:
		s.last = p.data
		return p.data, p.ci, nil
	case <-time.After(200 * time.Millisecond):
		return nil, gopacket.CaptureInfo{}, errRetry
	}
}

func (s *afSource) linkType() layers.LinkType { return layers.LinkTypeEthernet }

// stats adds up the counters of every ring.
func (s *afSource) stats() Stats {
	var st Stats
	for _, tp := range s.socks {
		_, v3, err := tp.SocketStats()
		if err != nil {
			continue
		}
		st.Received += int64(v3.Packets())
		st.DroppedKernel += int64(v3.Drops())
	}
	return st
}

func (s *afSource) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.wg.Wait()
	for _, tp := range s.socks {
		tp.Close()
	}
}
