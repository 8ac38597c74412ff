package capfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// pcapReader reads classic pcap records straight into one reused buffer:
// a packet longer than MaxPacket is cut as it is read, whatever snap
// length the file header claims.
type pcapReader struct {
	r        io.Reader
	order    binary.ByteOrder
	nanos    bool
	linkType layers.LinkType
	hdr      [16]byte
	buf      []byte
	lim      *Limits
	frame    int64
	// pending is an error met after the packet last returned (the file
	// ends inside the part of a long packet that is skipped).
	pending error
}

func newPcapReader(r io.Reader, lim *Limits) (*pcapReader, error) {
	var h [24]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("%w: file shorter than a pcap header", ErrUnknownFormat)
	}
	p := &pcapReader{r: r, lim: lim}
	switch binary.LittleEndian.Uint32(h[:]) {
	case 0xa1b2c3d4:
		p.order = binary.LittleEndian
	case 0xa1b23c4d:
		p.order, p.nanos = binary.LittleEndian, true
	case 0xd4c3b2a1:
		p.order = binary.BigEndian
	case 0x4d3cb2a1:
		p.order, p.nanos = binary.BigEndian, true
	default:
		return nil, ErrUnknownFormat
	}
	if major, minor := p.order.Uint16(h[4:]), p.order.Uint16(h[6:]); major != 2 || minor != 4 {
		return nil, fmt.Errorf("unknown pcap version %d.%d", major, minor)
	}
	p.linkType = layers.LinkType(p.order.Uint32(h[20:]))
	return p, nil
}

// next returns the next packet; its data is valid until the next call.
func (p *pcapReader) next() ([]byte, gopacket.CaptureInfo, error) {
	var ci gopacket.CaptureInfo
	if p.pending != nil {
		return nil, ci, p.pending
	}
	if _, err := io.ReadFull(p.r, p.hdr[:]); err != nil {
		return nil, ci, err
	}
	p.frame++
	sub := int64(p.order.Uint32(p.hdr[4:]))
	if !p.nanos {
		sub *= 1000
	}
	ci.Timestamp = time.Unix(int64(p.order.Uint32(p.hdr[0:])), sub).UTC()
	incl, orig := int64(p.order.Uint32(p.hdr[8:])), int64(p.order.Uint32(p.hdr[12:]))
	if incl > orig {
		return nil, ci, fmt.Errorf("capture length exceeds original packet length: %d > %d", incl, orig)
	}
	keep := min(incl, MaxPacket)
	if keep < incl {
		if p.lim.CutPackets == 0 {
			p.lim.CutFrame = p.frame
		}
		p.lim.CutPackets++
	}
	if int64(cap(p.buf)) < keep {
		p.buf = make([]byte, max(keep, 2048))
	}
	data := p.buf[:keep]
	if _, err := io.ReadFull(p.r, data); err != nil {
		return nil, ci, eofAs(err, io.ErrUnexpectedEOF)
	}
	if keep < incl {
		if _, err := io.CopyN(io.Discard, p.r, incl-keep); err != nil {
			p.pending = eofAs(err, io.ErrUnexpectedEOF)
		}
	}
	ci.CaptureLength, ci.Length = int(keep), int(orig)
	return data, ci, nil
}
