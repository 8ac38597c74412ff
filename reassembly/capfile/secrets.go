package capfile

import (
	"encoding/binary"
	"io"
)

// pcapng Decryption Secrets Blocks (pcapng spec, section 4.7), as
// editcap --inject-secrets tls,FILE writes them.
const (
	blockDSB       = 0x0000000A
	secretsTLSK    = 0x544c534b // TLS key log
	maxSecretBytes = 16 << 20   // bound on the secrets kept from one file
)

// secretsTap watches the pcapng bytes the packet reader consumes and keeps
// the TLS key logs of Decryption Secrets Blocks, so that reading them
// costs no second pass over the file. It only needs block lengths: the
// packet reader still does all the parsing and error reporting.
type secretsTap struct {
	r     io.Reader
	order binary.ByteOrder
	hdr   [12]byte // block type, total length, first 4 body bytes
	hdrN  int
	left  int    // bytes of the current block still to come, after hdr
	dsb   []byte // body of the current DSB
	inDSB bool
	dead  bool // lengths stopped making sense: stop watching

	keys  []byte       // TLS key log text collected so far
	onAdd func([]byte) // called with each block's key log once set
}

func (t *secretsTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if !t.dead {
		t.scan(p[:n])
	}
	return n, err
}

func (t *secretsTap) scan(b []byte) {
	for len(b) > 0 && !t.dead {
		if t.left == 0 && t.hdrN < len(t.hdr) {
			n := copy(t.hdr[t.hdrN:], b)
			t.hdrN += n
			b = b[n:]
			if t.hdrN == len(t.hdr) {
				t.startBlock()
			}
			continue
		}
		n := min(t.left, len(b))
		if t.inDSB && len(t.dsb)+n <= maxSecretBytes {
			t.dsb = append(t.dsb, b[:n]...)
		}
		t.left -= n
		b = b[n:]
		if t.left == 0 {
			t.endBlock()
		}
	}
}

// startBlock reads a block header: a Section Header Block sets the byte
// order from its magic.
func (t *secretsTap) startBlock() {
	typ := binary.LittleEndian.Uint32(t.hdr[0:4])
	if typ == blockSHB {
		switch binary.LittleEndian.Uint32(t.hdr[8:12]) {
		case 0x1A2B3C4D:
			t.order = binary.LittleEndian
		case 0x4D3C2B1A:
			t.order = binary.BigEndian
		default:
			t.dead = true
			return
		}
	}
	if t.order == nil {
		t.dead = true
		return
	}
	typ = t.order.Uint32(t.hdr[0:4])
	total := int(t.order.Uint32(t.hdr[4:8]))
	if total < 12 || total%4 != 0 {
		t.dead = true
		return
	}
	t.left = total - len(t.hdr)
	t.inDSB = typ == blockDSB
	t.dsb = append(t.dsb[:0], t.hdr[8:12]...)
	if t.left == 0 {
		t.endBlock()
	}
}

// endBlock keeps the key log of a finished TLS secrets block.
func (t *secretsTap) endBlock() {
	t.hdrN = 0
	if !t.inDSB {
		return
	}
	t.inDSB = false
	if len(t.dsb) < 8 || t.order.Uint32(t.dsb[0:4]) != secretsTLSK {
		return
	}
	n := int(t.order.Uint32(t.dsb[4:8]))
	if n > len(t.dsb)-8 || len(t.keys)+n > maxSecretBytes {
		return
	}
	data := t.dsb[8 : 8+n]
	t.keys = append(append(t.keys, data...), '\n')
	if t.onAdd != nil {
		t.onAdd(append([]byte(nil), data...))
	}
}

// TLSKeyLog gives fn the TLS key logs of the Decryption Secrets Blocks
// read so far, then those of the blocks read later; it does nothing for
// pcap files or files without such blocks so far.
func (c *Reader) TLSKeyLog(fn func([]byte)) {
	if c.secrets == nil {
		return
	}
	if len(c.secrets.keys) > 0 {
		fn(append([]byte(nil), c.secrets.keys...))
	}
	c.secrets.onAdd = fn
}

// HasTLSKeyLog reports that Decryption Secrets Blocks holding a TLS key
// log were read so far (they come before the packets they open).
func (c *Reader) HasTLSKeyLog() bool { return c.secrets != nil && len(c.secrets.keys) > 0 }
