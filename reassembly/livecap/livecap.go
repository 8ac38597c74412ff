//go:build cgo

// Package livecap captures packets from a network interface, with Linux's
// AF_PACKET (TPACKET_V3) where it can and libpcap everywhere else,
// optionally saving them to a pcapng file as they are analysed, so that the
// same records can be read back from the file later.
package livecap

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/mailwire/mailwire/reassembly"
)

// Available tells whether this build can capture live.
const Available = true

// DefaultFilter keeps every TCP conversation (mail is recognised by content,
// on any port) and DNS.
const DefaultFilter = "tcp or udp port 53"

// Options of a live capture.
type Options struct {
	Iface    string
	Snaplen  int // 0: whole packets
	Promisc  bool
	Filter   string
	Write    string // pcapng file to save packets to; "" for none
	Count    int64  // stop after that many packets; 0: no limit
	Duration time.Duration
	Buffer   int // kernel buffer in bytes; 0: 64 MiB
	// Source is SourceAuto (or ""), SourceAFPacket or SourcePcap.
	Source string
	// Shares is how many AF_PACKET sockets share the traffic, in a
	// fanout group that keeps each conversation on one socket: each
	// share is read, and can be analysed, on its own core. libpcap reads
	// one. 0 or 1: one socket.
	Shares int
}

// Capture sources: AF_PACKET reads the kernel's ring itself and refuses
// loopback's duplicate copies in the kernel; libpcap is the portable path.
const (
	SourceAuto     = "auto"
	SourceAFPacket = "afpacket"
	SourcePcap     = "pcap"
)

// Sources are the values Options.Source accepts.
var Sources = []string{SourceAuto, SourceAFPacket, SourcePcap}

// reader is one way of taking packets from the kernel.
type reader interface {
	// read returns the next packet, valid until the next call, or
	// errTimeout when none came for a while (so that Stop is seen).
	read() ([]byte, gopacket.CaptureInfo, error)
	linkType() layers.LinkType
	stats() Stats
	close()
}

var errTimeout = errors.New("no packet before the timeout")

// Capture is a running live capture; it implements reassembly.Source
// when it has one share.
type Capture struct {
	shares []*Share
	source string
	file   *os.File
	w      *pcapgo.NgWriter
	opt    Options
	start  time.Time
	// mu numbers packets in the order they are written, when they are.
	mu       sync.Mutex
	frames   atomic.Int64
	stopping atomic.Bool
}

// Share is one socket of a capture, read on its own goroutine; it
// implements reassembly.Framed: its packets carry their number in the
// whole capture (and in the file written).
type Share struct {
	c     *Capture
	r     reader
	frame int64
}

// Open starts capturing. The filter is checked before anything starts.
func Open(opt Options) (*Capture, error) {
	if opt.Snaplen <= 0 {
		opt.Snaplen = 262144
	}
	if opt.Filter == "" {
		opt.Filter = DefaultFilter
	}
	if opt.Buffer <= 0 {
		// A large kernel buffer absorbs bursts while a big message is
		// analysed; libpcap's default (2 MiB) drops packets at a few
		// hundred Mbit/s.
		opt.Buffer = 64 << 20
	}
	rs, source, err := openReaders(opt)
	if err != nil {
		return nil, err
	}
	c := &Capture{source: source, opt: opt, start: time.Now()}
	for _, r := range rs {
		c.shares = append(c.shares, &Share{c: c, r: r})
	}
	if opt.Write != "" {
		if err := c.openWriter(); err != nil {
			c.closeReaders()
			return nil, err
		}
	}
	return c, nil
}

// openReaders opens the source asked for, with its shares.
func openReaders(opt Options) ([]reader, string, error) {
	r, source, err := openReader(opt)
	if err != nil || source != SourceAFPacket || opt.Shares <= 1 {
		return []reader{r}, source, err
	}
	rs, err := joinFanout(r, opt)
	return rs, source, err
}

// openReader opens the source asked for; auto takes AF_PACKET when the
// interface allows it and falls back to libpcap when AF_PACKET fails for
// any reason but a refused permission (which libpcap would meet too).
func openReader(opt Options) (reader, string, error) {
	switch opt.Source {
	case SourcePcap:
		r, err := openPcap(opt)
		return r, SourcePcap, err
	case SourceAFPacket:
		if why := afpacketUnfit(opt.Iface); why != "" {
			return nil, "", fmt.Errorf("--source afpacket: %s; use --source pcap", why)
		}
		r, err := openAFPacket(opt)
		return r, SourceAFPacket, err
	case SourceAuto, "":
		if afpacketUnfit(opt.Iface) == "" {
			r, err := openAFPacket(opt)
			if err == nil || errors.Is(err, os.ErrPermission) {
				return r, SourceAFPacket, err
			}
		}
		r, err := openPcap(opt)
		return r, SourcePcap, err
	}
	return nil, "", fmt.Errorf("unknown capture source %q: say %s", opt.Source, strings.Join(Sources, ", "))
}

// pcapReader reads through libpcap.
type pcapReader struct{ h *pcap.Handle }

func openPcap(opt Options) (reader, error) {
	in, err := pcap.NewInactiveHandle(opt.Iface)
	if err != nil {
		return nil, err
	}
	defer in.CleanUp()
	in.SetSnapLen(opt.Snaplen)
	in.SetPromisc(opt.Promisc)
	in.SetImmediateMode(true)
	in.SetBufferSize(opt.Buffer)
	in.SetTimeout(200 * time.Millisecond)
	h, err := in.Activate()
	if err != nil {
		return nil, err
	}
	if err := h.SetBPFFilter(opt.Filter); err != nil {
		h.Close()
		return nil, filterError(opt.Filter, err)
	}
	return pcapReader{h}, nil
}

