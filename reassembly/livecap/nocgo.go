//go:build !cgo

package livecap

import (
	"errors"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Available tells whether this build can capture live.
const Available = false

// DefaultFilter keeps every TCP conversation and DNS.
const DefaultFilter = "tcp or udp port 53"

// ErrNoLive explains how to get a build that captures.
var ErrNoLive = errors.New("this mailwire was built without cgo, so it reads capture files but cannot capture live; build it with libpcap: sudo apt-get install -y libpcap-dev gcc && CGO_ENABLED=1 make build")

// Options of a live capture.
type Options struct {
	Iface    string
	Snaplen  int
	Promisc  bool
	Filter   string
	Write    string
	Count    int64
	Duration time.Duration
	Buffer   int
	Source   string
	Shares   int
}

// Capture sources, as in the build with cgo.
const (
	SourceAuto     = "auto"
	SourceAFPacket = "afpacket"
	SourcePcap     = "pcap"
)

// Sources are the values Options.Source accepts.
var Sources = []string{SourceAuto, SourceAFPacket, SourcePcap}

// Capture is unavailable in this build.
type Capture struct{}

// Share is unavailable in this build.
type Share struct{}

func (*Share) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	return nil, gopacket.CaptureInfo{}, 0, ErrNoLive
}
func (*Share) Frame() int64 { return 0 }

// Stats are the capture's counters.
type Stats struct {
	Received, DroppedKernel, DroppedInterface int64
}

// Interface is one capturable interface.
type Interface struct {
	Name, Description string
	Addresses         []string
}

func Open(Options) (*Capture, error)       { return nil, ErrNoLive }
func CheckFilter(string) error             { return ErrNoLive }
func Interfaces() ([]Interface, error)     { return nil, ErrNoLive }
func (*Capture) LinkType() layers.LinkType { return 0 }
func (*Capture) Stop()                     {}
func (*Capture) Source() string            { return "" }
func (*Capture) Stats() Stats              { return Stats{} }
func (*Capture) Close() error              { return nil }
func (*Capture) Shares() []*Share          { return nil }
func (*Capture) Frame() int64              { return 0 }
func (*Capture) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	return nil, gopacket.CaptureInfo{}, 0, ErrNoLive
}
