package capfile

import (
	"encoding/binary"
	"fmt"
	"io"
)

// MaxPacket is the most bytes of one packet that are read, as tcpdump and
// Wireshark do: past it a packet is cut, never allocated whole.
const MaxPacket = 262144

// MaxInterfaces bounds the pcapng interfaces kept per section: each costs
// memory in the reader, and no real capture has more.
const MaxInterfaces = 1024

// bigBlock is the largest pcapng block read whole: a packet of MaxPacket
// bytes with room for its options.
const bigBlock = MaxPacket + 64<<10

// Limits counts what the bounds changed in a capture.
type Limits struct {
	// CutPackets were longer than MaxPacket and cut to it; CutFrame is
	// the first of them.
	CutPackets, CutFrame int64
	// DroppedInterfaces are pcapng interfaces past MaxInterfaces; the
	// Remapped packets that named them are read as from interface 0.
	DroppedInterfaces, Remapped int64
	// SkippedBlocks are pcapng blocks other than packets and interfaces
	// too large to be anything but damage.
	SkippedBlocks int64
}

// bounded sits between the file and the pcapng reader and rewrites what
// would make it allocate without bound: it cuts packets longer than
// MaxPacket and keeps at most MaxInterfaces interfaces per section. What
// it passes on is a valid pcapng stream.
type bounded struct {
	r      io.Reader
	order  binary.ByteOrder
	lim    *Limits
	frame  int64
	ifaces int64
	out    []byte // bytes ready to be read
	buf    []byte // headers
	rec    []byte // the record or block passed on, reused
	err    error
}

func newBounded(r io.Reader, lim *Limits) *bounded {
	return &bounded{r: r, lim: lim}
}

func (b *bounded) Read(p []byte) (int, error) {
	for len(b.out) == 0 {
		if b.err != nil {
			return 0, b.err
		}
		b.err = b.block()
	}
	n := copy(p, b.out)
	b.out = b.out[n:]
	return n, nil
}

// readFull reads n bytes into b.buf; on a short read it returns what
// was read with io.EOF (nothing) or io.ErrUnexpectedEOF (some).
func (b *bounded) readFull(n int) ([]byte, error) {
	if cap(b.buf) < n {
		b.buf = make([]byte, n)
	}
	read, err := io.ReadFull(b.r, b.buf[:n])
	return b.buf[:read], err
}

// record16 is the reused buffer for a record of n bytes after a 16-byte
// header (or a block of n+16 bytes).
func (b *bounded) record16(n int) []byte {
	if cap(b.rec) < 16+n {
		b.rec = make([]byte, 16+n)
	}
	return b.rec[:16+n]
}

func (b *bounded) cut() {
	if b.lim.CutPackets == 0 {
		b.lim.CutFrame = b.frame
	}
	b.lim.CutPackets++
}

// pcapng block types the bounds look into.
const (
	blockSHB = 0x0A0D0D0A
	blockIDB = 1
	blockPB  = 2 // obsolete packet block
	blockSPB = 3
	blockEPB = 6
)

// block prepares the next pcapng block in b.out, rewritten when it is too large or names
// an interface that was not kept.
func (b *bounded) block() error {
	h, err := b.readFull(12)
	if err != nil {
		b.out = h
		return eofAs(err, err)
	}
	typ := binary.LittleEndian.Uint32(h)
	if typ == blockSHB {
		switch binary.LittleEndian.Uint32(h[8:]) {
		case 0x1A2B3C4D:
			b.order = binary.LittleEndian
		case 0x4D3C2B1A:
			b.order = binary.BigEndian
		default:
			b.out = append([]byte(nil), h...)
			return nil // the reader says what is wrong
		}
		b.ifaces = 0
	} else if b.order == nil {
		b.out = append([]byte(nil), h...)
		return nil
	} else {
		typ = b.order.Uint32(h)
	}
	total := int64(b.order.Uint32(h[4:]))
	if total < 12 || total%4 != 0 {
		b.out = append([]byte(nil), h...)
		return nil // the reader reports the damage
	}
	var head [12]byte
	copy(head[:], h)
	switch typ {
	case blockIDB:
		b.ifaces++
		if b.ifaces > MaxInterfaces {
			b.lim.DroppedInterfaces++
			return b.skip(total - 12)
		}
	case blockEPB, blockSPB, blockPB:
		b.frame++
	}
	if total <= bigBlock {
		blk := b.record16(int(total) - 16)
		copy(blk, head[:])
		if _, err := io.ReadFull(b.r, blk[12:]); err != nil {
			b.out = blk[:12]
			return eofAs(err, io.ErrUnexpectedEOF)
		}
		b.remap(typ, blk)
		b.out = blk
		return nil
	}
	switch typ {
	case blockEPB:
		return b.cutEPB(head[:], total)
	case blockSPB:
		return b.cutSPB(head[:], total)
	case blockIDB:
		return b.shortIDB(head[:], total)
	}
	b.lim.SkippedBlocks++
	return b.skip(total - 12)
}

