package imap

import (
	"bytes"
	"compress/flate"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
)

// deflater compresses one direction the way RFC 4978 peers do: one raw
// deflate stream, flushed after each command or response.
type deflater struct {
	buf bytes.Buffer
	w   *flate.Writer
}

func newDeflater() *deflater {
	d := &deflater{}
	d.w, _ = flate.NewWriter(&d.buf, flate.DefaultCompression)
	return d
}

func (d *deflater) flush(s string) string {
	d.w.Write([]byte(s))
	d.w.Flush()
	out := d.buf.String()
	d.buf.Reset()
	return out
}

func TestCompressDeflateBothDirections(t *testing.T) {
	cz, sz := newDeflater(), newDeflater()
	body := "Subject: compressed\r\n\r\n" + strings.Repeat("the same line again\r\n", 200)
	// Built in wire order: each direction is one deflate stream.
	pieces := []piece{
		c("a COMPRESS DEFLATE\r\n"),
		sv("a OK DEFLATE active\r\n" + sz.flush("* 1 EXISTS\r\n")),
		c(cz.flush("b SELECT INBOX\r\n")),
		sv(sz.flush("b OK done\r\n")),
		c(cz.flush("c FETCH 1 BODY[]\r\n")),
	}
	fetchResp := sz.flush("* 1 FETCH (BODY[] " + lit(body) + ")\r\nc OK done\r\n")
	pieces = append(pieces,
		sv(fetchResp[:len(fetchResp)/2]), // split inside the flushed run
		sv(fetchResp[len(fetchResp)/2:]),
		c(cz.flush("d LOGIN bob secret\r\n")),
		sv(sz.flush("d OK logged in\r\n")),
	)
	r := runDefault(t, pieces...)
	verbs := ""
	for _, c := range r.commands() {
		verbs += c.Verb + ":" + c.Status + " "
	}
	if verbs != "COMPRESS:OK SELECT:OK FETCH:OK LOGIN:OK " {
		t.Fatalf("commands %s\n%s", verbs, r.dump())
	}
	m := r.messages()
	if len(m) != 1 || m[0].Subject != "compressed" || m[0].Size != int64(len(body)) {
		t.Fatalf("%s", r.dump())
	}
	if cr := r.creds(); len(cr) != 1 || cr[0].Password != "secret" {
		t.Fatalf("%s", r.dump())
	}
}

func TestCompressRefusedStaysClear(t *testing.T) {
	r := runDefault(t,
		c("a COMPRESS DEFLATE\r\n"), sv("a NO [COMPRESSIONACTIVE] already\r\n"),
		c("b NOOP\r\n"), sv("b OK done\r\n"),
	)
	if r.command(t, "NOOP").Status != "OK" {
		t.Fatalf("%s", r.dump())
	}
}

func TestCompressGarbageIsWarnedNotFatal(t *testing.T) {
	r := runDefault(t,
		c("a COMPRESS DEFLATE\r\n"), sv("a OK on\r\n"),
		c("\xff\xff\xff\xff\x00\x00\xff\xff"), sv("\x07garbage\x00\x00\xff\xff"),
	)
	if len(r.s.Warnings) == 0 {
		t.Fatalf("%s", r.dump())
	}
}

func TestCompressBombIsBounded(t *testing.T) {
	sz := newDeflater()
	bomb := sz.flush("* 1 FETCH (BODY[] {100000000}\r\n" + strings.Repeat("\x00", 4<<20))
	lim := session.DefaultLimits()
	lim.MaxMessage = 1 << 20
	r := run(t, lim,
		c("a COMPRESS DEFLATE\r\n"), sv("a OK on\r\n"+bomb),
		c("b NOOP\r\n"),
	)
	if !strings.Contains(strings.Join(recordtest.Texts(r.s.Warnings), ";"), "inflates to more than") {
		t.Fatalf("%q", r.s.Warnings)
	}
}
