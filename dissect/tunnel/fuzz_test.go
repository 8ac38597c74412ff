package tunnel

import (
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

type sink struct{ n int }

func (k *sink) Handle(ev *stream.Event) { k.n += len(ev.Data) }
func (*sink) Close(time.Time, int64)    {}

// FuzzHandshake feeds hostile bytes of both directions, cut at any point:
// no panic, the handshake buffers stay bounded.
func FuzzHandshake(f *testing.F) {
	f.Add([]byte("\x05\x02\x00\x02"), []byte("\x05\x02"), []byte("\x01\x03bob\x02pw\x05\x01\x00\x03\x02mx\x00\x19"), 3)
	f.Add([]byte("\x04\x01\x00\x19\x00\x00\x00\x01u\x00host\x00"), []byte("\x00\x5a\x00\x00\x00\x00\x00\x00220 hi\r\n"), []byte("EHLO x\r\n"), 1)
	f.Add([]byte("CONNECT a:25 HTTP/1.1\r\nProxy-Authorization: Basic #\r\n\r\n"), []byte("HTTP/1.1 200 OK\r\n\r\n"), []byte("x"), 5)
	f.Fuzz(func(t *testing.T, c1, s1, c2 []byte, cut int) {
		kind := Detect(c1)
		if kind == "" {
			kind = SOCKS5
		}
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(record.Record) {}, nil)
		k := &sink{}
		h := New(s, kind, func() stream.Handler { return k })
		cut = max(0, min(cut, len(c1)))
		frame := int64(1)
		for _, ev := range []stream.Event{
			{Dir: stream.ClientToServer, Data: c1[:cut]}, {Dir: stream.ClientToServer, Data: c1[cut:]},
			{Dir: stream.ServerToClient, Data: s1}, {Dir: stream.ClientToServer, Data: c2},
		} {
			ev.Frame = frame
			frame++
			h.Handle(&ev)
		}
		h.Close(time.Time{}, frame)
		if h.in[0].size > maxHandshake || h.in[1].size > maxHandshake {
			t.Fatalf("handshake buffers %d, %d", h.in[0].size, h.in[1].size)
		}
		_ = h.Tunnel()
	})
}
