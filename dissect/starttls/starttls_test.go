package starttls

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

const clientHello = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"
const serverHello = "\x16\x03\x03\x00\x05\x02\x00\x00\x01\x00"

type recorder struct {
	records []record.Record
	tls     []int64 // frames handed to TLS
}

func (r *recorder) Handle(ev *stream.Event) { r.tls = append(r.tls, ev.Frame) }
func (*recorder) Close(time.Time, int64)    {}

func newSession(r *recorder) *session.Session {
	return session.New("s1", stream.Flow{}, session.DefaultLimits(), func(rec record.Record) { r.records = append(r.records, rec) },
		func(*session.Session) stream.Handler { return r })
}

func (r *recorder) starttls(t *testing.T) record.StartTLS {
	t.Helper()
	var out []record.StartTLS
	for _, rec := range r.records {
		if st, ok := rec.(*record.StartTLS); ok {
			out = append(out, *st)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d starttls records", len(out))
	}
	return out[0]
}

func (r *recorder) findings() []string {
	var ids []string
	for _, rec := range r.records {
		if f, ok := rec.(*record.Finding); ok {
			ids = append(ids, string(f.ID))
		}
	}
	return ids
}

func cli(frame int64, s string) *stream.Event {
	return &stream.Event{Dir: stream.ClientToServer, Data: []byte(s), Frame: frame}
}

func srv(frame int64, s string) *stream.Event {
	return &stream.Event{Dir: stream.ServerToClient, Data: []byte(s), Frame: frame}
}

func TestUpgradeAfterAccept(t *testing.T) {
	tests := []struct {
		name     string
		held     string
		after    []*stream.Event
		want     record.StartTLS
		security record.Security
		tls      []int64
		replay   []int64 // frames given back to be read as cleartext
		findings []string
	}{
		{"TLSFollows", "", []*stream.Event{cli(3, clientHello), srv(4, serverHello)},
			record.StartTLS{Accepted: true, TLSSeen: true, TLSPacket: 3},
			session.StartTLS, []int64{3, 4}, nil, nil},
		{"ImpatientClientHello", clientHello, []*stream.Event{srv(4, serverHello)},
			record.StartTLS{Accepted: true, TLSSeen: true, TLSPacket: 2},
			session.StartTLS, []int64{2, 4}, nil, nil},
		{"ClientGoesOnInClear", "", []*stream.Event{cli(3, "EHLO me\r\n"), srv(4, "250 ok\r\n")},
			record.StartTLS{Accepted: true},
			session.StartTLSFailed, nil, []int64{3, 4}, []string{"starttls-not-tls"}}, // once plain, events come back as they are
		{"ClearAfterClientInjection", "RSET\r\n", []*stream.Event{cli(3, "QUIT\r\n")},
			record.StartTLS{Accepted: true, PlaintextInjection: "RSET\\r\\n", InjectionSide: "client"},
			session.StartTLSFailed, nil, []int64{2, 3}, []string{"starttls-plaintext-injection", "starttls-not-tls"}},
		{"ServerInjectionIsNotTLS", "", []*stream.Event{srv(3, "250 injected\r\n"), cli(4, clientHello)},
			record.StartTLS{Accepted: true, TLSSeen: true, TLSPacket: 4, PlaintextInjection: "250 injected\\r\\n", InjectionSide: "server"},
			session.StartTLS, []int64{4}, nil, []string{"starttls-plaintext-injection"}},
		{"ServerInjectionInPiecesIsQuotedWhole", "", []*stream.Event{srv(3, "25"), srv(3, "0 inj"), srv(5, "ected\r\n"), cli(6, clientHello)},
			record.StartTLS{Accepted: true, TLSSeen: true, TLSPacket: 6, PlaintextInjection: "250 injected\\r\\n", InjectionSide: "server"},
			session.StartTLS, []int64{6}, nil, []string{"starttls-plaintext-injection"}},
		{"ServerTLSInOneBytePiecesIsNotInjection", "", []*stream.Event{srv(3, serverHello[:1]), srv(4, serverHello[1:2]), srv(5, serverHello[2:])},
			record.StartTLS{Accepted: true, TLSSeen: true, TLSPacket: 3},
			session.StartTLS, []int64{3, 4, 5}, nil, nil},
		{"ClientLineInPiecesIsQuotedWhole", "", []*stream.Event{cli(3, "EHL"), cli(4, "O me"), cli(5, "\r\nQUIT\r\n")},
			record.StartTLS{Accepted: true},
			session.StartTLSFailed, nil, []int64{3, 4, 5}, []string{"starttls-not-tls"}},
		{"ShortClientBytesWait", "", []*stream.Event{cli(3, "\x16"), cli(4, "\x03\x01\x00\x05")},
			record.StartTLS{Accepted: true, TLSSeen: true, TLSPacket: 3},
			session.StartTLS, []int64{3, 4}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			s := newSession(r)
			u := Request(s, "smtp", nil, 1)
			u.Hold([]byte(tt.held), 2, time.Time{})
			u.Accept("220 go", 2)
			var replay []int64
			for _, ev := range tt.after {
				for _, e := range u.Event(ev) {
					replay = append(replay, e.Frame)
				}
			}
			for _, e := range u.Settle() {
				replay = append(replay, e.Frame)
			}
			u.Close(time.Time{}, 9)
			tt.want.Session, tt.want.Proto, tt.want.Requested, tt.want.Packet, tt.want.Reply, tt.want.ReplyPacket = "s1", "smtp", true, 1, "220 go", 2
			if got := r.starttls(t); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("starttls\n got %+v\nwant %+v", got, tt.want)
			}
			if s.Security() != tt.security {
				t.Errorf("security %q, want %q", s.Security(), tt.security)
			}
			if !reflect.DeepEqual(r.tls, tt.tls) || !reflect.DeepEqual(replay, tt.replay) {
				t.Errorf("tls frames %v (want %v), replayed %v (want %v)", r.tls, tt.tls, replay, tt.replay)
			}
			if got := r.findings(); !reflect.DeepEqual(got, tt.findings) {
				t.Errorf("findings %v, want %v", got, tt.findings)
			}
		})
	}
}

