package message

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// sniffLen is how many decoded bytes content sniffing looks at.
const sniffLen = 512

// attachment decodes, measures and hashes one attachment and lists it.
func (wk *walker) attachment(e *entity) {
	a := describe(e)
	wk.hash(e, &a)
	wk.m.Attachments = append(wk.m.Attachments, a)
}

// describe is what the part's header says about an attachment.
func describe(e *entity) record.Attachment {
	a := record.Attachment{
		Filename:         clip(filename(e), maxValue),
		ContentType:      sanitize(e.ctype),
		Disposition:      sanitize(clip(strings.ToLower(e.disp), maxValue)),
		TransferEncoding: sanitize(clip(e.encoding(), maxValue)),
	}
	if a.TransferEncoding == "" {
		a.TransferEncoding = "7bit"
	}
	return a
}

// hash streams the decoded body into SHA-256 (and into the extraction's
// file, if any) up to MaxAttachment, counts the rest, and sniffs the
// content's type from its first bytes. Nothing is held whole, so a 5 MB
// image costs no 5 MB copy.
func (wk *walker) hash(e *entity, a *record.Attachment) {
	if wk.streamed != nil {
		if d := wk.streamed(e.h); d != nil {
			wk.hashed(a, d)
			return
		}
	}
	r := wk.decoded(e)
	sum := sha256.New()
	sniff := &prefix{max: sniffLen}
	dst := io.MultiWriter(sum, sniff)
	out := wk.output(a)
	if out != nil {
		dst = io.MultiWriter(sum, sniff, out)
	}
	limit := wk.hashLimit()
	n, err := io.CopyBuffer(dst, io.LimitReader(r, limit), wk.buffer())
	if out != nil {
		err = wk.closeOutput(out, err)
	}
	if err == nil && n == limit {
		rest, rerr := io.CopyBuffer(io.Discard, r, wk.buffer())
		if rest > 0 {
			a.Truncated = true
			wk.w.add(record.WarnMIMEAttachmentTooLarge, "filename", record.Quote(clip(a.Filename, 60)), "max", limit, "hashed", limit)
		}
		n, err = n+rest, rerr
	}
	if err != nil {
		wk.w.add(record.WarnMIMEAttachmentDecode, "filename", record.Quote(clip(a.Filename, 60)), "error", err, "bytes", n)
	}
	a.Size = n
	a.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if len(sniff.b) > 0 {
		a.SniffedType = sniffType(sniff.b)
	}
}

// hashed fills an attachment from the digest a Stream made of its body,
// as hash would have from the body.
func (wk *walker) hashed(a *record.Attachment, d *leafDigest) {
	if d.spill != nil {
		if out := wk.output(a); out != nil {
			err := d.spill.copyTo(out)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil && wk.saveErr == nil {
				wk.saveErr = err
			}
		}
	}
	if limit := wk.hashLimit(); d.size > limit {
		a.Truncated = true
		wk.w.add(record.WarnMIMEAttachmentTooLarge, "filename", record.Quote(clip(a.Filename, 60)), "max", limit, "hashed", limit)
	}
	a.Size, a.SHA256 = d.size, d.sumHex
	if len(d.sniff) > 0 {
		a.SniffedType = sniffType(d.sniff)
	}
}

// closeOutput closes the extraction's file and keeps its error apart from
// the decoding error it returns.
func (wk *walker) closeOutput(out io.WriteCloser, err error) error {
	if cerr := out.Close(); cerr != nil && wk.saveErr == nil {
		wk.saveErr = cerr
	}
	if err != nil && isWriteError(err) {
		if wk.saveErr == nil {
			wk.saveErr = err
		}
		return nil
	}
	return err
}

// output opens the file an extraction writes the attachment to.
func (wk *walker) output(a *record.Attachment) io.WriteCloser {
	if wk.save == nil {
		return nil
	}
	out, err := wk.save(a)
	if err != nil {
		if wk.saveErr == nil {
			wk.saveErr = err
		}
		return nil
	}
	return &writeErrorWriter{w: out}
}

// writeErrorWriter marks the errors of the extraction's writer so that
// they are not mistaken for a decoding error of the message.
type writeErrorWriter struct{ w io.WriteCloser }

type writeError struct{ error }

func (e writeError) Unwrap() error { return e.error }

func (w *writeErrorWriter) Write(b []byte) (int, error) {
	n, err := w.w.Write(b)
	if err != nil {
		err = writeError{err}
	}
	return n, err
}

func (w *writeErrorWriter) Close() error { return w.w.Close() }

func isWriteError(err error) bool {
	_, ok := err.(writeError)
	return ok
}

// decoded returns a reader of the part's body with its transfer encoding
// removed; an unknown encoding is warned about and read as it is.
func (wk *walker) decoded(e *entity) io.Reader {
	r, ok := decoder(e.encoding(), e.body)
	if !ok {
		wk.w.add(record.WarnMIMEUnknownEncoding, "encoding", record.Quote(clip(sanitize(e.h.get("content-transfer-encoding")), 40)))
	}
	return r
}

// decodeAll returns the whole decoded body of a part that is parsed again
// (an embedded message, CMS data); it is never larger than the raw body,
// and is the raw body itself when there is nothing to decode, so that
// nested messages cost no copy per level.
func (wk *walker) decodeAll(e *entity) []byte {
	if identityEncoding(e.encoding()) {
		return e.body
	}
	b, err := io.ReadAll(wk.decoded(e))
	if err != nil {
		wk.w.add(record.WarnMIMEPartDecode, "type", sanitize(e.ctype), "error", err, "bytes", len(b))
	}
	return b
}

// prefix keeps the first max bytes written to it.
type prefix struct {
	b   []byte
	max int
}

func (p *prefix) Write(b []byte) (int, error) {
	if room := p.max - len(p.b); room > 0 {
		p.b = append(p.b, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

// sniffType names the content from its first bytes, the way a browser
// would, with the types mail carries that net/http does not know.
func sniffType(b []byte) string {
	switch {
	case hasPrefix(b, "-----BEGIN PGP"):
		return "application/pgp"
	case len(b) > 2 && b[0] == 0x30 && b[1] >= 0x80 && isCMS(b):
		return "application/pkcs7"
	case hasPrefix(b, "MZ"):
		return "application/x-msdownload"
	case hasPrefix(b, "\x7fELF"):
		return "application/x-elf"
	}
	t := http.DetectContentType(b)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return t
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// isCMS tells whether DER/BER data starts like a CMS ContentInfo: a
// SEQUENCE holding a PKCS OID (1.2.840.113549.1.7.x or .1.9.16.1.x) near
// its start.
func isCMS(b []byte) bool {
	pkcs := []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01}
	end := min(len(b), 24)
	for i := 2; i+2+len(pkcs) <= end; i++ {
		if b[i] == 0x06 && (b[i+1] == 0x09 || b[i+1] == 0x0b) && string(b[i+2:i+2+len(pkcs)]) == string(pkcs) {
			return true
		}
	}
	return false
}
