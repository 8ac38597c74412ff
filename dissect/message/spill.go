package message

import (
	"bufio"
	"io"
	"os"

	"github.com/mailwire/mailwire/dissect/msgbuf"
)

// tempFile is an unlinked temporary file: it lives as long as it is open,
// and is gone however the program ends.
func tempFile() (*os.File, error) {
	f, err := os.CreateTemp("", "mailwire-message-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return f, nil
}

// tempStore is bytes written through a buffer to a temporary file made
// at the first of them; its first error stops it.
type tempStore struct {
	f   *os.File
	w   *bufio.Writer
	n   int64
	err error
}

func (t *tempStore) write(p []byte) {
	if t.err != nil || len(p) == 0 {
		return
	}
	if t.f == nil {
		if t.f, t.err = tempFile(); t.err != nil {
			return
		}
		t.w = bufio.NewWriterSize(t.f, 64<<10)
	}
	n, err := t.w.Write(p)
	t.n += int64(n)
	t.err = err
}

// section reads n bytes from off.
func (t *tempStore) section(off, n int64) (io.Reader, error) {
	if t.err == nil && t.w != nil {
		t.err = t.w.Flush()
	}
	if t.err != nil {
		return nil, t.err
	}
	return io.NewSectionReader(t.f, off, n), nil
}

// handOver gives the file, read from its start, to the caller, who
// closes it; nil after an error.
func (t *tempStore) handOver() *os.File {
	if _, err := t.section(0, 0); err != nil {
		t.close()
		return nil
	}
	f := t.f
	t.f = nil
	return f
}

func (t *tempStore) close() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
}

// rawInMemory is how many bytes of a message kept for extraction stay in
// memory; a larger message goes to a temporary file.
const rawInMemory = 1 << 20

// rawStore keeps a message's bytes as they came, for extraction.
type rawStore struct {
	on   bool
	mem  msgbuf.Buf
	disk tempStore
}

func (r *rawStore) write(p []byte) {
	if !r.on {
		return
	}
	if r.disk.f == nil && r.disk.err == nil {
		if r.mem.Len()+len(p) <= rawInMemory {
			r.mem.Append(p)
			return
		}
		r.disk.write(r.mem.Bytes())
		r.mem.Release()
	}
	r.disk.write(p)
}

// result gives the bytes kept: in memory, or in a file read from its
// start, which the caller closes; neither after an error.
func (r *rawStore) result() ([]byte, *os.File) {
	if r.disk.f == nil && r.disk.err == nil {
		return r.mem.Keep(), nil
	}
	return nil, r.disk.handOver()
}

func (r *rawStore) discard() {
	r.mem.Release()
	r.disk.close()
}

// spill is one attachment's decoded bytes, read on the way for an
// extraction, in the temporary file the attachments of a message share
// until the walk names their files.
type spill struct {
	file   *tempStore
	off, n int64
}

// part starts the bytes of the next attachment in t.
func (t *tempStore) part() *spill { return &spill{file: t, off: t.n} }

func (s *spill) write(p []byte) {
	if s == nil {
		return
	}
	s.file.write(p)
	s.n += int64(len(p))
}

// copyTo writes the attachment's bytes to w.
func (s *spill) copyTo(w io.Writer) error {
	r, err := s.file.section(s.off, s.n)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}
