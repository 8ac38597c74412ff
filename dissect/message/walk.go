package message

import (
	"bytes"
	"io"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// Bounds on the MIME tree of one message.
const (
	maxDepth = 20
	maxParts = 1000
	// maxValue bounds a content type or file name copied into the record;
	// real ones are far shorter.
	maxValue = 1024
)

// walker walks the MIME tree of one message and fills its record.
type walker struct {
	m     *record.Message
	opt   Options
	w     *warnings
	parts int
	// Protection seen while walking, turned into the SMIME field at the end.
	signed, encrypted       bool
	pgpSigned, pgpEncrypted bool
	previewDone             bool
	// save, when set, receives the decoded bytes of every attachment.
	save    func(a *record.Attachment) (io.WriteCloser, error)
	copyBuf []byte // shared by the attachments of one message
	saveErr error
	// streamed, when set, gives the digest of an attachment whose body a
	// Stream read on the way (its kept part has no body).
	streamed func(header) *leafDigest
}

// entity is one node of the MIME tree: its header and its raw body (still
// transfer-encoded).
type entity struct {
	h       header
	body    []byte
	depth   int
	ctype   string
	params  map[string]string
	disp    string
	dparams map[string]string
}

func walkMessage(wk *walker, h header, body []byte) {
	wk.walk(h, body, 0, "text/plain")
	wk.m.SMIME = wk.protection()
}

// walk visits one entity; defType is the type it has without a
// Content-Type field (message/rfc822 inside multipart/digest).
func (wk *walker) walk(h header, body []byte, depth int, defType string) {
	wk.parts++
	if wk.parts > maxParts {
		if wk.parts == maxParts+1 {
			wk.w.add(record.WarnMIMETooManyParts, "max", maxParts)
		}
		return
	}
	if depth > maxDepth {
		wk.w.add(record.WarnMIMETooDeep, "max", maxDepth)
		return
	}
	e := wk.newEntity(h, body, depth, defType)
	wk.m.MIME = append(wk.m.MIME, strings.Repeat("  ", depth)+e.ctype)
	switch {
	case strings.HasPrefix(e.ctype, "multipart/"):
		wk.multipart(e)
	case e.ctype == "message/rfc822" || e.ctype == "message/global":
		wk.embedded(e)
	case isPKCS7Mime(e):
		wk.pkcs7Mime(e)
	default:
		wk.leaf(e)
	}
}

// newEntity reads the types of a part from its header.
func (wk *walker) newEntity(h header, body []byte, depth int, defType string) *entity {
	e := &entity{h: h, body: body, depth: depth}
	e.ctype, e.params = mediaType(h.get("content-type"))
	if e.ctype == "" || !strings.Contains(e.ctype, "/") {
		if e.ctype != "" {
			wk.w.add(record.WarnMIMEMalformedType, "value", record.Quote(clip(sanitize(h.get("content-type")), 60)), "type", defType)
		}
		e.ctype = defType
	}
	e.ctype = sanitize(clip(e.ctype, maxValue))
	e.disp, e.dparams = mediaType(h.get("content-disposition"))
	return e
}

// multipart visits the parts of a multipart entity.
func (wk *walker) multipart(e *entity) {
	boundary := e.params["boundary"]
	if boundary == "" {
		wk.w.add(record.WarnMIMENoBoundary, "type", e.ctype)
		wk.leaf(e)
		return
	}
	if len(e.body) == 0 {
		return // headers only (an IMAP BODY[HEADER] fetch, POP3 TOP n 0)
	}
	parts, closed := splitMultipart(e.body, boundary)
	if !closed {
		wk.w.add(record.WarnMIMENoFinalBoundary, "type", e.ctype, "boundary", record.Quote(clip(sanitize(boundary), 70)), "parts", len(parts))
	}
	switch e.ctype {
	case "multipart/signed":
		wk.multipartSigned(e, parts, closed)
	case "multipart/encrypted":
		if strings.Contains(strings.ToLower(e.params["protocol"]), "pgp") {
			wk.pgpEncrypted = true
		}
	}
	def := "text/plain"
	if e.ctype == "multipart/digest" {
		def = "message/rfc822"
	}
	for _, p := range parts {
		ph, pb := splitHeader(p, wk.w)
		wk.walk(ph, pb, e.depth+1, def)
	}
}

// embedded visits a message/rfc822 part: listed as an attachment when it
// is one (a forwarded .eml), and walked so that its own parts show.
func (wk *walker) embedded(e *entity) {
	if isAttachment(e) {
		wk.attachment(e)
	}
	inner := wk.decodeAll(e)
	if looksLikeHeader(e.body) && !looksLikeHeader(inner) {
		// RFC 2046 allows only 7bit, 8bit or binary here: a message
		// that declares another encoding but is plain text hides its
		// parts from readers that trust the declaration. Read it as it
		// is, as mail clients do.
		wk.w.add(record.WarnMIMENotEncoded, "type", sanitize(e.ctype))
		inner = e.body
	}
	ih, ib := splitHeader(inner, wk.w)
	wk.walk(ih, ib, e.depth+1, "text/plain")
}

// leaf is a part with content: the body text or an attachment.
func (wk *walker) leaf(e *entity) {
	if isAttachment(e) {
		wk.attachment(e)
		wk.part(e, true)
		return
	}
	wk.text(e)
	wk.part(e, false)
}

// isAttachment tells whether a leaf carries a file or an image rather than
// the text of the message.
func isAttachment(e *entity) bool {
	if strings.EqualFold(e.disp, "attachment") || filename(e) != "" {
		return true
	}
	switch {
	case e.ctype == "text/plain", e.ctype == "text/html", e.ctype == "text/enriched":
		return false
	case strings.HasPrefix(e.ctype, "multipart/"):
		return false
	case strings.HasPrefix(e.ctype, "message/"):
		return false
	}
	return true
}

// filename is the name a part gives itself: Content-Disposition filename,
// else Content-Type name.
func filename(e *entity) string {
	if f := e.dparams["filename"]; f != "" {
		return f
	}
	return e.params["name"]
}

// protection is the SMIME field from what the walk saw.
func (wk *walker) protection() string {
	switch {
	case wk.signed && wk.encrypted:
		return "signed+encrypted"
	case wk.encrypted:
		return "encrypted"
	case wk.signed:
		return "signed"
	case wk.pgpEncrypted:
		return "pgp-encrypted"
	case wk.pgpSigned:
		return "pgp-signed"
	}
	return "none"
}

// looksLikeHeader tells whether b starts with a header field ("Name: ").
func looksLikeHeader(b []byte) bool {
	b = bytes.TrimLeft(b, "\r\n")
	i := bytes.IndexByte(b, ':')
	if i <= 0 || i > 76 {
		return false
	}
	for _, c := range b[:i] {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}
