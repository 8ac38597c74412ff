package pipeline

import (
	"container/heap"
	"fmt"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/findings"
)

// never is a frame no record reaches.
const never = int64(1) << 62

// merger puts the records of every shard in capture order and lets each
// one go as soon as no shard can still produce an earlier one (the
// watermark: the lowest frame any shard could still emit). It numbers
// sessions in the order they were recognised once no shard can still
// recognise an earlier one, so ids do not depend on the number of shards,
// and it drops the records of sessions past MaxSessions.
type merger struct {
	// lows is each shard's lowest frame still to come; never once the
	// shard is done.
	lows  []int64
	upTo  []int64
	times []time.Time

	waiting itemHeap
	seq     int64
	// held is the most records waiting at once.
	held int

	// Sessions closed but not numbered yet, by detection frame.
	unnumbered sessionHeap
	ids        map[string]string // provisional id -> final id ("" past MaxSessions)
	// told are the provisional ids numbered before their session's
	// record came: it then only says when they can be forgotten.
	told   map[string]bool
	forget endHeap // when a provisional id is no longer needed
	next   int     // sessions numbered so far, those past max included
	prefix string
	max    int

	// passThrough (live output) hands records on as they come, with the
	// dissectors' own ids.
	passThrough bool

	holds  []*hold
	recent []*record.Session // closed cleartext sessions
	watch  map[*record.Session]string

	// certs names encrypted messages' recipients from the certificates
	// that crossed before them.
	certs findings.CertBook

	out func(record.Record)

	dns, mx struct{ listed, dropped int }
}

// hold keeps a session whose TLS failed, and everything from the frame of
// the failure on, until it is known whether the client retried in clear.
type hold struct {
	probe
	deadline time.Time
	cut      int64 // frame past which no retry can start; -1 until known
}

const unnumbered = "?"

func newMerger(shards int, prefix string, maxSessions int, passThrough bool, out func(record.Record)) *merger {
	m := &merger{lows: make([]int64, shards), upTo: make([]int64, shards), times: make([]time.Time, shards),
		ids: map[string]string{}, told: map[string]bool{}, prefix: prefix, max: maxSessions,
		passThrough: passThrough,
		watch:       map[*record.Session]string{}, out: out}
	return m
}

// add takes one shard report and lets go what it can.
func (m *merger) add(rep shardReport) {
	s := rep.shard
	m.lows[s], m.upTo[s], m.times[s] = rep.low, rep.upTo, rep.time
	if rep.done {
		m.lows[s] = never
	}
	for _, it := range rep.items {
		m.seq++
		it.seq = m.seq
		m.waiting.push(it)
		if sess, ok := it.rec.(*record.Session); ok && !m.passThrough {
			m.unnumber(sess)
		}
	}
	for _, e := range rep.early {
		if !m.passThrough {
			m.told[e.id] = true
			heap.Push(&m.unnumbered, &record.Session{ID: e.id, DetectFrame: e.detect, Packet: e.first})
		}
	}
	for _, p := range rep.probes {
		end := p.session.End
		if end.IsZero() {
			end = p.session.Start
		}
		m.holds = append(m.holds, &hold{probe: p, deadline: end.Add(findings.RetryWindow), cut: -1})
		m.watch[p.session] = m.idOf(p.session)
	}
	for _, c := range rep.cleartext {
		m.recent = append(m.recent, c)
		m.watch[c] = m.idOf(c)
	}
	m.held = max(m.held, m.waiting.Len())
	w := m.watermark()
	m.number(w)
	m.settleHolds()
	m.release(w)
}

// counts returns the sessions numbered and those skipped past max.
func (m *merger) counts() (sessions, skipped int) {
	if m.max > 0 && m.next > m.max {
		return m.max, m.next - m.max
	}
	return m.next, 0
}

// done tells whether shard s has read its last packet.
func (m *merger) done(s int) bool { return m.lows[s] == never }

func (m *merger) watermark() int64 {
	w := never
	for _, l := range m.lows {
		w = min(w, l)
	}
	return w
}

// unnumber waits for sess's turn to be numbered; a session told early
// has its number, and can be forgotten once its last frame is out.
func (m *merger) unnumber(sess *record.Session) {
	if m.told[sess.ID] {
		delete(m.told, sess.ID)
		heap.Push(&m.forget, forgetAt{sess.EndFrame, sess.ID})
		return
	}
	heap.Push(&m.unnumbered, sess)
}

// idOf is the final id of a closed session, or unnumbered while it has
// none.
func (m *merger) idOf(sess *record.Session) string {
	if id, ok := m.ids[sess.ID]; ok && !m.passThrough {
		return id
	}
	return unnumbered
}

// number gives final ids to the sessions recognised before w: every
// shard is past w, so no session recognised earlier can still appear.
func (m *merger) number(w int64) {
	for m.unnumbered.Len() > 0 && m.unnumbered[0].DetectFrame < w {
		sess := heap.Pop(&m.unnumbered).(*record.Session)
		m.next++
		id := fmt.Sprintf("%ss%d", m.prefix, m.next)
		if m.max > 0 && m.next > m.max {
			id = ""
		}
		m.ids[sess.ID] = id
		if !m.told[sess.ID] {
			heap.Push(&m.forget, forgetAt{sess.EndFrame, sess.ID})
		}
		if _, ok := m.watch[sess]; ok {
			m.watch[sess] = id
		}
	}
}

// final returns the final id of a provisional one; ok is false while it
// is not known yet.
func (m *merger) final(prov string) (string, bool) {
	if m.passThrough {
		return prov, true
	}
	id, ok := m.ids[prov]
	if !ok && m.watermark() == never {
		// Every session is numbered once the capture is over: a record
		// whose session never closed must still not be lost.
		return prov, true
	}
	return id, ok
}