// remap sends packets of an interface that was not kept to interface 0.
func (b *bounded) remap(typ uint32, blk []byte) {
	if typ != blockEPB || len(blk) < 12 || b.ifaces <= MaxInterfaces {
		return
	}
	if b.order.Uint32(blk[8:]) >= MaxInterfaces {
		b.order.PutUint32(blk[8:], 0)
		b.lim.Remapped++
	}
}

// cutEPB rewrites an enhanced packet block with at most MaxPacket bytes
// of data and without its options.
func (b *bounded) cutEPB(head []byte, total int64) error {
	// head holds type, length and the interface id.
	f, err := b.readFull(16) // timestamp, captured and original lengths
	if err != nil {
		b.out = head // the reader sees where the file was cut
		return eofAs(err, io.ErrUnexpectedEOF)
	}
	caplen := int64(b.order.Uint32(f[8:]))
	keep := min(caplen, MaxPacket, total-32)
	if keep < caplen {
		b.cut()
	}
	pad := (4 - keep%4) % 4
	size := 32 + keep + pad
	blk := b.record16(int(size) - 16)
	clear(blk)
	copy(blk, head)
	copy(blk[12:], f)
	b.order.PutUint32(blk[4:], uint32(size))
	b.order.PutUint32(blk[20:], uint32(keep))
	if _, err := io.ReadFull(b.r, blk[28:28+keep]); err != nil {
		b.out = head
		return eofAs(err, io.ErrUnexpectedEOF)
	}
	b.order.PutUint32(blk[size-4:], uint32(size))
	b.remap(blockEPB, blk)
	b.out = blk
	return b.skip(total - 28 - keep)
}

// cutSPB rewrites a simple packet block with at most MaxPacket bytes.
func (b *bounded) cutSPB(head []byte, total int64) error {
	b.cut()
	keep := int64(MaxPacket)
	size := 16 + keep
	blk := b.record16(int(keep))
	copy(blk, head)
	b.order.PutUint32(blk[4:], uint32(size))
	if _, err := io.ReadFull(b.r, blk[12:12+keep]); err != nil {
		b.out = head
		return eofAs(err, io.ErrUnexpectedEOF)
	}
	b.order.PutUint32(blk[size-4:], uint32(size))
	b.out = blk
	return b.skip(total - 12 - keep)
}

// shortIDB keeps an interface whose options are too large to be real,
// without them.
func (b *bounded) shortIDB(head []byte, total int64) error {
	blk := make([]byte, 20)
	copy(blk, head)
	b.order.PutUint32(blk[4:], 20)
	if _, err := io.ReadFull(b.r, blk[12:16]); err != nil {
		b.out = head
		return eofAs(err, io.ErrUnexpectedEOF)
	}
	b.order.PutUint32(blk[16:], 20)
	b.out = blk
	return b.skip(total - 16)
}

// skip discards n bytes of the file.
func (b *bounded) skip(n int64) error {
	if _, err := io.CopyN(io.Discard, b.r, n); err != nil {
		return eofAs(err, io.ErrUnexpectedEOF)
	}
	return nil
}

// eofAs turns the end of the file into want: a file that ends between two
// records ends cleanly, one that ends inside a record is cut short.
func eofAs(err, want error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return want
	}
	return fmt.Errorf("reading the capture: %w", err)
}
