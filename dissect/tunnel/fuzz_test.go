package tunnel

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

// sink is the conversation inside the tunnel: what it got, each
// direction's bytes in order.
type sink struct{ got [2][]byte }

func (k *sink) Handle(ev *stream.Event) { k.got[ev.Dir] = append(k.got[ev.Dir], ev.Data...) }
func (*sink) Close(time.Time, int64)    {}

// FuzzHandshake feeds hostile bytes of both directions, cut at any point:
// no panic, the handshake buffers stay bounded, and the same events cut
// in 2-byte pieces give the same records and the same bytes inside.
func FuzzHandshake(f *testing.F) {
	f.Add([]byte("\x05\x02\x00\x02"), []byte("\x05\x02"), []byte("\x01\x03bob\x02pw\x05\x01\x00\x03\x02mx\x00\x19"), 3)
	f.Add([]byte("\x04\x01\x00\x19\x00\x00\x00\x01u\x00host\x00"), []byte("\x00\x5a\x00\x00\x00\x00\x00\x00220 hi\r\n"), []byte("EHLO x\r\n"), 1)
	f.Add([]byte("CONNECT a:25 HTTP/1.1\r\nProxy-Authorization: Basic #\r\n\r\n"), []byte("HTTP/1.1 200 OK\r\n\r\n"), []byte("x"), 5)
	f.Fuzz(func(t *testing.T, c1, s1, c2 []byte, cut int) {
		kind := Detect(c1)
		if kind == "" {
			kind = SOCKS5
		}
		cut = max(0, min(cut, len(c1)))
		evs := []stream.Event{
			{Dir: stream.ClientToServer, Data: c1[:cut], Frame: 1}, {Dir: stream.ClientToServer, Data: c1[cut:], Frame: 2},
			{Dir: stream.ServerToClient, Data: s1, Frame: 3}, {Dir: stream.ClientToServer, Data: c2, Frame: 4},
		}
		whole := handshake(t, kind, evs)
		if pieces := handshake(t, kind, streamtest.Pieces(evs, 2)); whole != pieces {
			t.Fatalf("what the handshake gives depends on where segments end:\nwhole events:\n%s\n2-byte pieces:\n%s", whole, pieces)
		}
	})
}

// handshake reads evs through a tunnel of kind, checking its bounds, and
// tells its records and what reached the conversation inside.
func handshake(t *testing.T, kind string, evs []stream.Event) string {
	var recs []record.Record
	s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(r record.Record) { recs = append(recs, r) }, nil)
	k := &sink{}
	h := New(s, kind, func() stream.Handler { return k })
	for i := range evs {
		h.Handle(&evs[i])
	}
	h.Close(time.Time{}, 5)
	if h.in[0].size > maxHandshake || h.in[1].size > maxHandshake {
		t.Fatalf("handshake buffers %d, %d", h.in[0].size, h.in[1].size)
	}
	tun, _ := json.Marshal(h.Tunnel())
	return string(recordtest.JSONL(t, recs)) + "tunnel " + string(tun) + "\ninside: client " + string(k.got[0]) + " | server " + string(k.got[1]) + "\n"
}
