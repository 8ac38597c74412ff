package tls

import (
	"fmt"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

// FuzzDecrypting runs hostile conversations through a handler that has
// the key log of the seeds: records that do not open, bad inner types,
// key updates at odd places, gaps. Nothing may panic or grow unbounded.
func FuzzDecrypting(f *testing.F) {
	sec := newSecrets(0x10)
	ex := conversation13(f, sec)
	// Small seeds keep the fuzzing engine fast: the hellos and the
	// encrypted flights, whole or cut in segments.
	f.Add(encode(segmentsOf(ex[:8], 1<<15)))
	f.Add(encode(segmentsOf(ex[:8], 200)))
	keys := keyLogFor(sec)
	f.Fuzz(func(t *testing.T, b []byte) {
		var evs []stream.Event
		for i, c := range decode(b) {
			evs = append(evs, stream.Event{Dir: c.dir, Data: c.data, Gap: c.gap, Frame: int64(i + 1), Time: captureTime.Add(time.Duration(i))})
		}
		whole := decrypting(t, keys, evs, len(b))
		// Where TCP cut the bytes must not matter: the same events in
		// 3-byte pieces give the same records and the same plaintext.
		if pieces := decrypting(t, keys, streamtest.Pieces(evs, 3), len(b)); whole != pieces {
			t.Fatalf("what decryption gives depends on where segments end:\nwhole events:\n%s\n3-byte pieces:\n%s", whole, pieces)
		}
	})
}

// decrypting reads evs with the key log, checking the bounds of the
// buffers after each, and tells the records and the plaintext of each
// direction.
func decrypting(t *testing.T, keys *keylog.Log, evs []stream.Event, input int) string {
	var recs []record.Record
	s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(r record.Record) { recs = append(recs, r) }, nil)
	col := &collector{}
	h := NewDecrypting(s, true, Decryption{Keys: keys, Inner: func(*session.Session) stream.Handler { return col }}).(*handler)
	for i := range evs {
		h.Handle(&evs[i])
		for _, sd := range h.sides {
			if len(sd.body) > maxRecord || len(sd.hs) > maxHandshake+4+maxRecord {
				t.Fatalf("buffers beyond their bounds: body %d hs %d", len(sd.body), len(sd.hs))
			}
		}
	}
	h.Close(captureTime, 1)
	var plain [2][]byte
	for _, e := range col.events {
		plain[e.Dir] = append(plain[e.Dir], e.Data...)
	}
	if n := len(plain[0]) + len(plain[1]); n > input {
		t.Fatalf("%d bytes of plaintext from %d bytes of input", n, input)
	}
	return fmt.Sprintf("%s\nclient %q\nserver %q", recordtest.JSONL(t, recs), plain[0], plain[1])
}

// BenchmarkDecrypting measures the whole decrypting handler: a TLS 1.3
// IMAP session with 4 MiB of server data in 16 KiB records, fed in
// 1460-byte segments, the plaintext handed to a dissector that drops it.
func BenchmarkDecrypting(b *testing.B) {
	sec := newSecrets(0x10)
	ex := conversationN(b, sec, 256)
	chunks := segmentsOf(ex, 1460)
	keys := keyLogFor(sec)
	var total int64
	for _, c := range chunks {
		total += int64(len(c.data))
	}
	b.SetBytes(total)
	for b.Loop() {
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		h := NewDecrypting(s, true, Decryption{Keys: keys, Inner: func(*session.Session) stream.Handler { return discardHandler{} }})
		for i := range chunks {
			h.Handle(&stream.Event{Dir: chunks[i].dir, Data: chunks[i].data, Frame: int64(i + 1), Time: captureTime})
		}
		h.Close(captureTime, int64(len(chunks)))
		if !s.Decrypted || len(s.Warnings) > 0 {
			b.Fatalf("not decrypted: %q", s.Warnings)
		}
	}
}

type discardHandler struct{}

func (discardHandler) Handle(*stream.Event)   {}
func (discardHandler) Close(time.Time, int64) {}
