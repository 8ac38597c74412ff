package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
)

// The same packets give the same records whatever file holds them: each
// bundled pcap rewritten as pcapng, as big-endian pcap, as pcap with
// nanosecond times, and gzip-compressed.
func TestEveryFileFormatGivesTheSameRecords(t *testing.T) {
	all := classicCaptures(t)
	for _, c := range all {
		capture, raw, pr, pkts := c.path, c.raw, c.r, c.pkts
		want := records(t, capture)
		dir := t.TempDir()
		for name, data := range map[string][]byte{
			"pcapng":     asPcapng(t, pkts, pr.LinkType()),
			"big-endian": asBigEndian(pkts, pr.LinkType(), pr.Snaplen()),
			"nanosecond": asNanos(t, pkts, pr.LinkType(), pr.Snaplen()),
			"gzip":       gzipped(raw),
		} {
			path := filepath.Join(dir, name)
			os.WriteFile(path, data, 0o644)
			sameRecords(t, capture+" as "+name, records(t, path), want)
		}
	}
}

// classic is a bundled capture in classic pcap, whole, with its packets.
type classic struct {
	path string
	raw  []byte
	r    *pcapgo.Reader
	pkts []packet
}

// classicCaptures reads the bundled classic pcaps, but those cut inside a
// packet: no other format holds such a file.
func classicCaptures(t *testing.T) []classic {
	var out []classic
	for _, capture := range recordtest.Captures(t, "../../captures") {
		if filepath.Ext(capture) != ".pcap" {
			continue
		}
		raw, err := os.ReadFile(capture)
		if err != nil {
			t.Fatal(err)
		}
		if pr, pkts, whole := readPackets(t, capture, raw); whole {
			out = append(out, classic{capture, raw, pr, pkts})
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d whole pcap captures", len(out))
	}
	return out
}

// sameRecords fails t, showing the first record that differs, unless got
// and want are the same.
func sameRecords(t *testing.T, what string, got, want []string) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s, record %d of %d:\nwant %.400s\n got %.400s", what, i+1, len(want), w, g)
			return
		}
	}
}

type packet struct {
	data []byte
	ci   gopacket.CaptureInfo
}

// readPackets reads a classic pcap with gopacket's reader; whole is false
// when the file ends inside a packet.
func readPackets(t *testing.T, name string, raw []byte) (pr *pcapgo.Reader, pkts []packet, whole bool) {
	pr, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for {
		data, ci, err := pr.ReadPacketData()
		switch {
		case err == io.EOF:
			return pr, pkts, true
		case err == io.ErrUnexpectedEOF:
			return pr, pkts, false
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		}
		pkts = append(pkts, packet{data, ci})
	}
}

func asPcapng(t *testing.T, pkts []packet, lt layers.LinkType) []byte {
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriter(&b, lt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		ci := p.ci
		ci.InterfaceIndex = 0
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

func asNanos(t *testing.T, pkts []packet, lt layers.LinkType, snaplen uint32) []byte {
	var b bytes.Buffer
	w := pcapgo.NewWriterNanos(&b)
	if err := w.WriteFileHeader(snaplen, lt); err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		if err := w.WritePacket(p.ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// asBigEndian writes classic pcap as a big-endian machine would.
func asBigEndian(pkts []packet, lt layers.LinkType, snaplen uint32) []byte {
	be := binary.BigEndian
	b := be.AppendUint32(nil, 0xa1b2c3d4)
	b = be.AppendUint16(b, 2)
	b = be.AppendUint16(b, 4)
	b = be.AppendUint32(b, 0)
	b = be.AppendUint32(b, 0)
	b = be.AppendUint32(b, snaplen)
	b = be.AppendUint32(b, uint32(lt))
	for _, p := range pkts {
		b = be.AppendUint32(b, uint32(p.ci.Timestamp.Unix()))
		b = be.AppendUint32(b, uint32(p.ci.Timestamp.Nanosecond()/1000))
		b = be.AppendUint32(b, uint32(p.ci.CaptureLength))
		b = be.AppendUint32(b, uint32(p.ci.Length))
		b = append(b, p.data...)
	}
	return b
}

func gzipped(raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

// The same IP packets give the same records under any link layer a
// capture may have: Ethernet with an 802.1Q tag, with two (802.1ad), raw
// IP, BSD loopback and Linux cooked capture.
func TestEveryLinkLayerGivesTheSameRecords(t *testing.T) {
	n := 0
	for _, c := range classicCaptures(t) {
		capture, pr, pkts := c.path, c.r, c.pkts
		if pr.LinkType() != layers.LinkTypeEthernet {
			continue
		}
		want := records(t, capture)
		for name, conv := range map[string]struct {
			lt layers.LinkType
			f  func([]byte) []byte
		}{
			"vlan": {layers.LinkTypeEthernet, func(d []byte) []byte {
				out := append([]byte{}, d[:12]...)
				out = append(out, 0x81, 0x00, 0x00, 0x64)
				return append(out, d[12:]...)
			}},
			"qinq": {layers.LinkTypeEthernet, func(d []byte) []byte {
				out := append([]byte{}, d[:12]...)
				out = append(out, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x64)
				return append(out, d[12:]...)
			}},
			"raw": {layers.LinkTypeRaw, func(d []byte) []byte { return append([]byte{}, d[14:]...) }},
			"null": {layers.LinkTypeNull, func(d []byte) []byte {
				fam := uint32(2)
				if binary.BigEndian.Uint16(d[12:]) == 0x86dd {
					fam = 30
				}
				out := binary.LittleEndian.AppendUint32(nil, fam)
				return append(out, d[14:]...)
			}},
			"sll": {layers.LinkTypeLinuxSLL, func(d []byte) []byte {
				out := []byte{0, 0, 0, 1, 0, 6}
				out = append(out, d[6:12]...)
				out = append(out, 0, 0)
				out = append(out, d[12:14]...)
				return append(out, d[14:]...)
			}},
		} {
			var b bytes.Buffer
			w := pcapgo.NewWriter(&b)
			w.WriteFileHeader(65535, conv.lt)
			for _, p := range pkts {
				d := conv.f(p.data)
				ci := p.ci
				ci.CaptureLength = len(d)
				ci.Length = p.ci.Length + len(d) - len(p.data)
				w.WritePacket(ci, d)
			}
			path := filepath.Join(t.TempDir(), name+".pcap")
			os.WriteFile(path, b.Bytes(), 0o644)
			sameRecords(t, capture+" as "+name, records(t, path), want)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d Ethernet captures", n)
	}
}
