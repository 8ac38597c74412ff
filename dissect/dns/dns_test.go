package dns

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

var (
	client = netip.MustParseAddrPort("10.0.0.2:40000")
	server = netip.MustParseAddrPort("10.0.0.1:53")
)

// msg builds a DNS message: a query for name's typ, or with answers its
// response.
func msg(t testing.TB, id uint16, response bool, name string, typ dnsmessage.Type, answers ...func(*dnsmessage.Builder, dnsmessage.ResourceHeader) error) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, Response: response})
	b.EnableCompression()
	n := dnsmessage.MustNewName(name)
	must(t, b.StartQuestions())
	must(t, b.Question(dnsmessage.Question{Name: n, Type: typ, Class: dnsmessage.ClassINET}))
	must(t, b.StartAnswers())
	for _, a := range answers {
		must(t, a(&b, dnsmessage.ResourceHeader{Name: n, Class: dnsmessage.ClassINET, TTL: 300}))
	}
	out, err := b.Finish()
	must(t, err)
	return out
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mx(pref uint16, host string) func(*dnsmessage.Builder, dnsmessage.ResourceHeader) error {
	return func(b *dnsmessage.Builder, h dnsmessage.ResourceHeader) error {
		return b.MXResource(h, dnsmessage.MXResource{Pref: pref, MX: dnsmessage.MustNewName(host)})
	}
}

func a4(ip string) func(*dnsmessage.Builder, dnsmessage.ResourceHeader) error {
	return func(b *dnsmessage.Builder, h dnsmessage.ResourceHeader) error {
		return b.AResource(h, dnsmessage.AResource{A: netip.MustParseAddr(ip).As4()})
	}
}

func txt(s ...string) func(*dnsmessage.Builder, dnsmessage.ResourceHeader) error {
	return func(b *dnsmessage.Builder, h dnsmessage.ResourceHeader) error {
		return b.TXTResource(h, dnsmessage.TXTResource{TXT: s})
	}
}

// datagram is one UDP payload from src to dst in frame.
type datagram struct {
	query bool // client to server, else server to client
	data  []byte
	frame int64
}

func run(dgs []datagram) []*record.DNS {
	var out []*record.DNS
	tr := NewTracker(func(r record.Record) { out = append(out, r.(*record.DNS)) })
	for _, d := range dgs {
		src, dst := client, server
		if !d.query {
			src, dst = server, client
		}
		tr.Datagram(&stream.Datagram{Src: src, Dst: dst, Data: d.data, Frame: d.frame})
	}
	tr.Finish()
	return out
}

