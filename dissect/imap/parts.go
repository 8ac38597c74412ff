package imap

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/quotedprintable"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/sasl"
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

// partAttachment decodes a fetched part that the BODYSTRUCTURE named as
// a file: what it is, its decoded size and its hash. BINARY[] sections
// come decoded already.
func (h *Handler) partAttachment(p bodyPart, name string, data []byte, complete bool) (record.Attachment, bool) {
	if p.filename == "" && p.disp != "attachment" && !strings.HasPrefix(p.typ, "image/") {
		return record.Attachment{}, false
	}
	enc := p.enc
	if strings.HasPrefix(name, "BINARY") {
		enc = "binary"
	}
	decoded := decodePart(enc, data)
	lim := h.s.Limits.MaxAttachment
	cut := !complete
	if lim > 0 && int64(len(decoded)) > lim {
		decoded, cut = decoded[:lim], true
	}
	sum := sha256.Sum256(decoded)
	return record.Attachment{
		Filename:         p.filename,
		ContentType:      p.typ,
		Disposition:      p.disp,
		TransferEncoding: p.enc,
		Size:             int64(len(decoded)),
		SHA256:           hex.EncodeToString(sum[:]),
		Truncated:        cut,
	}, true
}

// decodePart undoes a content transfer encoding; what does not decode is
// kept as it came.
func decodePart(enc string, data []byte) []byte {
	switch enc {
	case "base64":
		if b, err := sasl.DecodeBase64(data); err == nil {
			return b
		}
	case "quoted-printable":
		if b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(data))); err == nil {
			return b
		}
	}
	return data
}
