package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
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
	n := 0
	for _, capture := range recordtest.Captures(t, "../../captures") {
		if filepath.Ext(capture) != ".pcap" {
			continue
		}
		raw, err := os.ReadFile(capture)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", capture, err)
		}
		var pkts []packet
		cut := false
		for {
			data, ci, err := pr.ReadPacketData()
			if err == io.EOF {
				break
			}
			if err == io.ErrUnexpectedEOF {
				cut = true // a file cut inside a packet: no other format holds that
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", capture, err)
			}
			pkts = append(pkts, packet{data, ci})
		}
		if cut {
			continue
		}
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
			if got := records(t, path); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s as %s: the records differ:\n%s\n---\n%s", capture, name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d pcap captures", n)
	}
}

type packet struct {
	data []byte
	ci   gopacket.CaptureInfo
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
