// Package extract writes the messages and attachments seen in captures to
// a folder (mailwire extract --out DIR): each message as an .eml file,
// each attachment decoded, and an index.json that ties every file to its
// session, its frames and its SHA-256. Names come from the wire, so every
// file is created inside the folder through os.Root, never following a
// link and never overwriting anything but what an earlier extraction into
// the same folder wrote (the files its index.json lists), which is
// replaced.
package extract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// File is one extracted file in the index.
type File struct {
	Path        string `json:"path"` // relative to the folder
	Kind        string `json:"kind"` // message, decrypted or attachment
	Session     string `json:"session"`
	Packet      int64  `json:"packet"`
	EndPacket   int64  `json:"end_packet,omitempty"`
	Message     string `json:"message,omitempty"`  // for an attachment, the .eml it came from
	Filename    string `json:"filename,omitempty"` // the name the message gave it
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Truncated   bool   `json:"truncated,omitempty"`
	// Decrypted: the message was read from TLS records that only the key
	// log opened; an eavesdropper did not see it.
	Decrypted bool `json:"decrypted,omitempty"`
}

// Index lists what was extracted.
type Index struct {
	Files []File `json:"files"`
	// Skipped counts messages that had no bytes kept (Raw empty).
	Skipped int `json:"skipped,omitempty"`
	// Path of the index file itself, relative to the folder.
	Path string `json:"-"`
}

// Options of an extraction.
type Options struct {
	// MaxAttachment bounds the decoded bytes written per attachment.
	MaxAttachment int64
}

// Writer extracts messages one at a time into a folder. It is not safe
// for concurrent use: one goroutine adds messages, then closes it.
type Writer struct {
	root  *os.Root
	opt   Options
	index Index
}

// maxTries bounds the "-2", "-3"... suffixes tried for a taken name.
const maxTries = 1000

// Create opens (making it if needed) the folder messages are written to.
func Create(dir string, opt Options) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	w := &Writer{root: root, opt: opt, index: Index{Files: []File{}}}
	if err := w.removePrevious(); err != nil {
		root.Close()
		return nil, err
	}
	return w, nil
}

// maxIndex bounds the index.json of an earlier extraction that is read.
const maxIndex = 64 << 20

// removePrevious deletes what an earlier extraction into the folder wrote,
// as its index.json lists it, so that extracting again gives the same
// files instead of "-2" copies. Files the index does not list are left
// alone; an index.json that is not an extraction index is left alone too.
func (w *Writer) removePrevious() error {
	f, err := w.root.Open("index.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var prev Index
	err = json.NewDecoder(io.LimitReader(f, maxIndex)).Decode(&prev)
	f.Close()
	if err != nil || prev.Files == nil {
		return nil
	}
	for _, file := range append(prev.Files, File{Path: "index.json"}) {
		p := file.Path
		if p == "" || p != filepath.Base(p) || p == "." || p == ".." {
			continue
		}
		if fi, err := w.root.Lstat(p); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := w.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replacing the earlier extraction: %w", err)
		}
	}
	return nil
}

// Write extracts msgs into dir and writes its index.json.
func Write(dir string, msgs []*record.Message, opt Options) (Index, error) {
	w, err := Create(dir, opt)
	if err != nil {
		return Index{}, err
	}
	var first error
	for _, m := range msgs {
		if err := w.Add(m); err != nil && first == nil {
			first = err
		}
	}
	idx, err := w.Close()
	if first == nil {
		first = err
	}
	return idx, first
}

// Add writes one message and its attachments. A message whose bytes were
// not kept is counted as skipped.
func (w *Writer) Add(m *record.Message) error {
	raw, size, done := rawOf(m)
	defer done()
	if size == 0 {
		w.index.Skipped++
		return nil
	}
	prefix := SafeName(fmt.Sprintf("%s-p%d", m.Session, m.Packet))
	sum := sha256.New()
	emlName, err := w.copyFile(prefix+".eml", io.TeeReader(raw(), sum))
	if err != nil {
		return err
	}
	w.index.Files = append(w.index.Files, File{
		Path: emlName, Kind: "message", Session: m.Session, Packet: m.Packet, EndPacket: m.EndPacket,
		ContentType: "message/rfc822", Size: size, SHA256: hex.EncodeToString(sum.Sum(nil)), Truncated: m.Truncated,
		Decrypted: m.Decrypted,
	})
	err = w.attachments(m, raw(), prefix, emlName)
	if d := m.SMIMEDecrypted; d != nil && len(d.Raw) > 0 && err == nil {
		// Named after the .eml it came from, which may carry a suffix.
		err = w.decrypted(m, d.Raw, strings.TrimSuffix(emlName, ".eml"), emlName)
	}
	return err
}

