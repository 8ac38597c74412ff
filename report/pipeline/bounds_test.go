package pipeline

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/mailwire/mailwire/report/jsonl"
	"net"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/testdata/heapwatch"
	"github.com/mailwire/mailwire/testdata/pcapgen"
)

// Each hostile capture of this file is generated small, analysed, and
// checked for its warning and for memory: the peak of live heap objects
// while it is analysed, sampled every few milliseconds.

// peakHeap runs f and returns the most live heap seen while it ran,
// and the bytes it allocated in all.
func peakHeap(t *testing.T, f func()) (peak, allocated uint64) {
	t.Helper()
	return heapwatch.Peak(f)
}

// writeFrame writes an Ethernet frame of ip and payload.
func writeFrame(t *testing.T, w *pcapgen.Writer, typ layers.EthernetType, ip gopacket.SerializableLayer, payload []byte) {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: typ}
	sb := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	w.Raw(sb.Bytes())
}

// heapPast analyses the capture in buf and returns its result and the
// peak heap past the capture's own bytes, which it gives the analysis in
// a slice of their exact size: a buffer's spare room would hide what the
// analysis holds.
func heapPast(t *testing.T, buf *bytes.Buffer, opt Options) (*Result, uint64) {
	t.Helper()
	input := bytes.Clone(buf.Bytes())
	buf.Reset()
	var res *Result
	peak, _ := peakHeap(t, func() { res = analyseWith(t, input, opt) })
	return res, peak - min(peak, uint64(len(input)))
}