func TestNotTLSFindingQuotesTheClear(t *testing.T) {
	t.Run("whole", func(t *testing.T) { notTLSFinding(t, cli(7, "USER alice\r\nPASS x\r\n")) })
	// The quote is the client's first line, wherever segments end.
	t.Run("pieces", func(t *testing.T) { notTLSFinding(t, cli(7, "USER al"), cli(7, "ice\r"), cli(7, "\nPASS x\r\n")) })
}

func notTLSFinding(t *testing.T, evs ...*stream.Event) {
	r := &recorder{}
	s := newSession(r)
	u := Request(s, "pop3", nil, 5)
	u.Accept("+OK", 6)
	for _, ev := range evs {
		if u.Active() {
			u.Event(ev)
		}
	}
	var f *record.Finding
	for _, rec := range r.records {
		if x, ok := rec.(*record.Finding); ok {
			f = x
		}
	}
	if f != nil {
		recordtest.RenderWarnings(f) // the English title, from the catalogue
	}
	if f == nil || f.ID != "starttls-not-tls" || f.Severity != "high" || !reflect.DeepEqual(f.Frames, []int64{5, 6, 7}) ||
		f.Args["excerpt"] != "USER alice\\r\\n" || f.Args["side"] != "client" || !strings.Contains(f.Title, "STLS") {
		t.Fatalf("finding %+v", f)
	}
	if !u.Plain() || u.Active() || s.EncryptedBytes() != 0 {
		t.Fatalf("plain %v active %v encrypted %d", u.Plain(), u.Active(), s.EncryptedBytes())
	}
}

