package pop3

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// ev is one scripted event: C for the client, S for the server, G for a
// gap of n bytes in the direction given by dir.
type ev struct {
	dir  byte
	data string
	gap  int
}

func C(s string) ev                        { return ev{dir: 'C', data: s} }
func S(s string) ev                        { return ev{dir: 'S', data: s} }
func Gap(dir byte, n int) ev               { return ev{dir: dir, gap: n} }
func GapData(dir byte, n int, s string) ev { return ev{dir: dir, gap: n, data: s} }

// tlsRecorder stands for the TLS dissector: it keeps what it was given.
type tlsRecorder struct {
	events []stream.Event
	closed bool
}

func (r *tlsRecorder) Handle(e *stream.Event) {
	c := *e
	c.Data = append([]byte(nil), e.Data...)
	r.events = append(r.events, c)
}
func (r *tlsRecorder) Close(time.Time, int64) { r.closed = true }

// result is what one conversation produced.
type result struct {
	records []record.Record
	s       *session.Session
	tls     *tlsRecorder
}

// play runs a scripted conversation, one frame per event, and closes it.
func play(lim session.Limits, keepRaw bool, script []ev) *result {
	res := &result{tls: &tlsRecorder{}}
	res.s = session.New("s1", stream.Flow{}, lim, func(r record.Record) { res.records = append(res.records, r) },
		func(*session.Session) stream.Handler { return res.tls })
	res.s.KeepRaw = keepRaw
	h := New(res.s)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for i, e := range script {
		dir := stream.ClientToServer
		if e.dir == 'S' {
			dir = stream.ServerToClient
		}
		h.Handle(&stream.Event{Dir: dir, Data: []byte(e.data), Frame: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond), Gap: e.gap})
	}
	h.Close(t0.Add(time.Second), int64(len(script)+1))
	return res
}

func playDefault(script ...ev) *result { return play(session.DefaultLimits(), false, script) }

func (r *result) commands() []*record.Command       { return only[*record.Command](r.records) }
func (r *result) credentials() []*record.Credential { return only[*record.Credential](r.records) }
func (r *result) messages() []*record.Message       { return only[*record.Message](r.records) }
func (r *result) findings() []*record.Finding       { return only[*record.Finding](r.records) }
func (r *result) starttls() []*record.StartTLS      { return only[*record.StartTLS](r.records) }
func (r *result) mailboxes() []*record.Mailbox      { return only[*record.Mailbox](r.records) }

func only[T record.Record](rs []record.Record) []T {
	var out []T
	for _, r := range rs {
		if t, ok := r.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func (r *result) findingIDs() []string {
	var ids []string
	for _, f := range r.findings() {
		ids = append(ids, string(f.ID))
	}
	return ids
}