// rawOf gives a message's kept bytes, from memory or from the temporary
// file of a large one, as readers from their start; done closes the file.
func rawOf(m *record.Message) (raw func() io.Reader, size int64, done func()) {
	if f := m.RawFile; f != nil {
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		return func() io.Reader { return io.NewSectionReader(f, 0, size) }, size, func() { f.Close(); m.RawFile = nil }
	}
	return func() io.Reader { return bytes.NewReader(m.Raw) }, int64(len(m.Raw)), func() {}
}

// decrypted writes the inner message of an S/MIME encrypted message,
// opened with a key given, next to the encrypted one.
func (w *Writer) decrypted(m *record.Message, raw []byte, prefix, emlName string) error {
	name, err := w.writeFile(prefix+"-decrypted.eml", raw)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	w.index.Files = append(w.index.Files, File{
		Path: name, Kind: "decrypted", Session: m.Session, Packet: m.Packet, EndPacket: m.EndPacket,
		Message: emlName, ContentType: "message/rfc822", Size: int64(len(raw)), SHA256: hex.EncodeToString(sum[:]),
		Decrypted: m.Decrypted,
	})
	return w.attachments(m, bytes.NewReader(raw), prefix+"-decrypted", name)
}

// attachments writes the attachments of raw, the bytes of emlName.
func (w *Writer) attachments(m *record.Message, raw io.Reader, prefix, emlName string) error {
	var opened []string
	ext, err := message.Extract(raw, message.Options{MaxAttachment: w.opt.MaxAttachment}, func(a *record.Attachment) (io.WriteCloser, error) {
		name := a.Filename
		if name == "" {
			name = "attachment"
		}
		f, path, err := w.create(shorten(prefix+"-"+SafeName(name), maxName+40))
		opened = append(opened, path)
		if err != nil {
			return nil, err
		}
		return f, nil
	})
	for i, a := range ext.Attachments {
		if i >= len(opened) || opened[i] == "" {
			continue
		}
		w.index.Files = append(w.index.Files, File{
			Path: opened[i], Kind: "attachment", Session: m.Session, Packet: m.Packet, EndPacket: m.EndPacket,
			Message: emlName, Filename: a.Filename, ContentType: a.ContentType, Size: min(a.Size, w.limit()),
			SHA256: a.SHA256, Truncated: a.Truncated, Decrypted: m.Decrypted,
		})
	}
	return err
}

func (w *Writer) limit() int64 {
	if w.opt.MaxAttachment > 0 {
		return w.opt.MaxAttachment
	}
	return 1<<63 - 1
}

// Close writes index.json and releases the folder.
func (w *Writer) Close() (Index, error) {
	defer w.root.Close()
	b, err := json.MarshalIndent(w.index, "", "  ")
	if err != nil {
		return w.index, err
	}
	w.index.Path, err = w.writeFile("index.json", append(b, '\n'))
	return w.index, err
}

// writeFile creates a new file under a free name and writes b to it.
func (w *Writer) writeFile(name string, b []byte) (string, error) {
	return w.copyFile(name, bytes.NewReader(b))
}

// copyFile creates a new file under a free name and copies r to it.
func (w *Writer) copyFile(name string, r io.Reader) (string, error) {
	f, path, err := w.create(name)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return path, err
}

// create makes a new file inside the folder: O_EXCL so that nothing is
// overwritten and no link is followed, "-2", "-3"... before the extension
// when the name is taken.
func (w *Writer) create(name string) (*os.File, string, error) {
	for i := 1; i <= maxTries; i++ {
		try := name
		if i > 1 {
			try = numbered(name, i)
		}
		f, err := w.root.OpenFile(try, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, try, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", err
		}
	}
	return nil, "", fmt.Errorf("extract: no free name for %q after %d tries", name, maxTries)
}

// numbered inserts "-n" before the extension of a name.
func numbered(name string, n int) string {
	base, ext := name, ""
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '.' {
			base, ext = name[:i], name[i:]
			break
		}
	}
	return fmt.Sprintf("%s-%d%s", base, n, ext)
}
