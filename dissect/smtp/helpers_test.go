package smtp

import (
	"encoding/base64"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// step is one event of a scripted conversation; its frame is its index+1.
type step struct {
	dir  stream.Direction
	data string
	gap  int
}

func c(s string) step { return step{dir: stream.ClientToServer, data: s} }
func s(s string) step { return step{dir: stream.ServerToClient, data: s} }
func cgap(n int, data string) step {
	return step{dir: stream.ClientToServer, data: data, gap: n}
}
func sgap(n int, data string) step {
	return step{dir: stream.ServerToClient, data: data, gap: n}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// result is what a conversation produced.
type result struct {
	s       *session.Session
	records []record.Record
	tls     []stream.Event // events handed to TLS
}

// tlsRecorder stands in for the TLS dissector: it keeps what it is given.
type tlsRecorder struct{ r *result }

func (t tlsRecorder) Handle(ev *stream.Event) {
	e := *ev
	e.Data = append([]byte(nil), ev.Data...)
	t.r.tls = append(t.r.tls, e)
}
func (tlsRecorder) Close(time.Time, int64) {}

// run plays steps through a new handler and closes it.
func run(t testing.TB, steps []step) *result {
	t.Helper()
	return runWith(t, session.DefaultLimits(), steps)
}

func runWith(t testing.TB, lim session.Limits, steps []step) *result {
	t.Helper()
	r := &result{}
	flow := stream.Flow{Client: netip.MustParseAddrPort("127.0.0.1:40000"), Server: netip.MustParseAddrPort("127.0.0.1:25"), Transport: "tcp"}
	r.s = session.New("s1", flow, lim, func(rec record.Record) { r.records = append(r.records, rec) },
		func(*session.Session) stream.Handler { return tlsRecorder{r} })
	r.s.Proto = "smtp"
	r.s.KeepRaw = true
	h := New(r.s)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for i, st := range steps {
		h.Handle(&stream.Event{Dir: st.dir, Data: []byte(st.data), Gap: st.gap, Frame: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	h.Close(t0.Add(time.Second), int64(len(steps)))
	return r
}

func (r *result) commands() []*record.Command {
	var out []*record.Command
	for _, x := range r.records {
		if v, ok := x.(*record.Command); ok {
			out = append(out, v)
		}
	}
	return out
}

func (r *result) credentials() []*record.Credential {
	var out []*record.Credential
	for _, x := range r.records {
		if v, ok := x.(*record.Credential); ok {
			out = append(out, v)
		}
	}
	return out
}

func (r *result) starttls() []*record.StartTLS {
	var out []*record.StartTLS
	for _, x := range r.records {
		if v, ok := x.(*record.StartTLS); ok {
			out = append(out, v)
		}
	}
	return out
}

func (r *result) messages() []*record.Message {
	var out []*record.Message
	for _, x := range r.records {
		if v, ok := x.(*record.Message); ok {
			out = append(out, v)
		}
	}
	return out
}

func (r *result) findings(id string) []*record.Finding {
	var out []*record.Finding
	for _, x := range r.records {
		if v, ok := x.(*record.Finding); ok && string(v.ID) == id {
			out = append(out, v)
		}
	}
	return out
}

// verbs summarises commands as "VERB status" strings.
func (r *result) verbs() string {
	var out []string
	for _, c := range r.commands() {
		out = append(out, strings.TrimSpace(c.Verb+" "+c.Status))
	}
	return strings.Join(out, ",")
}

// ntlmAuthenticate builds an NTLM AUTHENTICATE (type 3) message in
// Unicode, laid out as MS-NLMP 2.2.1.3 describes.
func ntlmAuthenticate(user, domain, ws string) []byte {
	enc := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	b := make([]byte, 64)
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 3)
	put := func(off int, data []byte) {
		binary.LittleEndian.PutUint16(b[off:], uint16(len(data)))
		binary.LittleEndian.PutUint16(b[off+2:], uint16(len(data)))
		binary.LittleEndian.PutUint32(b[off+4:], uint32(len(b)))
		b = append(b, data...)
	}
	put(12, make([]byte, 24))
	put(20, make([]byte, 48))
	put(28, enc(domain))
	put(36, enc(user))
	put(44, enc(ws))
	put(52, nil)
	binary.LittleEndian.PutUint32(b[60:], 0x00088203)
	return b
}

// ntlmChallenge builds a minimal CHALLENGE (type 2) message.
func ntlmChallenge() []byte {
	b := make([]byte, 48)
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 2)
	binary.LittleEndian.PutUint32(b[20:], 0x00000201)
	copy(b[24:], "\x01\x23\x45\x67\x89\xab\xcd\xef")
	return b
}
