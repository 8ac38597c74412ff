package imap

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// maxStructures bounds the BODYSTRUCTUREs remembered per session.
const maxStructures = 256

// rememberParts keeps the leaf parts of a message's BODYSTRUCTURE, so
// that a later fetch of one part (BODY[2], the lab's GIF) can be decoded.
func (h *Handler) rememberParts(seq int64, parts []bodyPart) {
	if h.structures == nil || len(h.structures) >= maxStructures {
		h.structures = map[int64][]bodyPart{}
	}
	h.structures[seq] = parts
}

// partOf finds the part a section name ("BODY[2]", "BINARY[2.1]") fetched.
func (h *Handler) partOf(seq int64, name string) (bodyPart, bool) {
	open, end := strings.IndexByte(name, '['), strings.IndexByte(name, ']')
	if open < 0 || end < open || end != len(name)-1 {
		return bodyPart{}, false // no section, or a byte range
	}
	section := name[open+1 : end]
	for _, p := range h.structures[seq] {
		if p.section == section {
			return p, true
		}
	}
	return bodyPart{}, false
}

// isFile tells whether the BODYSTRUCTURE names a part as a file.
func (p bodyPart) isFile() bool {
	return p.filename != "" || p.disp == "attachment" || strings.HasPrefix(p.typ, "image/")
}

// partReader is the reader of the body of a fetched part: it decodes and
// hashes the part as a message's attachment is, whether the part is read
// as it arrives or from the bytes kept. BINARY[] sections come decoded
// already.
func (h *Handler) partReader(p bodyPart, name string) *message.Part {
	enc := p.enc
	if strings.HasPrefix(name, "BINARY") {
		enc = "binary"
	}
	return message.NewPart(enc, h.s.Limits.MaxAttachment) // lower-case already
}

// partAttachment is the attachment of a fetched part that the
// BODYSTRUCTURE named as a file: what it is, its decoded size and its
// hash, from the part read as it arrived or from the bytes kept.
func (h *Handler) partAttachment(p bodyPart, name string, tok Token) (record.Attachment, bool) {
	if !p.isFile() {
		return record.Attachment{}, false
	}
	r := tok.Lit.reader()
	if r == nil {
		r = h.partReader(p, name)
		r.Write(tok.Text)
	}
	size, sum, cut := r.End()
	return p.attachment(size, sum, cut || !complete(tok)), true
}

// attachment is the part as a file, with its decoded size and its hash.
func (p bodyPart) attachment(size int64, sum string, truncated bool) record.Attachment {
	return record.Attachment{
		Filename:         p.filename,
		ContentType:      p.typ,
		Disposition:      p.disp,
		TransferEncoding: p.enc,
		Size:             size,
		SHA256:           sum,
		Truncated:        truncated,
	}
}

// partLiteral is the reader of a literal about to be read, when it is
// the body of a part that a BODYSTRUCTURE already named as a file:
// header is the response so far ("* 12 FETCH (UID 7 BODY[2]").
func (h *Handler) partLiteral(header []byte, section string) *message.Part {
	seq, ok := fetchSeq(header)
	if !ok {
		return nil
	}
	p, ok := h.partOf(seq, section)
	if !ok || !p.isFile() {
		return nil
	}
	return h.partReader(p, section)
}
