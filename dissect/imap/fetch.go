package imap

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// section is one body section of a FETCH response.
type section struct {
	name string // "BODY[]", "BODY[HEADER.FIELDS (FROM)]", "RFC822"
	tok  Token
}

// fetched is what one FETCH response carries.
type fetched struct {
	seq          int64
	uid          string
	flags        string
	hasFlags     bool
	envelope     *Value
	bodystruct   *Value
	sections     []section
	size         int64 // RFC822.SIZE
	frame, endFr int64
}

// fetchResponse reads "* n FETCH (name value ...)": flag changes become
// mailbox events, message content becomes a message record.
func (h *Handler) fetchResponse(u *unit, seq int64, t *Tokenizer) {
	v, _ := t.ReadValue()
	f := fetched{seq: seq, frame: u.frame, endFr: u.endFrame}
	for i := 0; i+1 < len(v.List); i += 2 {
		name := strings.ToUpper(clean(v.List[i].Text))
		val := v.List[i+1]
		switch {
		case name == "UID":
			f.uid = clean(val.Text)
		case name == "RFC822.SIZE":
			f.size, _ = strconv.ParseInt(clean(val.Text), 10, 64)
		case name == "FLAGS":
			f.hasFlags = true
			f.flags = valuesText([]Value{val})
		case name == "ENVELOPE":
			f.envelope = &v.List[i+1]
		case name == "BODYSTRUCTURE" || name == "BODY":
			f.bodystruct = &v.List[i+1]
		case isSection(name):
			if !val.IsList && !val.IsNil() {
				f.sections = append(f.sections, section{name: name, tok: val.Token})
			}
		}
	}
	if f.hasFlags && h.flagsChanged() {
		e := "FLAGS " + strconv.FormatInt(seq, 10)
		if f.uid != "" {
			e += " UID " + f.uid
		}
		h.event(u.frame, e+" "+f.flags)
	}
	if f.bodystruct != nil {
		var scratch record.Message
		h.rememberParts(seq, fillBodystructure(&scratch, *f.bodystruct))
	}
	h.emitMessage(h.fetchedMessage(&f))
}

// emitMessage reports a message and what its analysis found, if any.
func (h *Handler) emitMessage(m *record.Message) {
	if m == nil {
		return
	}
	h.s.Emit(m)
	for _, sf := range message.Findings(m) {
		h.s.Finding(sf)
	}
}

// isSection tells the fetch items that carry message text.
func isSection(name string) bool {
	switch name {
	case "RFC822", "RFC822.HEADER", "RFC822.TEXT":
		return true
	}
	return strings.HasPrefix(name, "BODY[") || strings.HasPrefix(name, "BINARY[")
}

// sectionKind sorts a section name: the whole message, its header (or
// some header fields), or another part.
func sectionKind(name string) string {
	if strings.Contains(name, "]<") {
		return "part" // a byte range, even of the whole message
	}
	switch name {
	case "RFC822", "BODY[]", "BINARY[]":
		return "whole"
	case "RFC822.HEADER":
		return "header"
	}
	inside := name[strings.IndexByte(name, '[')+1:]
	if strings.HasPrefix(inside, "HEADER") {
		return "header"
	}
	return "part"
}

// flagsChanged tells whether FLAGS in a FETCH response report a change
// (a STORE's effect, or unsolicited) rather than an answer to FETCH FLAGS.
func (h *Handler) flagsChanged() bool {
	return h.lastPending("FETCH") == nil || h.lastPending("STORE") != nil
}

