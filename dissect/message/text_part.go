package message

import (
	"bytes"
	"io"
	"strings"
)

// previewRunes is the length of the body preview.
const previewRunes = 200

// previewRead bounds the decoded text read for the preview.
const previewRead = 16 << 10

// text looks at a text part of the message: the first one gives the body
// preview, and any may hold inline OpenPGP armour.
func (wk *walker) text(e *entity) {
	b, _ := io.ReadAll(io.LimitReader(wk.decoded(e), previewRead))
	if bytes.Contains(b, []byte("-----BEGIN PGP MESSAGE-----")) {
		wk.pgpEncrypted = true
	}
	if bytes.Contains(b, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) {
		wk.pgpSigned = true
	}
	if wk.previewDone || !strings.HasPrefix(e.ctype, "text/") {
		return
	}
	s := toUTF8(b, e.params["charset"])
	if e.ctype == "text/html" {
		s = stripTags(s)
	}
	s = strings.Join(strings.Fields(sanitize(s)), " ")
	if s == "" {
		return
	}
	if r := []rune(s); len(r) > previewRunes {
		s = string(r[:previewRunes]) + "…"
	}
	wk.m.BodyPreview = s
	wk.previewDone = true
}

// toUTF8 converts text from its declared charset; an unknown charset is
// read as UTF-8 and its invalid bytes replaced later.
func toUTF8(b []byte, cs string) string {
	cs = strings.ToLower(strings.TrimSpace(cs))
	if cs == "" || cs == "utf-8" || cs == "us-ascii" {
		return string(b)
	}
	r, err := charsetReader(cs, bytes.NewReader(b))
	if err != nil {
		return string(b)
	}
	out, _ := io.ReadAll(r)
	return string(out)
}

// stripTags removes HTML tags, the content of style and script elements
// and turns the common entities into characters, enough for a preview.
func stripTags(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		lower := strings.ToLower(s[:min(len(s), 8)])
		for _, skip := range []string{"<style", "<script"} {
			if strings.HasPrefix(lower, skip) {
				if j := strings.Index(strings.ToLower(s), "</"+skip[1:]); j >= 0 {
					s = s[j:]
				}
			}
		}
		j := strings.IndexByte(s, '>')
		if j < 0 {
			break
		}
		b.WriteByte(' ')
		s = s[j+1:]
	}
	return htmlEntities.Replace(b.String())
}

var htmlEntities = strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'")
