package pipeline

import (
	"time"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/report/findings"
)

// shard wraps the dissectors of one reassembly shard. It knows which of
// its conversations are still open, derives each session's findings when
// the session closes, and passes its records on at every checkpoint with
// the lowest frame it could still produce a record for.
type shard struct {
	id     int
	an     *dissect.Analyzer
	dns    lowFrame // the analyzer's DNS tracker
	reveal bool
	// transform sees each record before it is redacted (S/MIME
	// decryption with the keys given).
	transform func(record.Record)
	// immediate passes each record on at once (live output).
	immediate bool
	upTo      int64
	time      time.Time
	lastLow   int64 // at the last checkpoint
	// current is the conversation whose handler is running: the records
	// emitted meanwhile are its own.
	current *openConv
	// open holds the conversations not yet closed: the first data each
	// of them carried bounds what the shard can still emit.
	open      []*openConv
	bySession map[string][]record.Record
	// commands counts each open session's commands, to list only the
	// first maxCommands of them.
	commands map[string]int
	out      []item
	pending  shardReport
	send     func(shardReport)
}

// lowFrame is the DNS tracker's lowest pending query frame from a frame
// on.
type lowFrame interface{ Low(from int64) int64 }

// detachAfter is how many frames a conversation, or a DNS query waiting
// for its answer, holds back the records of everything after it. Past
// that it is detached: it no longer holds them back, and each of its own
// later records is placed just after the last checkpoint before it was
// made, as if completed there. What waits to be put in order is so
// bounded by frames, not by how long a conversation stays open.
const detachAfter = 1 << 16

// detached tells whether a conversation or query that began at frame
// first is detached at the last checkpoint.
func (s *shard) detached(first int64) bool { return first > 0 && first < s.upTo-detachAfter }

// key is where a record of frame f goes in the output: f, or just after
// the last checkpoint when what it comes from (a conversation or a query
// that began at frame from) is detached.
func (s *shard) key(f, from int64) int64 {
	if s.detached(from) {
		return max(f, s.upTo+1)
	}
	return f
}

// source is the first frame of what r comes from: the conversation whose
// handler runs, or the DNS query it answers.
func (s *shard) source(r record.Record) int64 {
	if d, ok := r.(*record.DNS); ok {
		return d.Packet
	}
	if s.current != nil {
		return s.current.first
	}
	return 0
}

// openConv is what the shard knows of an open conversation: the frame of
// its first packet with data (0 while none came; a record only ever cites
// frames of its conversation's data, or the frame that closed it).
type openConv struct {
	first  int64
	closed bool
	// session, when the conversation's dissector can say, is its mail
	// session; told is set once the merger was told of it early.
	session func() (id string, detect, first int64)
	told    bool
}

// early is a session told to the merger before its record, so that it
// is numbered in its turn while its conversation stays open.
type early struct {
	id            string
	detect, first int64
}

// sessionTeller is the dissector of a conversation that knows its mail
// session (dissect's).
type sessionTeller interface {
	Session() (id string, detect, first int64)
}

// shardReport is what a shard passes to the merger at a checkpoint.
type shardReport struct {
	shard int
	items []item
	// low is the lowest frame the shard could still emit a record for.
	low  int64
	upTo int64
	time time.Time
	done bool
	// probes are the sessions closed since the last report whose TLS
	// failed, with what the retry rule needs of them.
	probes []probe
	// cleartext are the cleartext sessions closed since the last report.
	cleartext []*record.Session
	// early are the sessions of conversations detached since the last
	// report, to be numbered before they close.
	early []early
}

// probe is a closed session whose TLS failed: a cleartext session from the
// same client to the same server soon after is a downgrade retry.
type probe struct {
	session   *record.Session
	failFrame int64
	tls       []record.Record
}

// item is one record waiting in the merger. derived findings come after
// the records of their frame, as they were appended after them.
type item struct {
	rec     record.Record
	frame   int64 // its place: its frame, or later for a detached conversation's
	orig    int64 // its own frame
	derived bool
	final   bool // session ids are final already
	seq     int64
}

// maxCommands bounds the commands listed per session: a session of
// millions of NOOPs says no more with all of them listed.
const maxCommands = 10000

func (s *shard) emit(r record.Record) {
	if s.transform != nil {
		s.transform(r)
	}
	if c, ok := r.(*record.Command); ok {
		s.commands[c.Session]++
		if s.commands[c.Session] > maxCommands {
			return
		}
	}
	record.Redact(r, s.reveal)
	// Live output holds a session's findings until it closes: the lab
	// question they answer (lab.Tag, in findings.Derive) needs it whole.
	if f, ok := r.(*record.Finding); !ok || !s.immediate || f.Session == "" {
		s.out = append(s.out, s.item(r, false, s.source(r)))
	}
	switch r := r.(type) {
	case *record.Session:
		s.closeSession(r)
	case *record.DNS:
		s.derive([]record.Record{r})
	default:
		if ref := record.SessionRef(r); ref != nil && *ref != "" {
			s.bySession[*ref] = append(s.bySession[*ref], r)
		}
	}
	if s.immediate {
		s.flush(s.lastLow, false)
	}
}