// fetchedMessage builds the message record of a FETCH response, or nil
// when it carries no message content. The whole message is analysed; a
// header alone is analysed as a message without body; other sections and
// ENVELOPE/BODYSTRUCTURE-only responses give a record whose partial field
// names what was seen.
func (h *Handler) fetchedMessage(f *fetched) *record.Message {
	var whole, header *section
	var parts []string
	var partSize int64
	var files []record.Attachment // parts a BODYSTRUCTURE named as files
	packet := f.frame
	for i := range f.sections {
		sec := &f.sections[i]
		// A chunk of a message or a part fetched in chunks: it is
		// reported once, with its last chunk.
		if h.chunkOf(f, sec) {
			return h.chunkFetched(f, sec)
		}
		switch sectionKind(sec.name) {
		case "whole":
			if whole == nil {
				whole = sec
			}
		case "header":
			if header == nil {
				header = sec
			}
			parts = append(parts, sec.name)
		default:
			parts = append(parts, sec.name)
			partSize += tokenSize(sec.tok)
			if p, ok := h.partOf(f.seq, sec.name); ok {
				if a, ok := h.partAttachment(p, sec.name, sec.tok); ok {
					files = append(files, a)
				}
			}
		}
	}
	var m *record.Message
	truncated := false
	switch {
	case whole != nil:
		m = h.analyzeToken(whole.tok)
		truncated = !complete(whole.tok)
		m.Size = tokenSize(whole.tok)
		parts = nil
		packet = tokenFrame(whole.tok, packet)
	case header != nil:
		m = h.analyze(header.tok.Text)
		m.Parts = nil // no body was fetched: nothing to size or hash
		if !hasField(header.tok.Text, "content-type") {
			// The type analysis assumes for a missing field is not
			// something the capture showed.
			m.MIME = nil
		}
		truncated = !complete(header.tok)
		m.Size = partSize + tokenSize(header.tok)
		packet = tokenFrame(header.tok, packet)
	case len(f.sections) > 0:
		m = emptyMessage()
		m.Size = partSize
		packet = tokenFrame(f.sections[0].tok, packet)
	case f.envelope != nil || f.bodystruct != nil:
		m = emptyMessage()
	default:
		return nil
	}
	if f.envelope != nil {
		fillEnvelope(m, *f.envelope)
		if whole == nil && header == nil {
			parts = append(parts, "ENVELOPE")
		}
	}
	if f.bodystruct != nil && whole == nil {
		fillBodystructure(m, *f.bodystruct)
		parts = append(parts, "BODYSTRUCTURE")
	}
	if whole == nil && len(files) > 0 {
		m.Attachments = append(m.Attachments[:0], files...)
	}
	h.fillFetched(m, f, packet)
	m.Partial = clean([]byte(strings.Join(parts, " ")))
	m.Truncated = m.Truncated || truncated
	return m
}

// fillFetched says where a fetched message came from: packet is the
// frame of its first byte, f the response that ended it.
func (h *Handler) fillFetched(m *record.Message, f *fetched, packet int64) {
	m.Session = h.s.ID
	m.Proto = Proto
	m.Direction = record.DirectionFetched
	m.Packet = packet
	m.EndPacket = f.endFr
	m.IMAPSeq = strconv.FormatInt(f.seq, 10)
	m.IMAPUID = f.uid
	if h.mbox != nil {
		m.Mailbox = h.mbox.rec.Name
	}
}

// emptyMessage is a message record with nothing analysed yet.
func emptyMessage() *record.Message {
	return &record.Message{To: []string{}, Attachments: []record.Attachment{}, SMIME: "none"}
}

// tokenSize is the size of a section's value as announced on the wire.
func tokenSize(t Token) int64 {
	if t.Lit != nil {
		return t.Lit.Size
	}
	return int64(len(t.Text))
}

// complete tells whether all of a section's bytes were kept.
func complete(t Token) bool {
	return t.Lit == nil || t.Lit.Complete()
}

// tokenEnd is the frame of a literal's last byte.
func tokenEnd(t Token, def int64) int64 {
	if t.Lit != nil && t.Lit.End > 0 {
		return t.Lit.End
	}
	return def
}

// tokenFrame is the frame of a literal's first byte.
func tokenFrame(t Token, def int64) int64 {
	if t.Lit != nil && t.Lit.Frame > 0 {
		return t.Lit.Frame
	}
	return def
}

// hasField reports whether a header block has a field of this name.
func hasField(header []byte, name string) bool {
	for len(header) > 0 {
		line := header
		if i := bytes.IndexByte(header, '\n'); i >= 0 {
			line, header = header[:i], header[i+1:]
		} else {
			header = nil
		}
		if len(line) > len(name) && line[len(name)] == ':' && strings.EqualFold(string(line[:len(name)]), name) {
			return true
		}
	}
	return false
}
