//go:build linux && cgo

package livecap

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/mailwire/mailwire/reassembly"
)

func TestAFPacketUnfit(t *testing.T) {
	for _, tc := range []struct {
		iface string
		fit   bool
	}{
		{"lo", true},
		{"any", false},
		{"", false},
		{"no-such-interface0", false},
	} {
		if why := afpacketUnfit(tc.iface); (why == "") != tc.fit {
			t.Errorf("afpacketUnfit(%q) = %q, want fit %v", tc.iface, why, tc.fit)
		}
	}
}

func TestKernelFilter(t *testing.T) {
	prog, err := kernelFilter(Options{Iface: "lo", Snaplen: 262144, Filter: DefaultFilter})
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) <= len(dropOutgoing) || !reflect.DeepEqual(prog[:len(dropOutgoing)], dropOutgoing) {
		t.Fatalf("loopback filter does not start by refusing outgoing packets: %v", prog)
	}
	_, err = kernelFilter(Options{Iface: "lo", Snaplen: 262144, Filter: "tcp port"})
	if err == nil || !strings.Contains(err.Error(), "tcpdump's syntax") {
		t.Fatalf("bad filter gave %v, want advice on the syntax", err)
	}
}

// TestLoopbackPacketsOnce sends datagrams on loopback while each source
// captures them: each must come out once (loopback shows every packet
// twice to a capture socket), in order, and the written pcapng must hold
// the same packets. It needs root, as capturing does.
func TestLoopbackPacketsOnce(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("capturing needs root")
		}
		t.Skip("capturing needs root")
	}
	for _, source := range []string{SourceAFPacket, SourcePcap} {
		t.Run(source, func(t *testing.T) { loopbackOnce(t, source) })
	}
}

func loopbackOnce(t *testing.T, source string) {
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	port := srv.LocalAddr().(*net.UDPAddr).Port
	file := filepath.Join(t.TempDir(), "lo.pcapng")
	c, err := Open(Options{Iface: "lo", Source: source, Filter: fmt.Sprintf("udp dst port %d", port),
		Write: file, Duration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if c.Source() != source {
		t.Fatalf("asked for %s, got %s", source, c.Source())
	}
	const n = 20
	cl, err := net.DialUDP("udp4", nil, srv.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var want []string
	for i := range n {
		p := fmt.Sprintf("mailwire-livecap-%d", i)
		want = append(want, p)
		if _, err := cl.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for {
		data, _, lt, err := c.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, reassembly.ErrIdle) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, payload(data, lt))
	}
	st := c.Stats()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("captured %q, want each datagram once: %q", got, want)
	}
	if source == SourceAFPacket && (st.Received != n || st.DroppedKernel != 0) {
		t.Errorf("stats %+v, want %d received, none dropped", st, n)
	}
	if back := readBack(t, file); !reflect.DeepEqual(back, want) {
		t.Fatalf("written capture holds %q, want %q", back, want)
	}
}

func payload(data []byte, lt layers.LinkType) string {
	p := gopacket.NewPacket(data, lt, gopacket.Default)
	if app := p.ApplicationLayer(); app != nil {
		return string(app.Payload())
	}
	return fmt.Sprintf("(no payload in %d bytes)", len(data))
}

func readBack(t *testing.T, file string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		data, _, err := r.ReadPacketData()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, payload(data, r.LinkType()))
	}
}

// TestSourceChoice checks which source each --source value opens, and
// that an unfit interface is refused with what to use instead.
func TestSourceChoice(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("capturing needs root")
		}
		t.Skip("capturing needs root")
	}
	for _, tc := range []struct {
		iface, source, want, err string
	}{
		{"lo", SourceAuto, SourceAFPacket, ""},
		{"lo", "", SourceAFPacket, ""},
		{"lo", SourcePcap, SourcePcap, ""},
		{"any", SourceAuto, SourcePcap, ""},
		{"any", SourceAFPacket, "", "use --source pcap"},
		{"lo", "bpf", "", "say auto, afpacket, pcap"},
	} {
		c, err := Open(Options{Iface: tc.iface, Source: tc.source, Duration: time.Millisecond})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s on %s: error %v, want one saying %q", tc.source, tc.iface, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s on %s: %v", tc.source, tc.iface, err)
			continue
		}
		if c.Source() != tc.want {
			t.Errorf("%s on %s opened %s, want %s", tc.source, tc.iface, c.Source(), tc.want)
		}
		c.Close()
	}
}
