// Package capfile reads capture files: pcap (micro- and nanosecond),
// pcapng (several interfaces, mixed link types) and both gzip-compressed,
// recognised by their magic bytes rather than their names. It is pure Go,
// so offline analysis needs no libpcap.
package capfile

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Reader yields the packets of one capture with their frame numbers.
type Reader struct {
	Name   string
	Format string // "pcap", "pcapng", with "+gzip" when compressed
	// Truncated is set when the file ended in the middle of a packet.
	Truncated bool
	// Err is set when reading stopped early on a damaged file; the packets
	// before it were delivered.
	Err error
	// Limits counts what the memory bounds changed in the file.
	Limits Limits

	frame  int64
	closer io.Closer
	pcap   *pcapReader
	ng     *pcapgo.NgReader
	// secrets watches pcapng input for TLS Decryption Secrets Blocks.
	secrets *secretsTap
}

// ErrUnknownFormat is returned for files that are not captures.
var ErrUnknownFormat = errors.New("not a pcap or pcapng capture (unknown magic bytes)")

// ErrTarArchive is the unknown format of a tar archive, which often holds
// the captures a user meant to give.
var ErrTarArchive = fmt.Errorf("%w: it is a tar archive; extract it first (tar xf) and read the capture inside", ErrUnknownFormat)

// Open opens a capture file; "-" reads standard input.
func Open(path string) (*Reader, error) { return OpenCounting(path, nil) }

// OpenCounting is Open that adds the number of bytes read from the file to
// read as it goes (for a progress bar); read may be nil.
func OpenCounting(path string, read *atomic.Int64) (*Reader, error) {
	var in io.Reader = os.Stdin
	var closer io.Closer
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		in, closer = f, f
	}
	if read != nil {
		in = &countingReader{r: in, n: read}
	}
	r, err := NewReader(path, in, closer)
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	return r, nil
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// NewReader reads a capture from r; closer (may be nil) is closed by Close.
func NewReader(name string, r io.Reader, closer io.Closer) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	c := &Reader{Name: name, closer: closer}
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: file shorter than a capture header", ErrUnknownFormat)
	}
	gz := false
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
		gz = true
		if magic, err = br.Peek(4); err != nil {
			return nil, fmt.Errorf("%w: compressed file shorter than a capture header", ErrUnknownFormat)
		}
	}
	switch m := binary.BigEndian.Uint32(magic); m {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		c.Format = "pcap"
		// The snap length of the header is not trusted: writers that do
		// not enforce theirs are common, and Wireshark reads packets up
		// to its own maximum, as the reader does.
		c.pcap, err = newPcapReader(br, &c.Limits)
	case 0x0a0d0d0a:
		c.Format = "pcapng"
		// The tap sees the file's own bytes; the buffer after it reads
		// ahead, as the pcapng reader did before the bounds sat between
		// them, so that secrets at the head of a file are known at once.
		c.secrets = &secretsTap{r: br}
		ahead := bufio.NewReaderSize(c.secrets, 64<<10)
		c.ng, err = pcapgo.NewNgReader(newBounded(ahead, &c.Limits), pcapgo.NgReaderOptions{SkipUnknownVersion: true})
	default:
		if tar, _ := br.Peek(262); len(tar) == 262 && string(tar[257:]) == "ustar" {
			return nil, ErrTarArchive
		}
		return nil, ErrUnknownFormat
	}
	if err != nil {
		return nil, fmt.Errorf("%s header: %w", c.Format, err)
	}
	if gz {
		c.Format += "+gzip"
	}
	return c, nil
}

// LinkType is the link type of the first interface.
func (c *Reader) LinkType() layers.LinkType {
	if c.pcap != nil {
		return c.pcap.linkType
	}
	return c.ng.LinkType()
}

// Frame is the number of the packet last returned.
func (c *Reader) Frame() int64 { return c.frame }

// Next returns the next packet and its link type. The data is only valid
// until the next call. At the end it returns io.EOF; a damaged file ends
// with io.EOF too, after setting Truncated or Err.
func (c *Reader) Next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	var (
		data []byte
		ci   gopacket.CaptureInfo
		err  error
		lt   layers.LinkType
	)
	if c.pcap != nil {
		data, ci, err = c.pcap.next()
		lt = c.pcap.linkType
	} else {
		data, ci, err = c.ng.ZeroCopyReadPacketData()
		lt = c.ng.LinkType()
		if err == nil && ci.InterfaceIndex > 0 {
			if iface, ierr := c.ng.Interface(ci.InterfaceIndex); ierr == nil {
				lt = iface.LinkType
			}
		}
	}
	switch {
	case err == nil:
		c.frame++
		return data, ci, lt, nil
	case err == io.EOF:
	case errors.Is(err, io.ErrUnexpectedEOF):
		c.Truncated = true
	default:
		c.Err = fmt.Errorf("stopped after frame %d: %w", c.frame, err)
	}
	return nil, ci, lt, io.EOF
}

// Close releases the file.
func (c *Reader) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}
