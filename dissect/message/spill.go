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

// rawInMemory is how many bytes of a message kept for extraction stay in
// memory; a larger message goes to a temporary file.
const rawInMemory = 1 << 20

// rawStore keeps a message's bytes as they came, for extraction.
type rawStore struct {
	on   bool
	mem  msgbuf.Buf
	file *os.File
	w    *bufio.Writer
	err  error
}

func (r *rawStore) write(p []byte) {
	if !r.on || r.err != nil || len(p) == 0 {
		return
	}
	if r.file == nil {
		if r.mem.Len()+len(p) <= rawInMemory {
			r.mem.Append(p)
			return
		}
		f, err := tempFile()
		if err != nil {
			r.err = err
			r.mem.Release()
			return
		}
		r.file, r.w = f, bufio.NewWriterSize(f, 64<<10)
		r.w.Write(r.mem.Bytes())
		r.mem.Release()
	}
	if _, err := r.w.Write(p); err != nil {
		r.err = err
	}
}

// result gives the bytes kept: in memory, or in a file read from its
// start, which the caller closes.
func (r *rawStore) result() ([]byte, *os.File) {
	if r.file == nil {
		if r.err != nil {
			return nil, nil
		}
		return r.mem.Keep(), nil
	}
	if err := r.w.Flush(); err != nil && r.err == nil {
		r.err = err
	}
	f := r.file
	r.file = nil
	if r.err != nil {
		f.Close()
		return nil, nil
	}
	return nil, f
}

func (r *rawStore) discard() {
	r.mem.Release()
	if r.file != nil {
		r.file.Close()
		r.file = nil
	}
}

// spill holds the decoded bytes of an attachment read on the way until
// an extraction's walk names its file.
type spill struct {
	f   *os.File
	w   *bufio.Writer
	n   int64
	err error
}

func newSpill() *spill {
	f, err := tempFile()
	if err != nil {
		return &spill{err: err}
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 32<<10)}
}

func (s *spill) write(p []byte) {
	if s == nil || s.err != nil {
		return
	}
	n, err := s.w.Write(p)
	s.n += int64(n)
	s.err = err
}

// copyTo writes what the spill holds to w.
func (s *spill) copyTo(w io.Writer) error {
	if s.err != nil {
		return s.err
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	_, err := io.Copy(w, io.NewSectionReader(s.f, 0, s.n))
	return err
}

func (s *spill) close() {
	if s != nil && s.f != nil {
		s.f.Close()
		s.f = nil
	}
}