func analyseWith(t *testing.T, data []byte, opt Options) *Result {
	t.Helper()
	src, err := capfile.NewReader("hostile.pcap", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func warned(res *Result, part string) bool {
	return strings.Contains(strings.Join(recordtest.Texts(res.Capture.Warnings), "\n"), part)
}

// A new SYN on the addresses and ports of a connection that never closed
// starts a new connection: no gap of the distance between the two
// initial sequence numbers, no overlap, every session analysed.
func TestReusedPortsStartANewConnection(t *testing.T) {
	w, buf := newPcap(t)
	const n = 50
	for i := 0; i < n; i++ {
		c := w.Conn(client, server, 40100, 25)
		c.SetISN(uint32(i)*0x3000_0000+77, uint32(i)*0x2000_0000+99)
		c.Handshake()
		c.ServerSays("220 mail ESMTP\r\n")
		c.ClientSays("EHLO me\r\n")
		c.ServerSays("250 mail\r\n")
		// No FIN, no RST: the capture lost the end.
	}
	for _, workers := range []int{1, 4} {
		res := analyseWith(t, buf.Bytes(), Options{Workers: workers})
		if res.Sessions != n {
			t.Errorf("workers %d: %d sessions, want %d", workers, res.Sessions, n)
		}
		if res.Stats.GapBytes != 0 || res.Stats.OverlapBytes != 0 {
			t.Errorf("workers %d: gap %d bytes, overlap %d bytes over reused ports", workers, res.Stats.GapBytes, res.Stats.OverlapBytes)
		}
		if res.Stats.ConnsReused != n-1 || res.Stats.ConnsEvicted != 0 {
			t.Errorf("workers %d: %d reused, %d evicted; want %d reused", workers, res.Stats.ConnsReused, res.Stats.ConnsEvicted, n-1)
		}
	}
}

// A retransmitted SYN is not a new connection.
func TestRetransmittedSYNKeepsTheConnection(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40101, 25)
	syn := pcapgen.Segment{Src: client, Dst: server, SrcPort: 40101, DstPort: 25, Seq: 1000 + 40101*7, SYN: true}
	w.TCP(syn)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	w.TCP(syn)
	c.ClientSays("EHLO me\r\n")
	c.Close()
	res := analyseWith(t, buf.Bytes(), Options{})
	if res.Sessions != 1 || res.Stats.ConnsReused != 0 {
		t.Fatalf("%d sessions, %d reused", res.Sessions, res.Stats.ConnsReused)
	}
}

// A flood of SYNs that all carry one timestamp: the bound on connections
// holds by count, the oldest are closed with a warning, and connections
// closed by FIN are not counted as closed early.
func TestSYNFloodWithOneTimestampIsBoundedByCount(t *testing.T) {
	run := func(flood int) (*Result, uint64) {
		w, buf := newPcap(t)
		w.Step = 0
		legit := w.Conn(client, server, 40102, 25)
		legit.Handshake()
		legit.ServerSays("220 mail ESMTP\r\n")
		legit.ClientSays("EHLO me\r\n")
		legit.ServerSays("250 mail\r\n")
		legit.Close()
		for i := 0; i < flood; i++ {
			ip := net.IPv4(10, byte(i>>16), byte(i>>8), byte(i))
			w.TCP(pcapgen.Segment{Src: ip, Dst: server, SrcPort: uint16(1024 + i%60000), DstPort: 25, Seq: uint32(i), SYN: true})
		}
		opt := Options{Workers: 2}
		opt.Reassembly = reassembly.DefaultOptions()
		opt.Reassembly.MaxConns = 10000
		var res *Result
		peak, _ := peakHeap(t, func() { res = analyseWith(t, buf.Bytes(), opt) })
		// The capture itself is in memory too.
		return res, peak - min(peak, uint64(buf.Cap()))
	}
	small, smallPeak := run(40000)
	res, peak := run(160000)
	t.Logf("peak heap past the input: %d MiB for 40,000 SYNs, %d MiB for 160,000", smallPeak>>20, peak>>20)
	if small.Sessions != 1 || res.Sessions != 1 {
		t.Errorf("sessions %d and %d, want the legitimate one", small.Sessions, res.Sessions)
	}
	if ev := res.Stats.ConnsEvicted; ev < 160000-10000 || ev > 160000 {
		t.Errorf("%d connections evicted, want between %d and %d", ev, 160000-10000, 160000)
	}
	if !warned(res, fmt.Sprintf("%d connections were closed early", res.Stats.ConnsEvicted)) {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	if peak > smallPeak+16<<20 {
		t.Errorf("memory grows with the flood: %d MiB for 40,000 SYNs, %d MiB for 160,000", smallPeak>>20, peak>>20)
	}
}

// pcapRecord is one pcap record header (little-endian, microseconds).
func pcapRecord(incl, orig uint32) []byte {
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h[0:], 1_700_000_000)
	binary.LittleEndian.PutUint32(h[8:], incl)
	binary.LittleEndian.PutUint32(h[12:], orig)
	return h
}

// A packet larger than 256 KiB under a huge snap length is cut to 256
// KiB with a warning, and the packets after it are read; one that claims
// a gigabyte is never allocated.
func TestHugePacketIsCutNotAllocated(t *testing.T) {
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40103, 25)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	good := buf.Bytes()
	hdr := append([]byte(nil), good[:24]...)
	binary.LittleEndian.PutUint32(hdr[16:], 0xffffffff) // snap length
	var file []byte
	file = append(file, hdr...)
	big := make([]byte, 1<<20)
	copy(big, good[24+16:24+16+14]) // an Ethernet header
	file = append(file, pcapRecord(1<<20, 1<<20)...)
	file = append(file, big...)
	file = append(file, good[24:]...) // the conversation after it
	var res *Result
	peak, alloc := peakHeap(t, func() { res = analyseWith(t, file, Options{}) })
	if res.Stats.Packets != 5 || res.Stats.BigPackets != 1 || res.Stats.BigFrame != 1 {
		t.Fatalf("packets %d, big %d at frame %d", res.Stats.Packets, res.Stats.BigPackets, res.Stats.BigFrame)
	}
	if !warned(res, "1 packets were longer than 256 KiB, the first at frame 1") {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	if res.Sessions != 1 {
		t.Errorf("the conversation after the big packet was lost: %d sessions", res.Sessions)
	}
	t.Logf("1 MiB packet: peak %d KiB, allocated %d KiB", peak>>10, alloc>>10)

	// A record that claims a gigabyte, in a file that ends long before.
	claim := append(append(append([]byte(nil), hdr...), pcapRecord(1<<30, 1<<30)...), big...)
	peak, alloc = peakHeap(t, func() { res = analyseWith(t, claim, Options{}) })
	t.Logf("1 GiB claim: peak %d KiB, allocated %d KiB", peak>>10, alloc>>10)
	if !res.Capture.Truncated {
		t.Errorf("a file cut inside its packet is not reported cut: %+v", res.Capture)
	}
	if alloc > 64<<20 {
		t.Errorf("allocated %d MiB for a packet claiming 1 GiB", alloc>>20)
	}
}

// ngBlock is one little-endian pcapng block.
func ngBlock(typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	b := make([]byte, 12+len(body))
	binary.LittleEndian.PutUint32(b[0:], typ)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)))
	copy(b[8:], body)
	binary.LittleEndian.PutUint32(b[len(b)-4:], uint32(len(b)))
	return b
}

