// Package dns reports DNS queries and their answers (MX above all: the lab
// asks students to find a domain's mail servers), over UDP and TCP.
package dns

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// maxPending bounds the queries waiting for an answer; past it the oldest
// is reported unanswered.
const maxPending = 4096

type key struct {
	client netip.AddrPort
	id     uint16
}

// Tracker pairs queries with responses and emits one record per query.
type Tracker struct {
	emit    func(record.Record)
	pending map[key]*record.DNS
	// order lists the queries sent, oldest first; an entry whose query
	// was answered or replaced since is stale.
	order []sent
	// answered remembers the last maxPending answers, to tell a copy
	// of one (the same packet captured twice, or sent again) from an
	// answer whose query was not captured.
	answered map[key]*record.DNS
	answers  []sent
}

type sent struct {
	k key
	r *record.DNS
}

// NewTracker returns a Tracker that sends its records to emit.
func NewTracker(emit func(record.Record)) *Tracker {
	return &Tracker{emit: emit, pending: map[key]*record.DNS{}, answered: map[key]*record.DNS{}}
}

// Datagram handles one UDP payload.
func (t *Tracker) Datagram(d *stream.Datagram) {
	t.message(d.Data, d.Src, d.Dst, d.Frame, "udp")
}

func (t *Tracker) message(b []byte, src, dst netip.AddrPort, frame int64, transport string) {
	var p dnsmessage.Parser
	h, err := p.Start(b)
	if err != nil {
		return
	}
	q, err := p.Question()
	if err != nil {
		return
	}
	if !h.Response {
		t.query(h.ID, q, src, dst, frame, transport)
		return
	}
	k := key{dst, h.ID}
	r, ok := t.pending[k]
	switch {
	case ok && asks(r, q):
		delete(t.pending, k)
	case t.answered[k] != nil && asks(t.answered[k], q):
		return // a copy of an answer already paired
	default:
		// An answer whose query was not captured, or not this one.
		r = newRecord(q, dst, src, 0, transport)
	}
	t.remember(k, r)
	r.ReplyPacket = frame
	r.Rcode = rcode(h.RCode)
	r.Answers = answers(&p)
	t.emit(r)
}

func (t *Tracker) query(id uint16, q dnsmessage.Question, src, dst netip.AddrPort, frame int64, transport string) {
	k := key{src, id}
	if old, ok := t.pending[k]; ok {
		if asks(old, q) {
			return // the query sent again, or captured twice: its first sending stands
		}
		t.emit(old) // an id used again for another question: the first went unanswered
	}
	r := newRecord(q, src, dst, frame, transport)
	t.pending[k] = r
	t.order = append(t.order, sent{k, r})
	for len(t.pending) > maxPending && len(t.order) > 0 {
		t.expire(t.order[0])
		t.order = t.order[1:]
	}
	if len(t.order) > 4*maxPending {
		t.compact()
	}
}

// remember notes that r got its answer, forgetting the oldest of those
// past maxPending.
func (t *Tracker) remember(k key, r *record.DNS) {
	t.answered[k] = r
	t.answers = append(t.answers, sent{k, r})
	if len(t.answers) > maxPending {
		old := t.answers[0]
		if t.answered[old.k] == old.r {
			delete(t.answered, old.k)
		}
		t.answers[0] = sent{}
		t.answers = t.answers[1:]
	}
}

// asks tells whether r is the record of question q.
func asks(r *record.DNS, q dnsmessage.Question) bool {
	return r.Type == typeName(q.Type) && r.Name == name(q.Name)
}

// expire reports the query s unanswered, unless it is stale.
func (t *Tracker) expire(s sent) {
	if t.pending[s.k] == s.r {
		delete(t.pending, s.k)
		t.emit(s.r)
	}
}

// compact drops stale entries from the order list.
func (t *Tracker) compact() {
	kept := t.order[:0]
	for _, s := range t.order {
		if t.pending[s.k] == s.r {
			kept = append(kept, s)
		}
	}
	clear(t.order[len(kept):])
	t.order = kept
}

// Low is the frame of the oldest query from frame from on still waiting
// for its answer, or 0: no record of such a query the tracker emits later
// can carry an earlier frame.
func (t *Tracker) Low(from int64) int64 {
	var low int64
	for _, r := range t.pending {
		if r.Packet >= from && (low == 0 || r.Packet < low) {
			low = r.Packet
		}
	}
	return low
}