// closeSession derives the findings of a session that just closed: all
// of its records are known.
func (s *shard) closeSession(sess *record.Session) {
	if n := s.commands[sess.ID] - maxCommands; n > 0 {
		sess.Warnings = append(sess.Warnings, record.NewWarning(0, record.WarnSessionCommandsDropped, "count", n, "max", maxCommands))
	}
	delete(s.commands, sess.ID)
	recs := append(s.bySession[sess.ID], sess)
	delete(s.bySession, sess.ID)
	for _, r := range recs {
		if f, ok := r.(*record.Finding); ok && s.immediate {
			s.out = append(s.out, s.item(f, false, s.source(f)))
		}
	}
	s.derive(recs)
	if p, ok := retryProbe(sess, recs); ok {
		s.pending.probes = append(s.pending.probes, p)
	}
	if sess.Security == record.SecurityCleartext {
		s.pending.cleartext = append(s.pending.cleartext, sess)
	}
}

func (s *shard) derive(recs []record.Record) {
	from := s.source(recs[0])
	for _, f := range findings.Derive(recs) {
		if f.ID == findings.TLSDowngradeRetry {
			continue // across sessions: the merger's job
		}
		s.out = append(s.out, s.item(f, true, from))
	}
}

// item is r waiting in the merger, at its place in the output; from is
// the first frame of what r comes from.
func (s *shard) item(r record.Record, derived bool, from int64) item {
	return item{rec: r, frame: s.key(r.Frame(), from), orig: r.Frame(), derived: derived}
}

// retryProbe tells whether sess's TLS failed, and at which frame, by
// asking the retry rule about a made-up cleartext retry of it: the rule
// stays in one place, package findings.
func retryProbe(sess *record.Session, recs []record.Record) (probe, bool) {
	if sess.Security != record.SecurityStartTLSFailed && !hasAlert(recs) {
		return probe{}, false
	}
	var tls []record.Record
	for _, r := range recs {
		switch r.(type) {
		case *record.TLS, *record.StartTLS:
			tls = append(tls, r)
		}
	}
	retry := *sess
	retry.ID = sess.ID + "~retry"
	retry.Security = record.SecurityCleartext
	retry.Start = sess.Start.Add(time.Nanosecond)
	retry.Packet = 1 << 62
	in := append(append([]record.Record{}, tls...), sess, &retry)
	for _, f := range findings.Derive(in) {
		if f.ID == findings.TLSDowngradeRetry {
			return probe{session: sess, failFrame: f.Packet, tls: tls}, true
		}
	}
	return probe{}, false
}

func hasAlert(recs []record.Record) bool {
	for _, r := range recs {
		if t, ok := r.(*record.TLS); ok && t.Alert != "" {
			return true
		}
	}
	return false
}

// NewConversation notes the conversation as open until it closes.
func (s *shard) NewConversation(flow stream.Flow, mid bool, start time.Time, frame int64) stream.Handler {
	oc := &openConv{}
	s.open = append(s.open, oc)
	h := s.an.NewConversation(flow, mid, start, frame)
	obs, _ := h.(stream.PacketObserver)
	if st, ok := h.(sessionTeller); ok {
		oc.session = st.Session
	}
	return &tracked{h, obs, oc, s}
}

func (s *shard) Datagram(d *stream.Datagram) { s.an.Datagram(d) }

// Checkpoint passes on the records emitted since the last one.
func (s *shard) Checkpoint(upTo int64, t time.Time, done bool) {
	if done {
		s.an.Finish()
	}
	s.upTo, s.time = upTo, t
	s.lastLow = s.low(upTo)
	s.flush(s.lastLow, done)
}

// flush sends what was emitted since the last report.
func (s *shard) flush(low int64, done bool) {
	rep := s.pending
	s.pending = shardReport{}
	rep.shard, rep.items, rep.upTo, rep.time, rep.done, rep.low = s.id, s.out, s.upTo, s.time, done, low
	s.out = nil
	s.send(rep)
}

// low is the lowest frame a record of this shard could still carry: the
// first packet of its oldest open conversation, its oldest unanswered DNS
// query, or the next packet it will see.
func (s *shard) low(upTo int64) int64 {
	low := upTo + 1
	kept := s.open[:0]
	for _, oc := range s.open {
		if oc.closed {
			continue
		}
		kept = append(kept, oc)
		switch {
		case oc.first > 0 && !s.detached(oc.first):
			low = min(low, oc.first)
		case oc.first > 0 && !oc.told && oc.session != nil:
			// Detached: its session, once recognised, is numbered in its
			// turn, which this report still holds.
			if id, detect, first := oc.session(); id != "" {
				oc.told = true
				s.pending.early = append(s.pending.early, early{id, detect, first})
				low = min(low, detect)
			}
		}
	}
	clear(s.open[len(kept):])
	s.open = kept
	if s.dns != nil {
		if f := s.dns.Low(max(s.upTo-detachAfter, 0)); f > 0 {
			low = min(low, f)
		}
	}
	return low
}

// tracked notes its conversation's first data and when it closes.
type tracked struct {
	stream.Handler
	obs stream.PacketObserver
	oc  *openConv
	sh  *shard
}

func (t *tracked) Handle(ev *stream.Event) {
	t.sh.current = t.oc
	t.Handler.Handle(ev)
	t.sh.current = nil
}

func (t *tracked) Packet(dir stream.Direction, ts time.Time, frame int64, payload int) {
	if payload > 0 && t.oc.first == 0 {
		t.oc.first = frame
	}
	if t.obs != nil {
		t.obs.Packet(dir, ts, frame, payload)
	}
}

func (t *tracked) Close(end time.Time, frame int64) {
	t.sh.current = t.oc
	t.Handler.Close(end, frame)
	t.sh.current = nil
	t.oc.closed = true
}