// summary is what a test checks of a record.
func summary(r *record.DNS) string {
	var ans []string
	for _, a := range r.Answers {
		s := a.Type + " " + a.Exchange + a.Address + a.Text
		if a.Preference != nil {
			s = a.Type + " " + strconv.Itoa(*a.Preference) + " " + a.Exchange
		}
		ans = append(ans, s)
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%d-%d", r.Name, r.Type, r.Client, r.Server, r.Rcode, strings.Join(ans, "; "), r.Packet, r.ReplyPacket)
}

func TestQueriesArePairedWithTheirAnswers(t *testing.T) {
	tests := []struct {
		name string
		dgs  []datagram
		want []string
	}{
		{"an MX look-up and its answer",
			[]datagram{
				{true, msg(t, 7, false, "lab.example.", dnsmessage.TypeMX), 3},
				{false, msg(t, 7, true, "lab.example.", dnsmessage.TypeMX, mx(10, "mx1.lab.example."), mx(20, "mx2.lab.example.")), 4},
			},
			[]string{"lab.example|MX|10.0.0.2:40000|10.0.0.1:53|NOERROR|MX 10 mx1.lab.example; MX 20 mx2.lab.example|3-4"}},
		{"answers of several types",
			[]datagram{
				{true, msg(t, 1, false, "a.example.", dnsmessage.TypeA), 1},
				{true, msg(t, 2, false, "b.example.", dnsmessage.TypeTXT), 2},
				{false, msg(t, 2, true, "b.example.", dnsmessage.TypeTXT, txt("v=DKIM1; ", "p=AB")), 3},
				{false, msg(t, 1, true, "a.example.", dnsmessage.TypeA, a4("192.0.2.7")), 4},
			},
			[]string{
				"b.example|TXT|10.0.0.2:40000|10.0.0.1:53|NOERROR|TXT v=DKIM1; p=AB|2-3",
				"a.example|A|10.0.0.2:40000|10.0.0.1:53|NOERROR|A 192.0.2.7|1-4",
			}},
		{"an unanswered query is reported at the end",
			[]datagram{{true, msg(t, 9, false, "lost.example.", dnsmessage.TypeMX), 5}},
			[]string{"lost.example|MX|10.0.0.2:40000|10.0.0.1:53|||5-0"}},
		{"an answer whose query was not captured",
			[]datagram{{false, msg(t, 4, true, "late.example.", dnsmessage.TypeA, a4("192.0.2.9")), 2}},
			[]string{"late.example|A|10.0.0.2:40000|10.0.0.1:53|NOERROR|A 192.0.2.9|0-2"}},
		{"a query sent again, and its answer captured twice: one look-up",
			[]datagram{
				{true, msg(t, 5, false, "again.example.", dnsmessage.TypeMX), 1},
				{true, msg(t, 5, false, "again.example.", dnsmessage.TypeMX), 2},
				{false, msg(t, 5, true, "again.example.", dnsmessage.TypeMX, mx(5, "mx.again.example.")), 3},
				{false, msg(t, 5, true, "again.example.", dnsmessage.TypeMX, mx(5, "mx.again.example.")), 4},
			},
			[]string{"again.example|MX|10.0.0.2:40000|10.0.0.1:53|NOERROR|MX 5 mx.again.example|1-3"}},
		{"an id used again for another question: the first is reported unanswered",
			[]datagram{
				{true, msg(t, 5, false, "one.example.", dnsmessage.TypeMX), 1},
				{true, msg(t, 5, false, "two.example.", dnsmessage.TypeMX), 2},
				{false, msg(t, 5, true, "two.example.", dnsmessage.TypeMX, mx(5, "mx.two.example.")), 3},
			},
			[]string{
				"one.example|MX|10.0.0.2:40000|10.0.0.1:53|||1-0",
				"two.example|MX|10.0.0.2:40000|10.0.0.1:53|NOERROR|MX 5 mx.two.example|2-3",
			}},
		{"an answer to another question than the one waiting",
			[]datagram{
				{true, msg(t, 6, false, "asked.example.", dnsmessage.TypeA), 1},
				{false, msg(t, 6, true, "other.example.", dnsmessage.TypeA, a4("192.0.2.6")), 2},
			},
			[]string{
				"other.example|A|10.0.0.2:40000|10.0.0.1:53|NOERROR|A 192.0.2.6|0-2",
				"asked.example|A|10.0.0.2:40000|10.0.0.1:53|||1-0",
			}},
		{"what is not DNS is ignored",
			[]datagram{{true, []byte("GET / HTTP/1.1\r\n\r\n"), 1}, {true, nil, 2}, {false, []byte{0, 1}, 3}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(tt.dgs)
			if len(got) != len(tt.want) {
				t.Fatalf("%d records, want %d: %v", len(got), len(tt.want), got)
			}
			for i, r := range got {
				if s := summary(r); s != tt.want[i] {
					t.Errorf("record %d:\n got %s\nwant %s", i, s, tt.want[i])
				}
			}
		})
	}
}

// A query that replaced another of the same id must not be given up on
// because of the first one: only the oldest queries waiting are.
func TestOnlyTheOldestWaitingQueriesAreGivenUp(t *testing.T) {
	var dgs []datagram
	frame := int64(0)
	add := func(query bool, b []byte) {
		frame++
		dgs = append(dgs, datagram{query, b, frame})
	}
	add(true, msg(t, 0, false, "first.example.", dnsmessage.TypeMX))
	for i := 1; i < maxPending; i++ {
		add(true, msg(t, uint16(i), false, "other.example.", dnsmessage.TypeA))
	}
	add(true, msg(t, 0, false, "second.example.", dnsmessage.TypeMX)) // the same id: the first is reported
	add(true, msg(t, maxPending, false, "other.example.", dnsmessage.TypeA))
	again := frame - 1
	add(false, msg(t, 0, true, "second.example.", dnsmessage.TypeMX, mx(1, "mx.second.example.")))
	got := run(dgs)
	var first []string
	for _, r := range got {
		if r.Name == "first.example" || r.Name == "second.example" {
			first = append(first, summary(r))
		}
	}
	want := []string{
		"first.example|MX|10.0.0.2:40000|10.0.0.1:53|||1-0",
		fmt.Sprintf("second.example|MX|10.0.0.2:40000|10.0.0.1:53|NOERROR|MX 1 mx.second.example|%d-%d", again, frame),
	}
	if strings.Join(first, "\n") != strings.Join(want, "\n") {
		t.Fatalf("records of the query sent again:\n%s\nwant\n%s", strings.Join(first, "\n"), strings.Join(want, "\n"))
	}
	if got[1].Name != "other.example" || got[1].Packet != 2 || got[1].ReplyPacket != 0 {
		t.Fatalf("the second record given up is %s, want the oldest query still waiting (frame 2)", summary(got[1]))
	}
}

// Waiting queries are bounded: past maxPending the oldest is reported
// unanswered, and Low follows the oldest one still waiting.
func TestWaitingQueriesAreBounded(t *testing.T) {
	var out []*record.DNS
	tr := NewTracker(func(r record.Record) { out = append(out, r.(*record.DNS)) })
	for i := range 3 * maxPending {
		tr.Datagram(&stream.Datagram{Src: client, Dst: server, Frame: int64(i + 1),
			Data: msg(t, uint16(i), false, "q.example.", dnsmessage.TypeA)})
		if len(tr.pending) > maxPending || len(tr.order) > 4*maxPending+1 {
			t.Fatalf("after %d queries: %d waiting, %d in order", i+1, len(tr.pending), len(tr.order))
		}
	}
	if len(out) != 2*maxPending || out[0].Packet != 1 {
		t.Fatalf("%d reported, the first from frame %d; want %d from frame 1", len(out), out[0].Packet, 2*maxPending)
	}
	if low := tr.Low(1); low != int64(2*maxPending+1) {
		t.Fatalf("Low = %d, want %d", low, 2*maxPending+1)
	}
	tr.Finish()
	if len(out) != 3*maxPending || len(tr.pending) != 0 {
		t.Fatalf("after Finish: %d reported, %d waiting", len(out), len(tr.pending))
	}
}

// tcpMessage is msg with the two-byte length DNS over TCP puts first.
func tcpMessage(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
}

func TestDNSOverTCP(t *testing.T) {
	q1 := tcpMessage(msg(t, 1, false, "one.example.", dnsmessage.TypeMX))
	q2 := tcpMessage(msg(t, 2, false, "two.example.", dnsmessage.TypeA))
	r1 := tcpMessage(msg(t, 1, true, "one.example.", dnsmessage.TypeMX, mx(10, "mx.one.example.")))
	r2 := tcpMessage(msg(t, 2, true, "two.example.", dnsmessage.TypeA, a4("192.0.2.2")))
	tests := []struct {
		name   string
		events []stream.Event
		want   []string
	}{
		{"two queries in one segment, answers cut anywhere",
			[]stream.Event{
				{Dir: stream.ClientToServer, Data: append(append([]byte{}, q1...), q2...), Frame: 4},
				{Dir: stream.ServerToClient, Data: r1[:1], Frame: 5},
				{Dir: stream.ServerToClient, Data: append(append([]byte{}, r1[1:]...), r2[:7]...), Frame: 6},
				{Dir: stream.ServerToClient, Data: r2[7:], Frame: 7},
			},
			[]string{
				"one.example|MX|10.0.0.2:40000|10.0.0.1:53|NOERROR|MX 10 mx.one.example|4-6",
				"two.example|A|10.0.0.2:40000|10.0.0.1:53|NOERROR|A 192.0.2.2|4-7",
			}},
		{"after a gap the direction's messages cannot be framed",
			[]stream.Event{
				{Dir: stream.ClientToServer, Data: q1, Frame: 4},
				{Dir: stream.ServerToClient, Gap: 10, Data: r1[3:], Frame: 6},
				{Dir: stream.ServerToClient, Data: r2, Frame: 7},
			},
			[]string{"one.example|MX|10.0.0.2:40000|10.0.0.1:53|||4-0"}},
		{"a length past what a message can hold is not waited for",
			[]stream.Event{
				{Dir: stream.ClientToServer, Data: make([]byte, maxTCPMessage+3), Frame: 4},
				{Dir: stream.ClientToServer, Data: q1, Frame: 5},
			},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out []*record.DNS
			tr := NewTracker(func(r record.Record) { out = append(out, r.(*record.DNS)) })
			h := tr.Conversation(stream.Flow{Client: client, Server: server, Transport: "tcp"})
			for i := range tt.events {
				h.Handle(&tt.events[i])
			}
			tr.Finish()
			if len(out) != len(tt.want) {
				t.Fatalf("%d records, want %d", len(out), len(tt.want))
			}
			for i, r := range out {
				if s := summary(r); s != tt.want[i] || r.Transport != "tcp" {
					t.Errorf("record %d (%s):\n got %s\nwant %s", i, r.Transport, s, tt.want[i])
				}
			}
		})
	}
}

