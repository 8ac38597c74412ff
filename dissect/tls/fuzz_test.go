package tls

import (
	gotls "crypto/tls"
	"encoding/binary"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

// encode lays chunks out as the fuzz input format: per chunk a flag byte
// (bit 0: server direction, bit 1: a gap before it), a 2-byte length and
// the bytes.
func encode(chunks []chunk) []byte {
	var out []byte
	for _, c := range chunks {
		flag := byte(c.dir)
		if c.gap > 0 {
			flag |= 2
		}
		out = append(out, flag, byte(len(c.data)>>8), byte(len(c.data)))
		out = append(out, c.data...)
	}
	return out
}

// decode reads the fuzz input format back, cutting a short last chunk.
func decode(b []byte) []chunk {
	var out []chunk
	for len(b) >= 3 {
		flag := b[0]
		n := min(int(binary.BigEndian.Uint16(b[1:3])), len(b)-3)
		c := chunk{dir: stream.Direction(flag & 1), data: b[3 : 3+n]}
		if flag&2 != 0 {
			c.gap = 100
		}
		out = append(out, c)
		b = b[3+n:]
	}
	return out
}

func fuzzSeeds(f *testing.F) {
	cert := certificate(f, "mail.example.test", []string{"mail.example.test"}, captureTime, captureTime.AddDate(1, 0, 0))
	for _, v := range []uint16{gotls.VersionTLS12, gotls.VersionTLS13} {
		chunks, _ := handshake(f, &gotls.Config{InsecureSkipVerify: true, ServerName: "mail.example.test", MaxVersion: v, NextProtos: []string{"imap"}},
			&gotls.Config{Certificates: []gotls.Certificate{cert}})
		f.Add(encode(chunks), true)
		f.Add(encode(chunks), false)
	}
	f.Add(encode([]chunk{{dir: stream.ClientToServer, data: records(typeHandshake, browserHello.message(), 50)}}), true)
	f.Add(encode([]chunk{{dir: stream.ClientToServer, data: []byte("EHLO x\r\n")}}), false)
	f.Add(encode([]chunk{{dir: stream.ClientToServer, data: []byte{0x80, 0x2e, 1, 3, 1, 0, 21, 0, 0, 0, 16}}}), true)
}

func FuzzTLS(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, implicit bool) {
		var evs []stream.Event
		for i, c := range decode(b) {
			evs = append(evs, stream.Event{Dir: c.dir, Data: c.data, Gap: c.gap, Frame: int64(i + 1), Time: captureTime.Add(time.Duration(i))})
		}
		whole := fuzzRun(t, evs, implicit)
		// Where TCP cut the bytes must not matter: the same events in
		// 3-byte pieces of the same frames give the same records.
		if pieces := fuzzRun(t, streamtest.Pieces(evs, 3), implicit); whole != pieces {
			t.Fatalf("records depend on where segments end:\nwhole events:\n%s\n3-byte pieces:\n%s", whole, pieces)
		}
	})
}

// fuzzRun reads evs, checking the bounds of the buffers after each, and
// gives the records as JSON Lines.
func fuzzRun(t *testing.T, evs []stream.Event, implicit bool) string {
	var recs []record.Record
	s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(r record.Record) { recs = append(recs, r) }, nil)
	h := New(s, implicit).(*handler)
	for i := range evs {
		h.Handle(&evs[i])
		for _, sd := range h.sides {
			if len(sd.body) > maxSSLv2Record || len(sd.hs) > maxHandshake+4+maxRecord || len(sd.marks) > maxMarks || len(sd.hsMarks) > maxMarks {
				t.Fatalf("buffers beyond their bounds: body %d hs %d marks %d/%d", len(sd.body), len(sd.hs), len(sd.marks), len(sd.hsMarks))
			}
		}
	}
	h.Close(captureTime, 1)
	return string(recordtest.JSONL(t, recs))
}

// BenchmarkTLS measures a TLS 1.2 session: handshake then 1 MiB of
// application data each way in 16 KiB records, fed in 1460-byte segments.
func BenchmarkTLS(b *testing.B) {
	cert := certificate(b, "mail.example.test", []string{"mail.example.test"}, captureTime, captureTime.AddDate(1, 0, 0))
	hs, _ := handshake(b, &gotls.Config{InsecureSkipVerify: true, ServerName: "mail.example.test", MaxVersion: gotls.VersionTLS12},
		&gotls.Config{Certificates: []gotls.Certificate{cert}})
	payload := records(typeApplicationData, make([]byte, 1<<20), 1<<14)
	var chunks []chunk
	for _, c := range hs {
		chunks = append(chunks, segments(c.dir, c.data)...)
	}
	chunks = append(chunks, segments(stream.ClientToServer, payload)...)
	chunks = append(chunks, segments(stream.ServerToClient, payload)...)
	total := 0
	for _, c := range chunks {
		total += len(c.data)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		h := New(s, true)
		for i := range chunks {
			h.Handle(&stream.Event{Dir: chunks[i].dir, Data: chunks[i].data, Frame: int64(i + 1), Time: captureTime})
		}
		h.Close(captureTime, int64(len(chunks)))
	}
}

// BenchmarkClientHello measures parsing and fingerprinting one browser
// ClientHello.
func BenchmarkClientHello(b *testing.B) {
	msg := browserHello.message()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		ch, err := parseClientHello(msg[4:])
		if err != nil {
			b.Fatal(err)
		}
		ja3(ch)
		ja4(ch)
	}
}

func segments(dir stream.Direction, b []byte) []chunk {
	var out []chunk
	for len(b) > 0 {
		n := min(1460, len(b))
		out = append(out, chunk{dir: dir, data: b[:n]})
		b = b[n:]
	}
	return out
}