// release hands on, in order, the records before the watermark and
// before any hold.
func (m *merger) release(w int64) {
	limit := w
	if m.passThrough {
		limit = never + 1
	}
	for _, h := range m.holds {
		if !m.passThrough {
			limit = min(limit, h.failFrame)
		}
	}
	for m.waiting.Len() > 0 && m.waiting[0].frame < limit {
		it := m.waiting[0]
		if ref := record.SessionRef(it.rec); ref != nil && *ref != "" && !it.final {
			id, ok := m.final(*ref)
			if !ok {
				// Its session is not numbered yet: wait, in order.
				break
			}
			m.waiting.pop()
			if id == "" {
				continue // a session past MaxSessions
			}
			// Live output passes records on while their shard still
			// reads them: write only an id that changes.
			if *ref != id {
				*ref = id
			}
		} else {
			m.waiting.pop()
		}
		if m.capped(it.rec) {
			continue
		}
		m.certs.Pass(it.rec)
		m.out(it.rec)
	}
	done := limit
	if m.waiting.Len() > 0 {
		done = min(done, m.waiting[0].frame)
	}
	for m.forget.Len() > 0 && m.forget[0].frame < done {
		delete(m.ids, heap.Pop(&m.forget).(forgetAt).id)
	}
}

// Records that grow with the traffic rather than with what it reveals are
// listed up to a bound per capture, then counted.
const (
	maxDNSRecords = 10000
	maxMXFindings = 100
)

// capped counts r instead of listing it when its kind is past its bound.
func (m *merger) capped(r record.Record) bool {
	switch r := r.(type) {
	case *record.DNS:
		if m.dns.listed >= maxDNSRecords {
			m.dns.dropped++
			return true
		}
		m.dns.listed++
	case *record.Finding:
		if r.ID != findings.MXLookup {
			return false
		}
		if m.mx.listed >= maxMXFindings {
			m.mx.dropped++
			return true
		}
		m.mx.listed++
	}
	return false
}

// settleHolds decides the retries that can be decided: once a shard's
// clock is past the retry window (so no retry can start after the frame
// it had read), and every conversation that started before that frame
// has closed, the retry rule sees every candidate.
func (m *merger) settleHolds() {
	kept := m.holds[:0]
	for _, h := range m.holds {
		if h.cut < 0 {
			h.cut = m.cut(h)
		}
		if h.cut < 0 || !m.past(h) || !m.retry(h) {
			kept = append(kept, h)
			continue
		}
		delete(m.watch, h.session)
	}
	m.holds = kept
	m.prune()
}

// cut is a frame past which no retry of h can start (capture time grows),
// or -1 while no shard knows one. Shards split the conversations of one
// client and one server (they are chosen by ports too): a retry may be
// in any of them.
func (m *merger) cut(h *hold) int64 {
	for s := range m.lows {
		if m.times[s].After(h.deadline) || m.done(s) {
			return m.upTo[s]
		}
	}
	return -1
}

// past tells whether every conversation that a retry of h may be has
// closed: each shard is past h's cut.
func (m *merger) past(h *hold) bool {
	for _, low := range m.lows {
		if low <= h.cut {
			return false
		}
	}
	return true
}

// retry raises the retry finding of h when there is one; it returns false
// while a session involved has no final id yet.
func (m *merger) retry(h *hold) bool {
	aID, ok := m.watchedID(h.session)
	if !ok {
		return false
	}
	if aID == "" {
		return true // past MaxSessions: its records are not reported
	}
	var cands []*record.Session
	for _, b := range m.recent {
		if !b.Start.After(h.session.Start) || b.Start.After(h.deadline) {
			continue
		}
		id, ok := m.watchedID(b)
		if !ok {
			return false
		}
		if id != "" {
			cp := *b
			cp.ID = id
			cands = append(cands, &cp)
		}
	}
	if len(cands) == 0 {
		return true
	}
	// The rule takes the first retry in output order.
	sortByEnd(cands)
	a := *h.session
	a.ID = aID
	in := make([]record.Record, 0, len(h.tls)+1+len(cands))
	for _, t := range h.tls {
		in = append(in, withSession(t, aID))
	}
	in = append(in, &a)
	for _, b := range cands {
		in = append(in, b)
	}
	for _, f := range findings.Derive(in) {
		if f.ID == findings.TLSDowngradeRetry {
			m.seq++
			m.waiting.push(item{rec: f, frame: f.Frame(), orig: f.Frame(), derived: true, final: true, seq: m.seq})
		}
	}
	return true
}

func (m *merger) watchedID(s *record.Session) (string, bool) {
	if m.passThrough {
		return s.ID, true
	}
	id := m.watch[s]
	return id, id != unnumbered
}

// prune forgets the cleartext sessions no retry can involve any more:
// they started before every conversation still open, and before every
// hold waiting.
func (m *merger) prune() {
	bound := m.watermark()
	for _, h := range m.holds {
		bound = min(bound, h.session.Packet)
	}
	kept := m.recent[:0]
	for _, b := range m.recent {
		if b.Packet >= bound || m.watch[b] == unnumbered {
			kept = append(kept, b)
		} else {
			delete(m.watch, b)
		}
	}
	clear(m.recent[len(kept):])
	m.recent = kept
}

// withSession is a copy of a TLS or STARTTLS record with the final id.
func withSession(r record.Record, id string) record.Record {
	switch r := r.(type) {
	case *record.TLS:
		c := *r
		c.Session = id
		return &c
	case *record.StartTLS:
		c := *r
		c.Session = id
		return &c
	}
	return r
}