// Finish reports the queries never answered.
func (t *Tracker) Finish() {
	for _, s := range t.order {
		t.expire(s)
	}
	t.order = nil
}

func newRecord(q dnsmessage.Question, client, server netip.AddrPort, frame int64, transport string) *record.DNS {
	return &record.DNS{Name: name(q.Name), Type: typeName(q.Type), Packet: frame,
		Client: client.String(), Server: server.String(), Transport: transport, Answers: []record.DNSAnswer{}}
}

func answers(p *dnsmessage.Parser) []record.DNSAnswer {
	out := []record.DNSAnswer{}
	if p.SkipAllQuestions() != nil {
		return out
	}
	for len(out) < 64 {
		h, err := p.AnswerHeader()
		if err != nil {
			break
		}
		a := record.DNSAnswer{Name: name(h.Name), Type: typeName(h.Type), TTL: h.TTL}
		if !fill(p, h.Type, &a) {
			break
		}
		out = append(out, a)
	}
	return out
}

func fill(p *dnsmessage.Parser, typ dnsmessage.Type, a *record.DNSAnswer) bool {
	switch typ {
	case dnsmessage.TypeMX:
		mx, err := p.MXResource()
		if err != nil {
			return false
		}
		pref := int(mx.Pref)
		a.Preference, a.Exchange = &pref, name(mx.MX)
	case dnsmessage.TypeA:
		r, err := p.AResource()
		if err != nil {
			return false
		}
		a.Address = netip.AddrFrom4(r.A).String()
	case dnsmessage.TypeAAAA:
		r, err := p.AAAAResource()
		if err != nil {
			return false
		}
		a.Address = netip.AddrFrom16(r.AAAA).String()
	case dnsmessage.TypeTXT:
		r, err := p.TXTResource()
		if err != nil {
			return false
		}
		a.Text = strings.ToValidUTF8(strings.Join(r.TXT, ""), "\uFFFD")
	case dnsmessage.TypeCNAME:
		r, err := p.CNAMEResource()
		if err != nil {
			return false
		}
		a.Exchange = name(r.CNAME)
	default:
		return p.SkipAnswer() == nil
	}
	return true
}

func name(n dnsmessage.Name) string {
	return strings.ToValidUTF8(strings.TrimSuffix(n.String(), "."), "\uFFFD")
}

func typeName(t dnsmessage.Type) string {
	return strings.TrimPrefix(t.String(), "Type")
}

func rcode(r dnsmessage.RCode) string {
	switch r {
	case dnsmessage.RCodeSuccess:
		return "NOERROR"
	case dnsmessage.RCodeNameError:
		return "NXDOMAIN"
	case dnsmessage.RCodeRefused:
		return "REFUSED"
	case dnsmessage.RCodeServerFailure:
		return "SERVFAIL"
	case dnsmessage.RCodeFormatError:
		return "FORMERR"
	case dnsmessage.RCodeNotImplemented:
		return "NOTIMP"
	}
	return strings.TrimPrefix(r.String(), "RCode")
}

// Conversation handles DNS over TCP: two-byte length-prefixed messages.
func (t *Tracker) Conversation(flow stream.Flow) stream.Handler {
	return &tcpConv{t: t, flow: flow}
}

// maxTCPMessage bounds a DNS message over TCP (the length prefix allows
// 64 KiB, which is also the most we keep).
const maxTCPMessage = 1 << 16

type tcpConv struct {
	t    *Tracker
	flow stream.Flow
	buf  [2][]byte
	skip [2]bool
}

func (c *tcpConv) Handle(ev *stream.Event) {
	d := ev.Dir
	if ev.Gap > 0 {
		c.skip[d] = true // message boundaries are lost
	}
	if c.skip[d] {
		return
	}
	c.buf[d] = append(c.buf[d], ev.Data...)
	for len(c.buf[d]) >= 2 {
		n := int(binary.BigEndian.Uint16(c.buf[d]))
		if len(c.buf[d]) < 2+n {
			break
		}
		src, dst := c.flow.Client, c.flow.Server
		if d == stream.ServerToClient {
			src, dst = dst, src
		}
		c.t.message(c.buf[d][2:2+n], src, dst, ev.Frame, "tcp")
		c.buf[d] = c.buf[d][2+n:]
	}
	if len(c.buf[d]) > maxTCPMessage+2 {
		c.buf[d], c.skip[d] = nil, true
	}
}

func (c *tcpConv) Close(time.Time, int64) {}
