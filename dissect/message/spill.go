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

// spillFile holds the decoded bytes of the attachments a Stream reads
// on the way for an extraction, one after the other in one temporary
// file, until the walk names their files.
type spillFile struct {
	f   *os.File
	w   *bufio.Writer
	n   int64
	err error
}

// part starts the bytes of the next attachment.
func (s *spillFile) part() *spill {
	if s.f == nil && s.err == nil {
		s.f, s.err = tempFile()
		if s.err == nil {
			s.w = bufio.NewWriterSize(s.f, 32<<10)
		}
	}
	return &spill{file: s, off: s.n}
}

func (s *spillFile) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// spill is one attachment's bytes in a spillFile.
type spill struct {
	file   *spillFile
	off, n int64
}

func (s *spill) write(p []byte) {
	if s == nil || s.file.err != nil {
		return
	}
	n, err := s.file.w.Write(p)
	s.n += int64(n)
	s.file.n += int64(n)
	s.file.err = err
}

// copyTo writes the attachment's bytes to w.
func (s *spill) copyTo(w io.Writer) error {
	f := s.file
	if f.err != nil {
		return f.err
	}
	if err := f.w.Flush(); err != nil {
		return err
	}
	_, err := io.Copy(w, io.NewSectionReader(f.f, s.off, s.n))
	return err
}
