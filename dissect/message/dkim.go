package message

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// maxDKIM bounds the signatures and verdict fields kept for one message.
const maxDKIM = 8

// fillSenderAuth copies what the message says about its own sender's
// authenticity: DKIM signatures (with the body hash checked against the
// body that crossed the wire) and the receiving servers' verdicts
// (Authentication-Results, Received-SPF). The signature itself needs the
// signer's public key from DNS, which a capture rarely holds: it is not
// verified here. checked are body hash verdicts already known (a Stream
// checked them on the way), by signature; "" for one still to check.
func fillSenderAuth(m *record.Message, h header, body []byte, checked []string) {
	for i, v := range h.values("dkim-signature") {
		if len(m.DKIM) == maxDKIM {
			break
		}
		if i < len(checked) && checked[i] != "" {
			d, _ := dkimTags(v)
			d.BodyHash = checked[i]
			m.DKIM = append(m.DKIM, d)
			continue
		}
		m.DKIM = append(m.DKIM, dkimSignature(v, body))
	}
	for _, name := range []string{"authentication-results", "received-spf"} {
		for _, v := range h.values(name) {
			if len(m.AuthResults) == maxDKIM {
				return
			}
			m.AuthResults = append(m.AuthResults, sanitize(name+": "+strings.Join(strings.Fields(v), " ")))
		}
	}
}

// dkimSignature reads the tags of a DKIM-Signature field (RFC 6376 3.5)
// and checks its body hash.
func dkimSignature(v string, body []byte) record.DKIM {
	d, check := dkimTags(v)
	if check == nil {
		return d
	}
	canon := canonBody(body, check.relaxed)
	check.write(canon)
	d.BodyHash = check.verdict()
	return d
}

// dkimTags reads the tags of a DKIM-Signature field, and returns what
// checks its body hash, nil when it cannot be checked.
func dkimTags(v string) (record.DKIM, *bodyCheck) {
	tags := map[string]string{}
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(val), "")
	}
	d := record.DKIM{Domain: sanitize(clip(tags["d"], 100)), Selector: sanitize(clip(tags["s"], 100)),
		Algorithm: sanitize(clip(tags["a"], 40)), BodyHash: "unchecked"}
	want, err := base64.StdEncoding.DecodeString(tags["bh"])
	if err != nil || len(want) == 0 {
		return d, nil
	}
	c := &bodyCheck{want: want, limit: -1}
	switch strings.ToLower(tags["a"]) {
	case "rsa-sha256", "ed25519-sha256":
		c.h = sha256.New()
	case "rsa-sha1":
		c.h = sha1.New()
	default:
		return d, nil
	}
	_, bodyCanon, _ := strings.Cut(strings.ToLower(tags["c"]), "/")
	c.relaxed = bodyCanon == "relaxed"
	if l, err := strconv.ParseInt(tags["l"], 10, 64); err == nil && l >= 0 {
		c.limit = l
	}
	return d, c
}

// bodyCheck hashes a canonicalized body, up to the l= tag's length, and
// compares it with the bh= tag.
type bodyCheck struct {
	h       hash.Hash
	want    []byte
	relaxed bool
	limit   int64 // -1: the whole body
	n       int64
}

func (c *bodyCheck) write(p []byte) {
	if c.limit >= 0 {
		p = p[:min(int64(len(p)), max(0, c.limit-c.n))]
	}
	c.h.Write(p)
	c.n += int64(len(p))
}

func (c *bodyCheck) verdict() string {
	if bytes.Equal(c.h.Sum(nil), c.want) {
		return "match"
	}
	return "mismatch"
}

// bodyCanon canonicalizes a body given in pieces as canonBody does the
// whole, into check: a line is written once known not to be one of the
// empty lines that end the body, which are dropped. Runs of plain line
// content are copied at once, and what is canonical is hashed in blocks
// of canonBlock bytes.
type bodyCanon struct {
	check   *bodyCheck
	cr      bool // a CR was read: it ends the line if an LF follows
	started bool // the line being read wrote something
	wsp     bool // white space was read since the line's last other byte
	empty   int  // empty lines not written yet
	any     bool // a line was written
	out     []byte
}

const canonBlock = 32 << 10

func (b *bodyCanon) write(p []byte) {
	for len(p) > 0 {
		if n := b.plain(p); n > 0 {
			b.content(p[:n])
			p = p[n:]
			continue
		}
		c := p[0]
		p = p[1:]
		if b.cr {
			b.cr = false
			if c == '\n' {
				b.endLine()
				continue
			}
			b.content([]byte{'\r'})
		}
		switch c {
		case '\r':
			b.cr = true
		case '\n':
			b.endLine()
		case ' ', '\t':
			if b.check.relaxed {
				b.wsp = true
				continue
			}
			fallthrough
		default: // after a lone CR
			b.content([]byte{c})
		}
	}
	if len(b.out) >= canonBlock {
		b.flush()
	}
}

// plain is how many bytes at the start of p are line content that needs
// nothing but copying: no line break, no CR pending, and for relaxed no
// white space.
func (b *bodyCanon) plain(p []byte) int {
	if b.cr {
		return 0
	}
	for i, c := range p {
		if c == '\r' || c == '\n' || b.check.relaxed && (c == ' ' || c == '\t') {
			return i
		}
	}
	return len(p)
}

// content takes bytes of a line's content that are no relaxed white
// space.
func (b *bodyCanon) content(p []byte) {
	if !b.started {
		for ; b.empty > 0; b.empty-- {
			b.out = append(b.out, '\r', '\n')
		}
		b.started = true
	}
	if b.wsp {
		b.out = append(b.out, ' ')
		b.wsp = false
	}
	b.out = append(b.out, p...)
}

func (b *bodyCanon) endLine() {
	if b.started {
		b.out = append(b.out, '\r', '\n')
		b.any = true
	} else {
		b.empty++
	}
	b.started, b.wsp = false, false
}

func (b *bodyCanon) flush() {
	b.check.write(b.out)
	b.out = b.out[:0]
}

// end ends the body: the last line, and the simple canonicalization's
// CRLF of an empty body.
func (b *bodyCanon) end() {
	if b.cr {
		b.cr = false
		b.content([]byte{'\r'})
	}
	if b.started {
		b.endLine()
	}
	if !b.any && !b.check.relaxed {
		b.out = append(b.out, '\r', '\n')
	}
	b.flush()
}

// canonBody applies the simple or relaxed body canonicalization of
// RFC 6376 3.4.3 and 3.4.4.
func canonBody(body []byte, relaxed bool) []byte {
	lines := bytes.Split(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), []byte("\n"))
	if relaxed {
		for i, l := range lines {
			l = bytes.Join(bytes.FieldsFunc(l, isWSP), []byte(" "))
			if len(lines[i]) > 0 && isWSP(rune(lines[i][0])) && len(l) > 0 {
				l = append([]byte(" "), l...)
			}
			lines[i] = l
		}
	}
	for len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		if relaxed {
			return nil
		}
		return []byte("\r\n")
	}
	return append(bytes.Join(lines, []byte("\r\n")), '\r', '\n')
}

func isWSP(r rune) bool { return r == ' ' || r == '\t' }
