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

// bytes are what TLS got, each direction's in order.
func (r *tlsRecorder) bytes() string {
	var c, s []byte
	for _, e := range r.events {
		if e.Dir == stream.ClientToServer {
			c = append(c, e.Data...)
		} else {
			s = append(s, e.Data...)
		}
	}
	return string(c) + "|" + string(s)
}

// result is what one conversation produced.
type result struct {
	records []record.Record
	s       *session.Session
	tls     *tlsRecorder
}

// play runs a scripted conversation, one frame per event, and closes it.
func play(lim session.Limits, keepRaw bool, script []ev) *result {
	return playEvents(lim, keepRaw, events(script))
}

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// events are the script's events, one frame each.
func events(script []ev) []stream.Event {
	evs := make([]stream.Event, len(script))
	for i, e := range script {
		dir := stream.ClientToServer
		if e.dir == 'S' {
			dir = stream.ServerToClient
		}
		evs[i] = stream.Event{Dir: dir, Data: []byte(e.data), Frame: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond), Gap: e.gap}
	}
	return evs
}

func playEvents(lim session.Limits, keepRaw bool, evs []stream.Event) *result {
	res := &result{tls: &tlsRecorder{}}
	res.s = session.New("s1", stream.Flow{}, lim, func(r record.Record) { res.records = append(res.records, r) },
		func(*session.Session) stream.Handler { return res.tls })
	res.s.KeepRaw = keepRaw
	h := New(res.s)
	for i := range evs {
		h.Handle(&evs[i])
	}
	var last int64
	if len(evs) > 0 {
		last = evs[len(evs)-1].Frame
	}
	h.Close(t0.Add(time.Second), last+1)
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
