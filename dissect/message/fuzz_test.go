package message

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzAnalyze feeds arbitrary messages to the analyser: it must never
// panic, and must always return the fields the contract requires.
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.eml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nx\n--c--\n--b--\n"))
	f.Add(crlf("Content-Type: text/plain; charset*=x'y'%zz; name*0*=UTF-8''%C3; name*1=\"\"\n\n"))
	f.Add(crlf("Content-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: quoted-printable\n\n%PDF=2D1.4=\n=ZZ=e9 \nend="))
	f.Add(crlf("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=lab.example; s=sel;\n h=from:subject:from; bh=AAAA; b=AAAA\nFrom: a@lab.example\nSubject: x\n  folded\n\nbody\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := Analyze(raw, Options{MaxAttachment: 1 << 16, KeepRaw: true})
		if m.Attachments == nil || m.To == nil || m.SMIME == "" || m.Size != int64(len(raw)) {
			t.Fatalf("contract fields missing: %+v", m)
		}
		for _, a := range m.Attachments {
			if !utf8.ValidString(a.Filename) || !utf8.ValidString(a.ContentType) || len(a.Filename) > maxValue+3 {
				t.Fatalf("attachment name or type not clean: %q %q", a.Filename, a.ContentType)
			}
		}
		for _, s := range append([]string{m.Subject, m.From, m.BodyPreview}, m.MIME...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
		TypeFindings(m)
	})
}