func (p pcapReader) read() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := p.h.ZeroCopyReadPacketData()
	if errors.Is(err, pcap.NextErrorTimeoutExpired) {
		err = errTimeout
	}
	return data, ci, err
}

func (p pcapReader) linkType() layers.LinkType { return p.h.LinkType() }
func (p pcapReader) close()                    { p.h.Close() }

// stats reads libpcap's counters.
func (p pcapReader) stats() Stats {
	s, err := p.h.Stats()
	if err != nil {
		return Stats{}
	}
	return Stats{Received: int64(s.PacketsReceived), DroppedKernel: int64(s.PacketsDropped), DroppedInterface: int64(s.PacketsIfDropped)}
}

func filterError(expr string, err error) error { return &FilterError{Expr: expr, Err: err} }

func (c *Capture) openWriter() error {
	f, err := os.Create(c.opt.Write)
	if err != nil {
		return fmt.Errorf("cannot write the capture: %w", err)
	}
	intf := pcapgo.DefaultNgInterface
	intf.Name = c.opt.Iface
	intf.LinkType = c.LinkType()
	intf.SnapLength = uint32(c.opt.Snaplen)
	w, err := pcapgo.NewNgWriterInterface(f, intf, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		f.Close()
		return err
	}
	c.file, c.w = f, w
	return nil
}

// CheckFilter compiles a filter for a link type without capturing, so that
// a typo is reported before anything starts.
func CheckFilter(expr string) error {
	_, err := pcap.CompileBPFFilter(layers.LinkTypeEthernet, 262144, expr)
	return err
}

// LinkType of the interface.
func (c *Capture) LinkType() layers.LinkType { return c.shares[0].r.linkType() }

// Shares are the sockets the traffic is read on: one but with
// Options.Shares and AF_PACKET.
func (c *Capture) Shares() []*Share { return c.shares }

// Source says which source captures: SourceAFPacket or SourcePcap.
func (c *Capture) Source() string { return c.source }

// Stop asks the capture to end; Next then returns io.EOF. Safe to call
// from a signal handler's goroutine.
func (c *Capture) Stop() { c.stopping.Store(true) }

// Next returns the next packet of the first share, io.EOF once stopped.
func (c *Capture) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	return c.shares[0].Next()
}

// Frame is the number of the packet Next last returned.
func (c *Capture) Frame() int64 { return c.shares[0].frame }

// Next returns the share's next packet, io.EOF once the capture stopped,
// or reassembly.ErrIdle with the time it is when none came for a while.
func (s *Share) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	c := s.c
	if c.done() {
		return nil, gopacket.CaptureInfo{}, 0, io.EOF
	}
	data, ci, err := s.r.read()
	if err == errTimeout {
		// Every packet of this share numbered so far is read.
		s.frame = c.frames.Load()
		return nil, gopacket.CaptureInfo{Timestamp: time.Now()}, 0, reassembly.ErrIdle
	}
	if err != nil {
		return nil, ci, 0, err
	}
	frame, err := c.number(data, ci)
	if err != nil {
		return nil, ci, 0, err
	}
	if frame == 0 {
		return nil, gopacket.CaptureInfo{}, 0, io.EOF // past --count
	}
	s.frame = frame
	return data, ci, s.r.linkType(), nil
}

// Frame is the capture's number of the packet Next last returned.
func (s *Share) Frame() int64 { return s.frame }

// number gives a packet its number in the capture, and writes it to the
// file in that order; 0 past Options.Count.
func (c *Capture) number(data []byte, ci gopacket.CaptureInfo) (int64, error) {
	if c.w == nil {
		n := c.frames.Add(1)
		if c.opt.Count > 0 && n > c.opt.Count {
			return 0, nil
		}
		return n, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.frames.Load() + 1
	if c.opt.Count > 0 && n > c.opt.Count {
		return 0, nil
	}
	// The file has one interface, whatever the kernel's index.
	wci := ci
	wci.InterfaceIndex = 0
	if err := c.w.WritePacket(wci, data); err != nil {
		return 0, fmt.Errorf("writing %s: %w", c.opt.Write, err)
	}
	c.frames.Store(n)
	return n, nil
}

func (c *Capture) done() bool {
	return c.stopping.Load() ||
		(c.opt.Count > 0 && c.frames.Load() >= c.opt.Count) ||
		(c.opt.Duration > 0 && time.Since(c.start) >= c.opt.Duration)
}

// Stats are the capture's counters.
type Stats struct {
	Received, DroppedKernel, DroppedInterface int64
}

// Stats reads the kernel's counters, of every share: received counts the
// packets the filter kept, dropped ones included.
func (c *Capture) Stats() Stats {
	var st Stats
	for _, s := range c.shares {
		r := s.r.stats()
		st.Received += r.Received
		st.DroppedKernel += r.DroppedKernel
		st.DroppedInterface += r.DroppedInterface
	}
	return st
}

// Close ends the capture and flushes the written file.
func (c *Capture) Close() error {
	var err error
	if c.w != nil {
		err = c.w.Flush()
		if cerr := c.file.Close(); err == nil {
			err = cerr
		}
	}
	c.closeReaders()
	return err
}

func (c *Capture) closeReaders() {
	for _, s := range c.shares {
		s.r.close()
	}
}

// Interface is one capturable interface.
type Interface struct {
	Name, Description string
	Addresses         []string
}

// Interfaces lists what can be captured on.
func Interfaces() ([]Interface, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return nil, err
	}
	out := make([]Interface, 0, len(devs))
	for _, d := range devs {
		i := Interface{Name: d.Name, Description: d.Description}
		for _, a := range d.Addresses {
			i.Addresses = append(i.Addresses, a.IP.String())
		}
		out = append(out, i)
	}
	return out, nil
}
