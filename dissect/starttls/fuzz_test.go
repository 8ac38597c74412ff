package starttls

import (
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// FuzzUpgrade feeds hostile held bytes and events after an accepting
// reply: no panic, kept bytes bounded, the attempt reported once.
func FuzzUpgrade(f *testing.F) {
	f.Add([]byte("RSET\r\n"), []byte("250 x\r\n"), []byte(clientHello), true)
	f.Add([]byte(clientHello), []byte(serverHello), []byte("EHLO\r\n"), false)
	f.Add([]byte{}, []byte{0x16}, []byte{0x16, 3}, true)
	f.Fuzz(func(t *testing.T, held, server, client []byte, accept bool) {
		n := 0
		s := session.New("s1", stream.Flow{}, session.DefaultLimits(), func(r record.Record) {
			if _, ok := r.(*record.StartTLS); ok {
				n++
			}
		}, nil)
		u := Request(s, "smtp", nil, 1)
		u.Hold(held, 2, time.Time{})
		if !accept {
			u.Refuse("454 no", 3)
		} else {
			u.Accept("220 go", 3)
		}
		if u.Active() {
			u.Event(&stream.Event{Dir: stream.ServerToClient, Data: server, Frame: 4})
		}
		if u.Active() {
			u.Event(&stream.Event{Dir: stream.ClientToServer, Data: client, Frame: 5})
		}
		u.Settle()
		u.Close(time.Time{}, 6)
		if n != 1 || u.earlyLen > 2*MaxHold || len(u.held) > MaxHold {
			t.Fatalf("%d starttls records, %d kept", n, u.earlyLen)
		}
	})
}
