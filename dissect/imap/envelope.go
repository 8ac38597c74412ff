package imap

import (
	"mime"
	"strings"

	"github.com/emersion/go-message/charset"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/record"
)

// words decodes RFC 2047 encoded words in the strings of ENVELOPE and
// BODYSTRUCTURE, which servers pass on undecoded.
var words = mime.WordDecoder{CharsetReader: charset.Reader}

func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return clean([]byte(s))
	}
	d, err := words.DecodeHeader(s)
	if err != nil {
		return clean([]byte(s))
	}
	return clean([]byte(d))
}

// fillEnvelope copies an ENVELOPE (date subject from sender reply-to to cc
// bcc in-reply-to message-id) into the fields the message analysis left
// empty.
func fillEnvelope(m *record.Message, env Value) {
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	set(&m.Date, clean(env.Item(0).Text))
	set(&m.Subject, decodeWords(env.Item(1).String()))
	if from := addresses(env.Item(2)); len(from) > 0 {
		set(&m.From, from[0])
	}
	if rt := addresses(env.Item(4)); len(rt) > 0 && m.ReplyTo == "" && (len(m.From) == 0 || rt[0] != m.From) {
		m.ReplyTo = rt[0]
	}
	if len(m.To) == 0 {
		m.To = append(m.To, addresses(env.Item(5))...)
	}
	if len(m.Cc) == 0 {
		m.Cc = addresses(env.Item(6))
	}
	set(&m.MessageID, clean(env.Item(9).Text))
}

// addresses reads an ENVELOPE address list ((name adl mailbox host) ...)
// as "Name <mailbox@host>" strings.
func addresses(v Value) []string {
	var out []string
	for _, a := range v.List {
		if !a.IsList || len(out) >= 100 {
			continue
		}
		name := decodeWords(a.Item(0).String())
		box, host := clean(a.Item(2).Text), clean(a.Item(3).Text)
		if a.Item(3).IsNil() {
			continue // the start or end of a group
		}
		addr := box
		if host != "" {
			addr += "@" + host
		}
		out = append(out, address.Address{Name: name, Addr: addr}.String())
	}
	return out
}

// bodyPart is one leaf of a BODYSTRUCTURE, with its section number, so
// that a later BODY[n] fetch of it can be decoded.
type bodyPart struct {
	section  string // "1", "2.1"
	typ      string // "image/gif"
	enc      string // "base64"
	filename string
	disp     string
	size     int64 // encoded size as the server counts it
}

// fillBodystructure lists the MIME tree and the attachments a
// BODYSTRUCTURE shows, without the bodies: an attachment's size is then
// the encoded size the server counts and its hash is unknown. It returns
// the leaf parts.
func fillBodystructure(m *record.Message, v Value) []bodyPart {
	var parts []bodyPart
	walkBody(m, v, 0, "", true, &parts)
	for _, p := range parts {
		if p.filename == "" && p.disp != "attachment" || len(m.Attachments) >= 100 {
			continue
		}
		m.Attachments = append(m.Attachments, record.Attachment{
			Filename:         p.filename,
			ContentType:      p.typ,
			Disposition:      p.disp,
			TransferEncoding: p.enc,
			Size:             p.size,
		})
	}
	return parts
}

// walkBody reads one body of a BODYSTRUCTURE. Sections are numbered as
// RFC 9051 §6.4.5 says: the parts of a multipart 1, 2...; a message that
// is not multipart has its body in section 1; the body of an attached
// message continues its parent's number (2.1).
func walkBody(m *record.Message, v Value, depth int, prefix string, top bool, parts *[]bodyPart) {
	if !v.IsList || depth > maxDepth || len(m.MIME) >= 200 {
		return
	}
	indent := strings.Repeat("  ", depth)
	if len(v.List) > 0 && v.List[0].IsList {
		// Multipart: the parts, then the subtype.
		i := 0
		for i < len(v.List) && v.List[i].IsList {
			i++
		}
		sub := strings.ToLower(v.Item(i).String())
		m.MIME = append(m.MIME, indent+"multipart/"+clean([]byte(sub)))
		for n, part := range v.List[:i] {
			walkBody(m, part, depth+1, sectionJoin(prefix, n+1), false, parts)
		}
		return
	}
	section := prefix
	if top {
		section = sectionJoin(prefix, 1)
	}
	typ := strings.ToLower(clean(v.Item(0).Text) + "/" + clean(v.Item(1).Text))
	m.MIME = append(m.MIME, indent+typ)
	params := paramMap(v.Item(2))
	ext := 7
	switch {
	case strings.HasPrefix(typ, "text/"):
		ext = 8
	case typ == "message/rfc822" || typ == "message/global":
		walkBody(m, v.Item(8), depth+1, section, true, parts)
		ext = 10
	}
	disp := v.Item(ext + 1)
	name := paramMap(disp.Item(1))["filename"]
	if name == "" {
		name = params["name"]
	}
	if len(*parts) < 200 {
		*parts = append(*parts, bodyPart{
			section:  section,
			typ:      typ,
			enc:      strings.ToLower(clean(v.Item(5).Text)),
			filename: decodeWords(name),
			disp:     strings.ToLower(disp.Item(0).String()),
			size:     atoi(v.Item(6).String()),
		})
	}
}

func sectionJoin(prefix string, n int) string {
	if prefix == "" {
		return itoa(int64(n))
	}
	return prefix + "." + itoa(int64(n))
}

// paramMap reads a body parameter list ("name" "value" ...), keys lower
// case; RFC 2231 continuations and charsets are joined and decoded.
func paramMap(v Value) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(v.List) && i < 64; i += 2 {
		k := strings.ToLower(v.List[i].String())
		out[k] = v.List[i+1].String()
	}
	for _, key := range []string{"filename", "name"} {
		if out[key] == "" {
			if s := rfc2231(out, key); s != "" {
				out[key] = s
			}
		}
	}
	return out
}

// rfc2231 joins "key*0*", "key*1*"... or decodes "key*" (charset'lang'text).
func rfc2231(p map[string]string, key string) string {
	if v, ok := p[key+"*"]; ok {
		return decode2231(v, true)
	}
	var sb strings.Builder
	for i := 0; i < 32; i++ {
		n := key + "*" + itoa(int64(i))
		if v, ok := p[n+"*"]; ok {
			sb.WriteString(decode2231(v, i == 0))
		} else if v, ok := p[n]; ok {
			sb.WriteString(v)
		} else {
			break
		}
	}
	return sb.String()
}

// decode2231 decodes charset'lang'percent-encoded text (UTF-8 and
// US-ASCII only; other charsets are left encoded).
func decode2231(v string, first bool) string {
	if first {
		if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
			v = parts[2]
		}
	}
	var b []byte
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			b = append(b, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
			continue
		}
		b = append(b, v[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func atoi(s string) int64 {
	n, _, ok := number([]byte(s))
	if !ok {
		return 0
	}
	return n
}