func TestRefusedGivesBackTheHeldBytes(t *testing.T) {
	r := &recorder{}
	s := newSession(r)
	u := Request(s, "imap", record.Bool(true), 1)
	u.Hold([]byte("b LOGIN x y\r\n"), 2, time.Time{})
	held, frame, _ := u.Refuse("NO later", 3)
	if string(held) != "b LOGIN x y\r\n" || frame != 2 || s.Security() != session.StartTLSFailed || u.Active() {
		t.Fatalf("held %q frame %d security %q", held, frame, s.Security())
	}
	if st := r.starttls(t); st.Accepted || st.Reply != "NO later" || st.ReplyPacket != 3 || st.Offered == nil || !*st.Offered {
		t.Fatalf("starttls %+v", st)
	}
}

func TestHoldIsBounded(t *testing.T) {
	r := &recorder{}
	u := Request(newSession(r), "smtp", nil, 1)
	chunk := []byte(strings.Repeat("NOOP\r\n", 1000))
	n := 0
	for u.Hold(chunk, 2, time.Time{}) {
		n++
		if n > 100 {
			t.Fatal("hold never gave up")
		}
	}
	held, _, _ := u.Unanswered(2)
	if len(held) != MaxHold {
		t.Fatalf("kept %d bytes, want %d", len(held), MaxHold)
	}
}

func TestLostReplyWithTLSFollowing(t *testing.T) {
	r := &recorder{}
	s := newSession(r)
	u := Request(s, "smtp", nil, 1)
	u.Hold([]byte("EHLO"), 2, time.Time{})
	if u.LostReply(3) {
		t.Fatal("cleartext taken for TLS")
	}
	u = Request(s, "smtp", nil, 1)
	u.Hold([]byte(clientHello), 2, time.Time{})
	if !u.LostReply(3) || !u.Active() || s.Security() != session.StartTLS || !reflect.DeepEqual(r.tls, []int64{2}) {
		t.Fatalf("active %v security %q tls %v", u.Active(), s.Security(), r.tls)
	}
}

func TestSettleReadsShortClearAtTheEnd(t *testing.T) {
	r := &recorder{}
	s := newSession(r)
	u := Request(s, "smtp", nil, 1)
	u.Accept("220", 2)
	if got := u.Event(cli(3, "QU")); got != nil {
		t.Fatalf("decided on 2 bytes: %v", got)
	}
	replay := u.Settle()
	if len(replay) != 1 || string(replay[0].Data) != "QU" || !u.Plain() || s.Security() != session.StartTLSFailed {
		t.Fatalf("replay %v plain %v security %q", replay, u.Plain(), s.Security())
	}
}

// TLSWithoutReply takes the bytes a protocol held itself: only a TLS
// record while the reply is awaited hands them over, and nothing is kept
// otherwise (a later Accept must not see them twice).
func TestTLSWithoutReply(t *testing.T) {
	tests := []struct {
		name     string
		b        string
		accepted bool // the reply came before
		want     bool
	}{
		{"Cleartext", "b LOGIN x y\r\n", false, false},
		{"TooShortToTell", "\x16\x03", false, false},
		{"ClientHello", clientHello, false, true},
		{"AfterTheReply", clientHello, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			s := newSession(r)
			u := Request(s, "imap", nil, 1)
			if tt.accepted {
				u.Accept("OK go", 2)
			}
			got := u.TLSWithoutReply([]byte(tt.b), 3, time.Time{})
			if got != tt.want {
				t.Fatalf("TLSWithoutReply = %v, want %v", got, tt.want)
			}
			if !got {
				if len(u.held) != 0 {
					t.Errorf("kept %q", u.held)
				}
				return
			}
			st := r.starttls(t)
			if !st.Accepted || !st.TLSSeen || st.TLSPacket != 3 || !reflect.DeepEqual(r.tls, []int64{3}) || s.Security() != session.StartTLS {
				t.Errorf("starttls %+v, tls frames %v, security %q", st, r.tls, s.Security())
			}
		})
	}
}