// FuzzDNS reads anything as UDP datagrams and as a TCP conversation: no
// panic, waiting queries and their answers stay bounded, every query is
// reported once, and names are valid UTF-8.
func FuzzDNS(f *testing.F) {
	f.Add(msg(f, 7, false, "lab.example.", dnsmessage.TypeMX), msg(f, 7, true, "lab.example.", dnsmessage.TypeMX, mx(10, "mx.lab.example.")), uint8(3))
	f.Add(msg(f, 1, false, "a.example.", dnsmessage.TypeTXT), msg(f, 1, true, "a.example.", dnsmessage.TypeTXT, txt("x", "\xff")), uint8(0))
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12}, []byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, query, answer []byte, cut uint8) {
		queries := 0
		var out []*record.DNS
		tr := NewTracker(func(r record.Record) { out = append(out, r.(*record.DNS)) })
		// A query sent twice is one look-up.
		asked := map[string]bool{}
		udp := func(src, dst netip.AddrPort, b []byte, frame int64) {
			var p dnsmessage.Parser
			if h, err := p.Start(b); err == nil && !h.Response {
				if q, err := p.Question(); err == nil {
					k := fmt.Sprint(src, h.ID, q.Type, q.Name.String())
					if !asked[k] {
						asked[k] = true
						queries++
					}
				}
			}
			tr.Datagram(&stream.Datagram{Src: src, Dst: dst, Data: b, Frame: frame})
		}
		udp(client, server, query, 1)
		udp(client, server, query, 2)
		udp(server, client, answer, 3)
		h := tr.Conversation(stream.Flow{Client: client, Server: server, Transport: "tcp"})
		data := append(tcpMessage(query), tcpMessage(answer)...)
		c := min(int(cut), len(data))
		h.Handle(&stream.Event{Dir: stream.ClientToServer, Data: data[:c], Frame: 4})
		h.Handle(&stream.Event{Dir: stream.ClientToServer, Data: data[c:], Frame: 5})
		h.Handle(&stream.Event{Dir: stream.ServerToClient, Data: data, Frame: 6})
		tr.Finish()
		if len(tr.pending) != 0 {
			t.Fatalf("%d queries still waiting after Finish", len(tr.pending))
		}
		perQuery := map[int64]int{}
		for _, r := range out {
			if !utf8.ValidString(r.Name) || len(r.Answers) > 64 || r.Answers == nil {
				t.Fatalf("record %+v", r)
			}
			for _, a := range r.Answers {
				if !utf8.ValidString(a.Name) || !utf8.ValidString(a.Exchange) || !utf8.ValidString(a.Text) {
					t.Fatalf("answer %+v", a)
				}
			}
			if r.Packet > 0 && r.Transport == "udp" {
				perQuery[r.Packet]++
			}
		}
		// Over TCP, where segments end must not matter.
		tcp := func(evs []stream.Event) string {
			var b strings.Builder
			tr := NewTracker(func(r record.Record) { b.WriteString(summary(r.(*record.DNS)) + "\n") })
			h := tr.Conversation(stream.Flow{Client: client, Server: server, Transport: "tcp"})
			for i := range evs {
				h.Handle(&evs[i])
			}
			tr.Finish()
			return b.String()
		}
		evs := []stream.Event{{Dir: stream.ClientToServer, Data: data[:c], Frame: 4}, {Dir: stream.ClientToServer, Data: data[c:], Frame: 5},
			{Dir: stream.ServerToClient, Data: data, Frame: 6}}
		if a, b := tcp(evs), tcp(streamtest.Pieces(evs, 1)); a != b {
			t.Fatalf("records depend on where segments end:\n%s\n1-byte pieces:\n%s", a, b)
		}
		for frame, n := range perQuery {
			if n != 1 {
				t.Fatalf("the query of frame %d reported %d times", frame, n)
			}
		}
		if len(perQuery) != queries {
			t.Fatalf("%d UDP queries reported, %d sent", len(perQuery), queries)
		}
	})
}
