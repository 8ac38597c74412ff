//go:build linux && cgo

package livecap

import (
	"net"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"
)

// TestAFPacketCapturesThroughAFanoutGroup captures DNS queries sent on the
// loopback of a network namespace of its own, with two rings in one
// fanout group, and checks every packet and the kernel's counters.
func TestAFPacketCapturesThroughAFanoutGroup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("AF_PACKET needs root (run the tests as root to cover it)")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// This thread moves to a new network namespace and is never
		// given back: it ends with the goroutine.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			t.Errorf("new network namespace: %v", err)
			return
		}
		if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
			t.Errorf("ip link set lo up: %v: %s", err, out)
			return
		}
		const n = 40
		c, err := Open(Options{Iface: "lo", Filter: "udp port 53", AFPacket: true, Sockets: 2, Count: n, Duration: 10 * time.Second})
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		for i := 0; i < n; i++ {
			// A new source port each time, so that the fanout hash
			// spreads them over both rings.
			conn, err := net.Dial("udp", "127.0.0.1:53")
			if err != nil {
				t.Error(err)
				return
			}
			conn.Write([]byte{byte(i), 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1})
			conn.Close()
		}
		got := 0
		for {
			data, ci, lt, err := c.Next()
			if err != nil {
				break
			}
			p := gopacket.NewPacket(data, lt, gopacket.NoCopy)
			udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
			if !ok || udp.DstPort != 53 || ci.CaptureLength != len(data) {
				t.Errorf("packet %d is not the query sent: %v", got+1, p)
			}
			got++
		}
		if got != n {
			t.Errorf("captured %d packets, want %d", got, n)
		}
		if st := c.Stats(); st.Received < n || st.DroppedKernel != 0 {
			t.Errorf("kernel counters: %+v", st)
		}
	}()
	<-done
}