// A pcapng file with hundreds of thousands of interface descriptions keeps
// the first 1024, with a warning, and its packets are still read.
func TestManyPcapngInterfacesAreBounded(t *testing.T) {
	shb := ngBlock(0x0A0D0D0A, []byte{0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	idb := ngBlock(1, []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}) // Ethernet, huge snap length
	w, buf := newPcap(t)
	c := w.Conn(client, server, 40104, 25)
	c.Handshake()
	c.ServerSays("220 mail ESMTP\r\n")
	c.ClientSays("EHLO me\r\n")
	epbs := func(file []byte, iface uint32) []byte {
		src, _ := capfile.NewReader("in", bytes.NewReader(buf.Bytes()), nil)
		for {
			data, ci, _, err := src.Next()
			if err != nil {
				return file
			}
			body := make([]byte, 20, 20+len(data))
			binary.LittleEndian.PutUint32(body[0:], iface)
			us := uint64(ci.Timestamp.UnixMicro())
			binary.LittleEndian.PutUint32(body[4:], uint32(us>>32))
			binary.LittleEndian.PutUint32(body[8:], uint32(us))
			binary.LittleEndian.PutUint32(body[12:], uint32(len(data)))
			binary.LittleEndian.PutUint32(body[16:], uint32(len(data)))
			file = append(file, ngBlock(6, append(body, data...))...)
		}
	}
	build := func(n int) []byte {
		file := append([]byte(nil), shb...)
		for i := 0; i < n; i++ {
			file = append(file, idb...)
		}
		return epbs(file, uint32(n-1)) // packets of the last interface
	}
	run := func(n int) (*Result, uint64, uint64) {
		file := build(n)
		var res *Result
		peak, alloc := peakHeap(t, func() { res = analyseWith(t, file, Options{}) })
		return res, peak, alloc
	}
	_, small, smallAlloc := run(2000)
	res, peak, alloc := run(200000)
	t.Logf("2,000 interfaces: peak heap %d KiB, allocated %d KiB; 200,000: %d KiB, %d KiB", small>>10, smallAlloc>>10, peak>>10, alloc>>10)
	if res.Stats.Packets != 5 || res.Sessions != 1 {
		t.Fatalf("packets %d, sessions %d", res.Stats.Packets, res.Sessions)
	}
	if !warned(res, "198976 pcapng interface descriptions past the first 1024 of a section were not kept; 5 packets") {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	// Each interface past the bound still costs a few short-lived bytes
	// to skip (about 40 here, more under the race detector); keeping
	// them, as before the bound, cost over 500 bytes each.
	// Under the race detector the heap holds its instrumentation's own
	// allocations: the memory bound is judged in ordinary builds only.
	if !raceDetector && (peak > small+8<<20 || alloc > smallAlloc+32<<20) {
		t.Errorf("memory grows with the interfaces: %d KiB for 2,000, %d KiB for 200,000", small>>10, peak>>10)
	}
}

// Hundreds of thousands of first fragments that never get the rest, all
// with one timestamp: what waits for the rest is bounded by count.
func TestIncompleteFragmentsAreBoundedByCount(t *testing.T) {
	run := func(n int) (*Result, uint64) {
		w, buf := newPcap(t)
		w.Step = 0
		payload := make([]byte, 64)
		for i := 0; i < n; i++ {
			ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, Id: uint16(i),
				Flags: layers.IPv4MoreFragments, SrcIP: net.IPv4(10, 9, byte(i>>16), byte(i>>8)).To4(), DstIP: server.To4()}
			writeFrame(t, w, layers.EthernetTypeIPv4, ip, payload)
		}
		return heapPast(t, buf, Options{Workers: 2})
	}
	_, small := run(40000)
	res, peak := run(160000)
	t.Logf("peak heap past the input: %d MiB for 40,000 fragments, %d MiB for 160,000", small>>20, peak>>20)
	if d := res.Stats.FragmentsDropped; d < 160000-2*8192 || d > 160000 {
		t.Errorf("%d datagrams dropped", d)
	}
	if !warned(res, fmt.Sprintf("%d IP datagrams were dropped before all their fragments came", res.Stats.FragmentsDropped)) {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	if peak > small+16<<20 {
		t.Errorf("memory grows with the fragments: %d MiB for 40,000, %d MiB for 160,000", small>>20, peak>>20)
	}
}

// Large first fragments that never get the rest, over IPv4 and IPv6, all
// with one timestamp: what waits for the rest is bounded by bytes too,
// far below the count bound.
func TestIncompleteFragmentsAreBoundedByBytes(t *testing.T) {
	run := func(n int) (*Result, uint64) {
		w, buf := newPcap(t)
		w.Step = 0
		payload := make([]byte, 60000)
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, Id: uint16(i),
					Flags: layers.IPv4MoreFragments, SrcIP: net.IPv4(10, 9, 0, 1).To4(), DstIP: server.To4()}
				writeFrame(t, w, layers.EthernetTypeIPv4, ip, payload)
				continue
			}
			ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolIPv6Fragment, HopLimit: 64,
				SrcIP: net.ParseIP("2001:db8::9"), DstIP: net.ParseIP("2001:db8::25")}
			frag := []byte{byte(layers.IPProtocolTCP), 0, 0, 1, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}
			writeFrame(t, w, layers.EthernetTypeIPv6, ip, append(frag, payload...))
		}
		return heapPast(t, buf, Options{Workers: 2})
	}
	_, small := run(400)
	res, peak := run(4000)
	t.Logf("peak heap past the input: %d MiB for 400 fragments of 60 kB, %d MiB for 4,000", small>>20, peak>>20)
	if d := res.Stats.FragmentsDropped; d < 4000-600 || d > 4000 {
		t.Errorf("%d datagrams dropped", d)
	}
	if !warned(res, fmt.Sprintf("%d IP datagrams were dropped before all their fragments came", res.Stats.FragmentsDropped)) {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	if !raceDetector && peak > small+40<<20 {
		t.Errorf("memory grows with the fragments: %d MiB for 400, %d MiB for 4,000", small>>20, peak>>20)
	}
}

