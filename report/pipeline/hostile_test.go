package pipeline

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/testdata/pcapgen"
)

var (
	client = net.IPv4(127, 0, 0, 10)
	server = net.IPv4(127, 0, 0, 25)
)

func analyse(t *testing.T, data []byte) *Result {
	t.Helper()
	src, err := capfile.NewReader("hostile.pcap", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func newPcap(t *testing.T) (*pcapgen.Writer, *bytes.Buffer) {
	var buf bytes.Buffer
	w, err := pcapgen.NewWriter(&buf, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	return w, &buf
}

func findingsByID(res *Result) map[string]*record.Finding {
	m := map[string]*record.Finding{}
	for _, r := range res.Records {
		if f, ok := r.(*record.Finding); ok {
			m[string(f.ID)] = f
		}
	}
	return m
}

func TestRandomBytesAfterAValidHeaderAreAWarningNotACrash(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40000, 25)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	junk := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(junk)
	res := analyse(t, append(buf.Bytes(), junk...))
	if res.Stats.Packets < 4 {
		t.Fatalf("packets before the junk lost: %d", res.Stats.Packets)
	}
	if !res.Capture.Truncated && len(res.Capture.Warnings) == 0 {
		t.Fatalf("no warning for the junk: %+v", res.Capture)
	}
	if findingsByID(res)["capture-truncated"] == nil {
		t.Fatal("no capture-truncated finding")
	}
}

func TestPcapngWithABogusBlockLengthKeepsEarlierPackets(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40001, 25)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	c.ClientSays("EHLO me\r\n")
	ng := toPcapng(t, buf.Bytes())
	// A last block claiming a length far past the end of the file.
	bogus := make([]byte, 12)
	binary.LittleEndian.PutUint32(bogus[0:], 6)
	binary.LittleEndian.PutUint32(bogus[4:], 0x7ffffff0)
	res := analyse(t, append(ng, bogus...))
	if res.Stats.Packets != 5 {
		t.Fatalf("packets: %d", res.Stats.Packets)
	}
	if len(res.Capture.Warnings) == 0 {
		t.Fatal("no warning for the bogus block")
	}
}

func TestManyHalfOpenConnectionsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	w, buf := newPcap(t)
	for i := 0; i < 100000; i++ {
		ip := net.IPv4(10, byte(i>>16), byte(i>>8), byte(i))
		w.TCP(pcapgen.Segment{Src: ip, Dst: server, SrcPort: uint16(1024 + i%60000), DstPort: 25, Seq: uint32(i), SYN: true})
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	src, _ := capfile.NewReader("flood.pcap", bytes.NewReader(buf.Bytes()), nil)
	opt := Options{}
	opt.Reassembly.MaxConns = 10000
	opt.Reassembly.MaxPages, opt.Reassembly.MaxPagesPerConn = 1000, 100
	opt.Reassembly.HoleTimeout, opt.Reassembly.IdleTimeout = 1e10, 6e11
	res, err := Read(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if res.Stats.Packets != 100000 || res.Sessions != 0 {
		t.Fatalf("packets %d sessions %d", res.Stats.Packets, res.Sessions)
	}
	if res.Stats.ConnsEvicted == 0 {
		t.Fatal("no connection evicted past MaxConns")
	}
	if heap := after.HeapInuse; heap > 256<<20 {
		t.Fatalf("heap in use %d MiB", heap>>20)
	}
}

func TestConflictingOverlapIsReportedAndTheFirstCopyKept(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40002, 25)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	// The client's EHLO, then a segment rewriting the same bytes.
	seg := pcapgen.Segment{Src: client, Dst: server, SrcPort: 40002, DstPort: 25, ACK: true}
	c.ClientSays("EHLO good\r\n")
	seg.Seq = 1000 + 40002*7 + 1
	seg.Payload = []byte("EHLO evil\r\nQUIT\r\n")
	w.TCP(seg)
	c.Skip(true, len("QUIT\r\n"))
	res := analyse(t, buf.Bytes())
	var ehlo string
	for _, r := range res.Records {
		if cmd, ok := r.(*record.Command); ok && cmd.Verb == "EHLO" {
			ehlo = cmd.Args
		}
	}
	if ehlo != "good" {
		t.Fatalf("EHLO args %q, want the first copy", ehlo)
	}
	if !strings.Contains(strings.Join(recordtest.Texts(res.Capture.Warnings), "\n"), "overlapped") {
		t.Fatalf("no overlap warning: %q", res.Capture.Warnings)
	}
}

func TestZeroWindowStallDoesNotHang(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40003, 143)
	c.Handshake()
	c.ServerSays("* OK ready\r\n")
	for i := 0; i < 1000; i++ {
		w.TCP(pcapgen.Segment{Src: server, Dst: client, SrcPort: 143, DstPort: 40003, ACK: true, Window: 0, Seq: 900000 + 40003*13 + 1 + 12})
	}
	c.ClientSays("a1 LOGOUT\r\n")
	res := analyse(t, buf.Bytes())
	if res.Sessions != 1 {
		t.Fatalf("sessions %d", res.Sessions)
	}
}

func TestHugeLiteralAndEndlessLineAreWarnings(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40004, 143)
	c.Handshake()
	c.ServerSays("* OK IMAP ready\r\n")
	c.ClientSays("a1 LOGIN {4294967295}\r\n")
	c.ServerSays("+ go ahead\r\n")
	c.ClientSays(strings.Repeat("A", 1<<20))
	c.Close()
	c2 := w.Conn(client, server, 40005, 25)
	c2.Handshake()
	c2.ServerSays("220 mail ESMTP\r\n")
	c2.ClientSays(strings.Repeat("B", 10<<20))
	c2.Close()
	var ms runtime.MemStats
	res := analyse(t, buf.Bytes())
	runtime.ReadMemStats(&ms)
	// The capture itself is about 12 MiB; what the analysis keeps is
	// bounded by the line and literal limits, far below the inputs.
	if ms.HeapInuse > 128<<20 {
		t.Fatalf("heap in use %d MiB", ms.HeapInuse>>20)
	}
	if res.Sessions != 2 {
		t.Fatalf("sessions %d", res.Sessions)
	}
	for _, r := range res.Records {
		if s, ok := r.(*record.Session); ok && len(s.Warnings) == 0 {
			t.Errorf("session %s (%s) has no warning", s.ID, s.Proto)
		}
	}
}

// toPcapng rewrites a pcap file as pcapng with gopacket's writer.
func toPcapng(t *testing.T, pcap []byte) []byte {
	t.Helper()
	src, err := capfile.NewReader("in", bytes.NewReader(pcap), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := pcapgo.NewNgWriter(&out, src.LinkType())
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, _, err := src.Next()
		if err != nil {
			break
		}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return out.Bytes()
}
