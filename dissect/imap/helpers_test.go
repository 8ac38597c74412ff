package imap

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// result is what one conversation produced.
type result struct {
	s       *session.Session
	records []record.Record
	tlsData [2][]byte // bytes handed to the TLS handler, by direction
	tlsAt   int64
}

// piece is one event of a test conversation: "C:" or "S:" then the bytes;
// a piece with gap > 0 is a capture gap.
type piece struct {
	dir   stream.Direction
	data  string
	gap   int
	frame int64 // the frame number, when not the piece's position
}

func c(s string) piece  { return piece{dir: stream.ClientToServer, data: s} }
func sv(s string) piece { return piece{dir: stream.ServerToClient, data: s} }

// tlsRecorder stands for the TLS dissector.
type tlsRecorder struct{ r *result }

func (t tlsRecorder) Handle(ev *stream.Event) {
	t.r.tlsData[ev.Dir] = append(t.r.tlsData[ev.Dir], ev.Data...)
}
func (tlsRecorder) Close(time.Time, int64) {}

// run feeds the pieces, one frame each, and closes the conversation.
func run(t testing.TB, lim session.Limits, pieces ...piece) *result {
	t.Helper()
	r := &result{}
	s := session.New("s1", stream.Flow{}, lim, func(rec record.Record) { r.records = append(r.records, rec) },
		func(*session.Session) stream.Handler { return tlsRecorder{r} })
	r.s = s
	h := New(s)
	for i, p := range pieces {
		ev := &stream.Event{Dir: p.dir, Data: []byte(p.data), Frame: int64(i + 1), Gap: p.gap}
		if p.frame > 0 {
			ev.Frame = p.frame
		}
		h.Handle(ev)
	}
	h.Close(time.Time{}, int64(len(pieces)))
	r.tlsAt = s.TLSFrame()
	for _, rec := range r.records {
		if bad := controlIn(reflect.ValueOf(rec), ""); bad != "" {
			t.Errorf("raw control character in %s.%s", rec.Kind(), bad)
		}
	}
	return r
}

// controlIn returns the name of a string field holding a control
// character; Password is the secret itself and kept exact.
func controlIn(v reflect.Value, name string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return controlIn(v.Elem(), name)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Name == "Password" || f.Name == "Raw" || !f.IsExported() {
				continue
			}
			if bad := controlIn(v.Field(i), f.Name); bad != "" {
				return bad
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if bad := controlIn(v.Index(i), name); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if bad := controlIn(v.MapIndex(k), name); bad != "" {
				return bad
			}
		}
	case reflect.String:
		for _, r := range v.String() {
			if r < 0x20 || r == 0x7f {
				return name
			}
		}
	}
	return ""
}

func runDefault(t testing.TB, pieces ...piece) *result {
	return run(t, session.DefaultLimits(), pieces...)
}

func (r *result) commands() []*record.Command {
	var out []*record.Command
	for _, x := range r.records {
		if c, ok := x.(*record.Command); ok {
			out = append(out, c)
		}
	}
	return out
}

func (r *result) creds() []*record.Credential {
	var out []*record.Credential
	for _, x := range r.records {
		if c, ok := x.(*record.Credential); ok {
			out = append(out, c)
		}
	}
	return out
}

func (r *result) mailboxes() []*record.Mailbox {
	var out []*record.Mailbox
	for _, x := range r.records {
		if c, ok := x.(*record.Mailbox); ok {
			out = append(out, c)
		}
	}
	return out
}

func (r *result) messages() []*record.Message {
	var out []*record.Message
	for _, x := range r.records {
		if c, ok := x.(*record.Message); ok {
			out = append(out, c)
		}
	}
	return out
}

func (r *result) starttls() []*record.StartTLS {
	var out []*record.StartTLS
	for _, x := range r.records {
		if c, ok := x.(*record.StartTLS); ok {
			out = append(out, c)
		}
	}
	return out
}

func (r *result) findings() map[string]*record.Finding {
	out := map[string]*record.Finding{}
	for _, x := range r.records {
		if f, ok := x.(*record.Finding); ok {
			out[string(f.ID)] = f
		}
	}
	return out
}

// command returns the command with this verb, failing the test if absent.
func (r *result) command(t testing.TB, verb string) *record.Command {
	t.Helper()
	for _, c := range r.commands() {
		if c.Verb == verb {
			return c
		}
	}
	t.Fatalf("no %s command in %s", verb, r.dump())
	return nil
}

// dump shows the records for a failure message.
func (r *result) dump() string {
	var sb strings.Builder
	for _, x := range r.records {
		b, _ := json.Marshal(x)
		sb.WriteString("\n" + x.Kind() + " " + string(b))
	}
	sb.WriteString("\nwarnings: " + strings.Join(recordtest.Texts(r.s.Warnings), "; "))
	return sb.String()
}