// One session of endless NOOPs: the first commands are listed, the rest
// counted on the session, and memory does not grow with them.
func TestEndlessCommandsAreSummarised(t *testing.T) {
	run := func(n int) (*Result, uint64, int) {
		w, buf := newPcap(t)
		c := w.Conn(client, server, 40105, 25)
		c.Handshake()
		c.ServerSays("220 mail ESMTP\r\n")
		for i := 0; i < n; i++ {
			c.ClientSays("NOOP\r\n")
			c.ServerSays("250 2.0.0 Ok\r\n")
		}
		c.Close()
		var warnings []record.Warning
		commands := 0
		opt := Options{OnRecord: func(r record.Record) {
			switch r := r.(type) {
			case *record.Command:
				commands++
			case *record.Session:
				warnings = r.Warnings
			}
		}}
		var out *Result
		peak, _ := peakHeap(t, func() { out = analyseWith(t, buf.Bytes(), opt) })
		// The session's warnings are checked with the capture's.
		out.Capture.Warnings = append(out.Capture.Warnings, warnings...)
		return out, peak - min(peak, uint64(buf.Cap())), commands
	}
	_, small, _ := run(20000)
	res, peak, listed := run(200000)
	t.Logf("peak heap past the input: %d MiB for 20,000 NOOPs, %d MiB for 200,000", small>>20, peak>>20)
	if listed != maxCommands {
		t.Errorf("%d commands listed, want %d", listed, maxCommands)
	}
	if !warned(res, fmt.Sprintf("%d more commands were counted but not listed", 200000-maxCommands)) {
		t.Errorf("no warning on the session: %q", res.Capture.Warnings)
	}
	if peak > small+8<<20 {
		t.Errorf("memory grows with the commands: %d MiB for 20,000, %d MiB for 200,000", small>>20, peak>>20)
	}
}

