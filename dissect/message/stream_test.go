package message

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/mailwire/mailwire/dissect/record"
)

// streamed analyses raw through a Stream fed in pieces of random sizes.
func streamed(raw []byte, opt Options, rng *rand.Rand) (*record.Message, int) {
	s := NewStream(opt)
	peak := 0
	for len(raw) > 0 {
		n := min(len(raw), 1+rng.Intn(3000))
		if rng.Intn(4) == 0 {
			n = min(len(raw), 1+rng.Intn(7))
		}
		s.Write(raw[:n])
		raw = raw[n:]
		peak = max(peak, s.held())
	}
	return s.Message(), peak
}

func recordJSON(t *testing.T, m *record.Message) string {
	t.Helper()
	m.Raw = nil
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// Warnings are compared by id and arguments, which JSON leaves out.
	w, _ := json.Marshal(func() []string {
		var out []string
		record.WarningLists(m, func(ws []record.Warning) {
			for _, x := range ws {
				out = append(out, x.String())
			}
		})
		return out
	}())
	return string(b) + "\n" + string(w)
}

// streamCases are the messages of the test data and messages built to
// try the stream's edges: nested multiparts, an attachment last without
// its close delimiter, bare LFs, binary and 7bit bodies, a signed part,
// an embedded message, a DKIM signature.
func streamCases(t *testing.T) map[string][]byte {
	t.Helper()
	cases := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "fuzz") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && looksLikeHeader(b) {
			cases[p] = b
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 10 {
		t.Fatalf("only %d messages found in testdata", len(cases))
	}
	att := func(name, cte, body string) string {
		return "Content-Type: application/octet-stream; name=" + name + "\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + body
	}
	big := string(bigAttachment(200 << 10))
	cases["big"] = []byte(big)
	cases["nested"] = []byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=out\r\n\r\npreamble\r\n--out\r\n" +
		"Content-Type: multipart/alternative; boundary=\"in\"\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\nhello\r\n--in\r\n" +
		att("a.bin", "base64", "QUJD\r\nREVG\r\n") + "\r\n--in--\r\nepilogue\r\n--out\r\n" +
		att("b.bin", "7bit", "line one\r\nline two\r\n\r\n") + "\r\n--out\r\n" +
		att("c.bin", "binary", "\x00\x01\r\n\r\x02") + "\r\n--out--\r\n")
	cases["unclosed"] = []byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n" + att("d.gif", "base64", "R0lGODlh\r\nAQAB") + "\r\n")
	cases["outer-ends-inner"] = []byte("Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n" +
		att("e.bin", "base64", "QUJD\r\n") + "\r\n--o\r\n" + att("f.bin", "8bit", "x\r\n") + "\r\n--o--\r\n")
	cases["bare-lf"] = []byte(strings.ReplaceAll(string(cases["nested"]), "\r\n", "\n"))
	cases["signed"] = []byte("Content-Type: multipart/signed; boundary=s; protocol=\"application/pkcs7-signature\"\r\n\r\n--s\r\n" +
		"Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n" + att("g.bin", "base64", "QUJD\r\n") + "\r\n--m--\r\n\r\n--s--\r\n")
	cases["embedded"] = []byte("Content-Type: multipart/mixed; boundary=e\r\n\r\n--e\r\nContent-Type: message/rfc822\r\n\r\n" +
		"Subject: inner\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\n--f\r\n" + att("h.bin", "base64", "QUJD\r\n") + "\r\n--f--\r\n\r\n--e--\r\n")
	cases["dkim"] = append([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=lab.fr; s=x; bh=abc; h=from; b=xyz\r\n"), cases["nested"]...)
	// Signatures whose body hash matches, with both canonicalizations and
	// a length limit, over a body with attachments read on the way.
	_, body, _ := bytes.Cut(cases["nested"], []byte("\r\n\r\n"))
	body = append(body, " trailing \t \r\n\r\n \r\n"...)
	bh := func(relaxed bool, limit int64) string {
		c := &bodyCheck{h: sha256.New(), relaxed: relaxed, limit: limit}
		c.write(canonBody(body, relaxed))
		return base64.StdEncoding.EncodeToString(c.h.Sum(nil))
	}
	head, _, _ := bytes.Cut(cases["nested"], []byte("\r\n\r\n"))
	sig := "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=lab.fr; s=x; bh=" + bh(true, -1) + "; h=from; b=x\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=lab.fr; s=x; bh=" + bh(false, -1) + "; h=from; b=x\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; l=40; d=lab.fr; s=x; bh=" + bh(false, 40) + "; h=from; b=x\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha1; d=lab.fr; s=x; bh=" + bh(false, -1) + "; h=from; b=x\r\n"
	cases["dkim-signed"] = []byte(sig + string(head) + "\r\n\r\n" + string(body))
	if m := Analyze(cases["dkim-signed"], Options{}); len(m.DKIM) != 4 || m.DKIM[0].BodyHash != "match" || m.DKIM[1].BodyHash != "match" ||
		m.DKIM[2].BodyHash != "match" || m.DKIM[3].BodyHash != "mismatch" {
		t.Fatalf("the DKIM case does not check out whole: %+v", m.DKIM)
	}
	cases["delimiter-lookalikes"] = []byte("Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n" +
		att("i.bin", "7bit", "--zz\r\n --z\r\n--z x\r\n") + "\r\n--z \t\r\n" + att("j.bin", "base64", "QQ==QkM=\r\n") + "\r\n--z--  \r\n")
	cases["no-blank-line"] = []byte("Content-Type: multipart/mixed; boundary=n\r\n\r\n--n\r\nContent-Type: image/gif; name=k.gif\r\n--n\r\n" +
		att("l.bin", "base64", "QUJD") + "\r\n--n--")
	cases["header-only"] = []byte("Subject: no body\r\nContent-Type: image/gif; name=top.gif\r\nContent-Transfer-Encoding: base64\r\n\r\nR0lGODlh\r\n")
	text := strings.Repeat("Le rapport de mission, ligne après ligne, en français.\r\n", 3000)
	cases["big-text"] = []byte("Subject: long\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text)
	cases["big-text-parts"] = []byte("Content-Type: multipart/alternative; boundary=t\r\n\r\n--t\r\nContent-Type: text/plain\r\n\r\n" + text +
		"\r\n--t\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		strings.Repeat("PGI+Ym9uam91cjwvYj4gPGk+dG91dCBsZSBtb25kZTwvaT4gJmFtcDsgYXUgcmV2b2lyIQ==\r\n", 4000) + "--t--\r\n")
	cases["one-long-line"] = []byte("Content-Type: text/plain\r\n\r\n" + strings.Repeat("x", 300<<10) + "\r\nend\r\n")
	qp := strings.Repeat("Caf=C3=A9 cr=C3=A8me, ligne longue de texte accentu=C3=A9 =\r\n", 2000) +
		strings.Repeat("x", 5000) + "=3D=\r\n" + strings.Repeat("=41", 3000) + "  \t\r\nfin=\r\n"
	cases["qp-big"] = []byte("Content-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n--p\r\nContent-Type: application/pdf; name=a.pdf\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n--p--\r\n")
	var many strings.Builder
	many.WriteString("Content-Type: multipart/mixed; boundary=m\r\n\r\n")
	for i := 0; i < 1100; i++ {
		many.WriteString("--m\r\n" + att("p.bin", "base64", "QUJD\r\n") + "\r\n")
	}
	many.WriteString("--m--\r\n")
	cases["more-parts-than-walked"] = []byte(many.String())
	cases["qp-text"] = []byte("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 cr=\r\n=C3=A8me\r\n")
	for name, raw := range embeddedCases(att) {
		cases[name] = raw
		cases[name+"-lf"] = []byte(strings.ReplaceAll(string(raw), "\r\n", "\n"))
	}
	return cases
}

// embeddedCases are messages with embedded messages, which a stream
// reads as their own header and parts.
func embeddedCases(att func(name, cte, body string) string) map[string][]byte {
	fwd := func(disp, cte, inner string) string {
		return "Content-Type: message/rfc822\r\n" + disp + cte + "\r\n" + inner
	}
	const asFile = "Content-Disposition: attachment; filename=\"fwd.eml\"\r\n"
	inner := "From: bond@mi6.uk\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\npre\r\n--f\r\n" +
		"Content-Type: text/plain\r\n\r\nhello from inside\r\n--f\r\n" + att("h.bin", "base64", "QUJD\r\nREVG\r\n") + "\r\n--f--\r\nepi\r\n"
	out := func(parts ...string) []byte {
		b := "From: a@b\r\nContent-Type: multipart/mixed; boundary=e\r\n\r\n"
		for _, p := range parts {
			b += "--e\r\n" + p + "\r\n"
		}
		return []byte(b + "--e--\r\n")
	}
	text := "Content-Type: text/plain\r\n\r\nsee the forwarded mail\r\n"
	return map[string][]byte{
		"embedded-attached": out(text, fwd(asFile, "", inner), att("z.bin", "7bit", "after\r\n")),
		"embedded-inline":   out(text, fwd("", "Content-Transfer-Encoding: 8bit\r\n", inner)),
		"embedded-in-embedded": out(fwd(asFile, "", "Subject: outer fwd\r\nContent-Type: multipart/mixed; boundary=g\r\n\r\n--g\r\n"+
			fwd(asFile, "", inner)+"\r\n--g--\r\n")),
		// The outer delimiter ends the embedded message and its parts,
		// however far they went.
		"embedded-cut-by-outer": out(fwd(asFile, "", "Subject: cut\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\n--f\r\n"+
			att("c.bin", "base64", "QUJD\r\n")), text),
		"embedded-cut-in-header": out(fwd(asFile, "", "Subject: cut\r\nX-Long: a"), text),
		"embedded-same-boundary": out(fwd(asFile, "", "Content-Type: multipart/mixed; boundary=e\r\n\r\n--e\r\n"+att("s.bin", "base64", "QUJD\r\n")+"\r\n--e--\r\n")),
		"embedded-base64": out(fwd(asFile, "Content-Transfer-Encoding: base64\r\n",
			base64.StdEncoding.EncodeToString([]byte(inner))+"\r\n")),
		"embedded-not-a-header": out(fwd(asFile, "", "just text, no header\r\n\r\nmore\r\n")),
		"embedded-empty":        out(fwd(asFile, "", ""), text),
		"embedded-unclosed":     []byte("Content-Type: multipart/mixed; boundary=e\r\n\r\n--e\r\n" + fwd(asFile, "", inner)),
		"digest":                []byte("Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n" + inner + "\r\n--d\r\n\r\nSubject: two\r\n\r\nbody\r\n--d--\r\n"),
	}
}

// TestStreamGivesTheRecordOfAnalyze: fed in any pieces, a Stream gives
// exactly the record Analyze gives the whole message.
func TestStreamGivesTheRecordOfAnalyze(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for name, raw := range streamCases(t) {
		for _, opt := range []Options{{}, {MaxAttachment: 100}, {KeepRaw: true}} {
			want := recordJSON(t, Analyze(raw, opt))
			for try := 0; try < 5; try++ {
				m, _ := streamed(raw, opt, rng)
				if got := recordJSON(t, m); got != want {
					t.Fatalf("%s (%+v): the streamed record differs:\n got %s\nwant %s", name, opt, got, want)
				}
			}
		}
	}
}

// TestStreamHoldsNoAttachment: a 20 MiB attachment goes by without being
// held, DKIM signature or not; the message's text and headers are.
func TestStreamHoldsNoAttachment(t *testing.T) {
	plain := bigAttachment(20 << 20)
	signed := append([]byte("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=lab.fr; s=x; bh=AAAA; h=from; b=x\r\n"), plain...)
	// Forwarded as an attachment: the .eml and the file inside it.
	forwarded := slices.Concat([]byte("Subject: fwd\r\nContent-Type: multipart/mixed; boundary=w\r\n\r\n--w\r\n"+
		"Content-Type: message/rfc822; name=fwd.eml\r\n\r\n"), plain, []byte("\r\n--w--\r\n"))
	for _, raw := range [][]byte{plain, signed, forwarded} {
		m, peak := streamed(raw, Options{}, rand.New(rand.NewSource(1)))
		want := Analyze(raw, Options{})
		if len(m.Attachments) != len(want.Attachments) || m.Attachments[0].SHA256 != want.Attachments[0].SHA256 || m.Size != int64(len(raw)) {
			t.Fatalf("attachments %+v, size %d; want %+v, %d", m.Attachments, m.Size, want.Attachments, len(raw))
		}
		if fmt.Sprint(m.DKIM) != fmt.Sprint(want.DKIM) {
			t.Errorf("DKIM %+v, want %+v", m.DKIM, want.DKIM)
		}
		if peak > 4<<10 {
			t.Errorf("held %d bytes at most of a %d-byte message; want under 4 KiB", peak, len(raw))
		}
	}
}

// FuzzStream: whatever the bytes and however they are cut, the stream
// gives the record Analyze gives.
func FuzzStream(f *testing.F) {
	for _, raw := range []string{
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: image/gif; name=a\r\nContent-Transfer-Encoding: base64\r\n\r\nR0lG\r\n--x--\r\n",
		"Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: application/pdf\n\n%PDF\n--x\n\n--x--",
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822; name=f.eml\r\n\r\n" +
			"Content-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n--x--\r\n",
		"DKIM-Signature: a=rsa-sha256; c=relaxed/relaxed; l=9; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\r\n" +
			"Content-Type: text/plain\r\n\r\n  a \t b  \r\n\r\n",
	} {
		f.Add([]byte(raw), int64(1))
	}
	f.Fuzz(func(t *testing.T, raw []byte, seed int64) {
		want := recordJSON(t, Analyze(raw, Options{MaxAttachment: 64}))
		m, _ := streamed(bytes.Clone(raw), Options{MaxAttachment: 64}, rand.New(rand.NewSource(seed)))
		if got := recordJSON(t, m); got != want {
			t.Fatalf("streamed record differs:\n got %s\nwant %s", got, want)
		}
	})
}

// A message too large to keep in memory for extraction, where no
// temporary file can be made, says so instead of going without its bytes.
func TestMessageNotKeptIsAWarning(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	raw := bigAttachment(2 << 20)
	m, _ := streamed(raw, Options{KeepRaw: true}, rand.New(rand.NewSource(1)))
	if m.Raw != nil || m.RawFile != nil || len(m.Attachments) != 1 {
		t.Fatalf("raw %d bytes, file %v, %d attachments", len(m.Raw), m.RawFile, len(m.Attachments))
	}
	for _, w := range m.Warnings {
		if w.ID == record.WarnMessageNotKept && strings.Contains(w.Args["error"], "missing") {
			return
		}
	}
	t.Fatalf("no %s warning: %v", record.WarnMessageNotKept, m.Warnings)
}

// TestExtractWritesTheFilesOfTheWholeMessage: extracting as the bytes
// arrive writes the files, in the order and with the bytes, that the
// walk of the whole message writes.
func TestExtractWritesTheFilesOfTheWholeMessage(t *testing.T) {
	files := func(run func(save func(a *record.Attachment) (io.WriteCloser, error)) error) []string {
		var out []string
		err := run(func(a *record.Attachment) (io.WriteCloser, error) {
			i := len(out)
			out = append(out, a.Filename+":")
			return writerFunc(func(p []byte) { out[i] += string(p) }), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for name, raw := range streamCases(t) {
		whole := files(func(save func(a *record.Attachment) (io.WriteCloser, error)) error {
			_, err := analyze(raw, Options{}, save)
			return err
		})
		got := files(func(save func(a *record.Attachment) (io.WriteCloser, error)) error {
			_, err := Extract(iotest.OneByteReader(bytes.NewReader(raw)), Options{}, save)
			return err
		})
		if !slices.Equal(got, whole) {
			t.Errorf("%s: extracted %d files, the whole message gives %d (or their bytes differ)\n%q\n%q", name, len(got), len(whole), got, whole)
		}
	}
}

type writerFunc func([]byte)

func (w writerFunc) Write(p []byte) (int, error) { w(p); return len(p), nil }
func (w writerFunc) Close() error                { return nil }

// FuzzDashLine: dashLine finds what a search for "\n-" finds.
func FuzzDashLine(f *testing.F) {
	f.Add([]byte("QUJD\r\nREVG\r\n--b--\r\n"))
	f.Add([]byte("a-b\n-c"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := dashLine(p), bytes.Index(p, []byte("\n-")); got != want {
			t.Fatalf("dashLine(%q) = %d, want %d", p, got, want)
		}
	})
}
