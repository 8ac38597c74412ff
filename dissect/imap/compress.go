package imap

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// syncFlush ends every flush of a deflate stream (an empty stored block);
// RFC 4978 peers flush after each command and response.
var syncFlush = []byte{0, 0, 0xff, 0xff}

// Bounds of the decompression of one direction.
const (
	maxPendingDeflate = 1 << 20  // compressed bytes waiting for a flush
	window            = 32 << 10 // deflate's history
)

// inflater decompresses one direction after COMPRESS DEFLATE. compress/
// flate cannot be fed piece by piece, so the compressed bytes are kept
// until a flush marker and each flushed run is inflated with a fresh
// reader primed with the last 32 KB of output: a flush ends on a byte
// boundary with no pending block, so this equals one continuous stream.
type inflater struct {
	h       *Handler
	dir     stream.Direction
	pending []byte
	hist    []byte // the last window bytes of output
	fr      io.ReadCloser
	buf     []byte
	fresh   bool // just started: the framer must hand over its bytes
	broken  bool
}

func newInflater(h *Handler, dir stream.Direction) *inflater {
	return &inflater{h: h, dir: dir, fresh: true, buf: make([]byte, 32<<10)}
}

// write adds compressed bytes and passes the text they give to out.
func (z *inflater) write(b []byte, frame int64, out func([]byte)) {
	z.fresh = false
	if z.broken {
		return
	}
	z.pending = append(z.pending, b...)
	if !bytes.HasSuffix(z.pending, syncFlush) {
		if len(z.pending) > maxPendingDeflate {
			z.h.s.Warn(frame, record.WarnIMAPDeflateNoFlush, "dir", z.dir, "max", maxPendingDeflate)
			z.inflate(frame, out)
		}
		return
	}
	z.inflate(frame, out)
}

// inflate decompresses the pending bytes.
func (z *inflater) inflate(frame int64, out func([]byte)) {
	src := bytes.NewReader(z.pending)
	if z.fr == nil {
		z.fr = flate.NewReader(src)
	} else {
		z.fr.(flate.Resetter).Reset(src, z.hist)
	}
	var total int64
	for {
		n, err := z.fr.Read(z.buf)
		if n > 0 {
			total += int64(n)
			z.remember(z.buf[:n])
			out(z.buf[:n])
		}
		if limit := z.maxRun(); total > limit {
			z.h.s.Warn(frame, record.WarnIMAPDeflateTooLarge, "dir", z.dir, "max", limit)
			z.broken = true
			break
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			z.h.s.Warn(frame, record.WarnIMAPDeflateUnreadable, "dir", z.dir, "error", err)
			z.broken = true
		}
		break
	}
	z.pending = z.pending[:0]
}

// maxRun bounds the text one flushed run may inflate to: the largest
// response kept (a message and the lines around it). Beyond that it is a
// decompression bomb, or nothing this dissector would keep anyway.
func (z *inflater) maxRun() int64 {
	lim := z.h.s.Limits
	return lim.MaxMessage + 4*int64(lim.MaxLine) + 64<<10
}

// remember keeps the last window bytes of output as the next dictionary.
func (z *inflater) remember(b []byte) {
	if len(b) >= window {
		z.hist = append(z.hist[:0], b[len(b)-window:]...)
		return
	}
	if over := len(z.hist) + len(b) - window; over > 0 {
		z.hist = append(z.hist[:0], z.hist[over:]...)
	}
	z.hist = append(z.hist, b...)
}

// compressReply applies the tagged reply to COMPRESS: on OK both
// directions are deflated from the next byte on (the client's from the
// bytes it sent after the command).
func (h *Handler) compressReply(c *command, ok bool, u *unit) {
	if h.holdFor != c {
		return
	}
	if !ok {
		h.release()
		return
	}
	h.compress[stream.ServerToClient] = newInflater(h, stream.ServerToClient)
	z := newInflater(h, stream.ClientToServer)
	h.compress[stream.ClientToServer] = z
	held, frame := h.hold, h.holdFrame
	h.hold, h.holdFor = nil, nil
	z.fresh = false
	if len(held) > 0 {
		z.write(held, frame, func(out []byte) {
			h.client.r.Append(out, frame, time.Time{})
			h.drain(stream.ClientToServer)
		})
	}
}