// Endless MX answers: the first DNS records and MX findings are listed,
// the rest counted, and memory does not grow with them.
func TestEndlessDNSAnswersAreSummarised(t *testing.T) {
	resolver := net.IPv4(127, 0, 0, 53)
	run := func(n int) (*Result, uint64, int, int) {
		w, buf := newPcap(t)
		for i := 0; i < n; i++ {
			name := dnsmessage.MustNewName(fmt.Sprintf("d%d.example.", i))
			q := dnsmessage.Question{Name: name, Type: dnsmessage.TypeMX, Class: dnsmessage.ClassINET}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: uint16(i)})
			b.StartQuestions()
			b.Question(q)
			query, _ := b.Finish()
			w.UDP(client, resolver, uint16(1024+i%60000), 53, query)
			b = dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: uint16(i), Response: true})
			b.StartQuestions()
			b.Question(q)
			b.StartAnswers()
			for j := 0; j < 4; j++ {
				mx := dnsmessage.MustNewName(fmt.Sprintf("mx%d.d%d.example.", j, i))
				b.MXResource(dnsmessage.ResourceHeader{Name: name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.MXResource{Pref: uint16(10 * j), MX: mx})
			}
			reply, _ := b.Finish()
			w.UDP(resolver, client, 53, uint16(1024+i%60000), reply)
		}
		var out *Result
		dns, mx := 0, 0
		opt := Options{Workers: 2, OnRecord: func(r record.Record) {
			switch r := r.(type) {
			case *record.DNS:
				dns++
			case *record.Finding:
				if r.ID == "mx-lookup" {
					mx++
				}
			}
		}}
		peak, _ := peakHeap(t, func() { out = analyseWith(t, buf.Bytes(), opt) })
		return out, peak - min(peak, uint64(buf.Cap())), dns, mx
	}
	_, small, _, _ := run(15000)
	res, peak, dns, mx := run(60000)
	t.Logf("peak heap past the input: %d MiB for 15,000 answers, %d MiB for 60,000", small>>20, peak>>20)
	if dns != maxDNSRecords || mx != maxMXFindings {
		t.Errorf("%d DNS records and %d MX findings listed, want %d and %d", dns, mx, maxDNSRecords, maxMXFindings)
	}
	if !warned(res, fmt.Sprintf("%d more DNS look-ups were counted", 60000-maxDNSRecords)) ||
		!warned(res, fmt.Sprintf("%d more MX look-up findings were counted", 60000-maxMXFindings)) {
		t.Errorf("no warning: %q", res.Capture.Warnings)
	}
	if peak > small+16<<20 {
		t.Errorf("memory grows with the answers: %d MiB for 15,000, %d MiB for 60,000", small>>20, peak>>20)
	}
}

// A conversation that stays open the whole capture, and a DNS query never
// answered, hold back what comes after them for a bounded window of
// frames only: past it they are detached, and their own records take
// their place later. The output is still the same whatever the workers,
// and nothing is lost.
func TestLongConversationsHoldBackABoundedWindow(t *testing.T) {
	capture := func(sessions int) []byte {
		w, buf := newPcap(t)
		query := (&layers.DNS{ID: 7, RD: true, Questions: []layers.DNSQuestion{{Name: []byte("lab.example"), Type: layers.DNSTypeMX, Class: layers.DNSClassIN}}})
		sb := gopacket.NewSerializeBuffer()
		if err := query.SerializeTo(sb, gopacket.SerializeOptions{FixLengths: true}); err != nil {
			t.Fatal(err)
		}
		w.UDP(client, server, 5353, 53, sb.Bytes())
		long := w.Conn(net.IPv4(127, 0, 0, 9), server, 39999, 143)
		long.Handshake()
		long.ServerSays("* OK IMAP ready\r\n")
		long.ClientSays("a LOGIN bond 007\r\n")
		long.ServerSays("a OK logged in\r\n")
		for i := 0; i < sessions; i++ {
			loginInClear(w.Conn(client, server, uint16(1024+i), 25))
		}
		long.ClientSays("b LOGOUT\r\n")
		long.ServerSays("* BYE\r\nb OK bye\r\n")
		long.Close()
		return bytes.Clone(buf.Bytes())
	}
	held := func(data []byte, workers int) (*Result, []byte) {
		var buf bytes.Buffer
		w := jsonl.NewWriter(&buf)
		res := analyseWith(t, data, Options{Reveal: true, Workers: workers, OnRecord: func(r record.Record) { w.Write(r) }})
		w.Flush()
		return res, buf.Bytes()
	}
	// Both are longer than the window a conversation holds back.
	small, _ := held(capture(15000), 2)
	data := capture(45000)
	res, one := held(data, 1)
	t.Logf("held at most %d records for 15,000 sessions, %d for 45,000", small.Held, res.Held)
	if res.Held > small.Held+small.Held/4 {
		t.Errorf("held %d records at once for 45,000 sessions, %d for 15,000: what waits grows with the capture", res.Held, small.Held)
	}
	if res.Sessions != 45001 || !bytes.Contains(one, []byte(`"username":"bond"`)) || !bytes.Contains(one, []byte(`"name":"lab.example"`)) {
		t.Fatalf("%d sessions; the long session's login or the unanswered query is missing", res.Sessions)
	}
	// Recognised first, it is s1, as it would be held back.
	for _, line := range bytes.Split(one, []byte("\n")) {
		if bytes.Contains(line, []byte(`"username":"bond"`)) && !bytes.Contains(line, []byte(`"session":"s1"`)) {
			t.Fatalf("the long session's login: %s", line)
		}
	}
	for _, workers := range []int{2, 4} {
		if _, got := held(data, workers); !bytes.Equal(got, one) {
			t.Fatalf("%d workers differ from one:\n%s", workers, recordtest.FirstDiff(one, got))
		}
	}
}
