// Package spool keeps what a report needs of one capture's records,
// whatever the capture's size. The records its lists show (sessions,
// credentials, messages, mailboxes, DNS, TLS, findings) stay in memory
// while they are few and move to an unlinked temporary file past that,
// to be read back as often as a renderer lays them out. The answers that
// join records of every kind (the lab's, the exchange ladders) get a
// sample instead: the whole records of the first sessions, up to a
// bound, and the number of sessions left out.
package spool

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/mailwire/mailwire/dissect/record"
)

// Kind is a list a report shows.
type Kind int

// The lists, each in the order the records came.
const (
	Sessions Kind = iota
	Credentials
	Messages
	Mailboxes
	DNS
	TLS
	findings // one list per severity rank, most severe first: Findings(rank)
	kinds    = findings + 5
)

// Findings is the list of the findings whose severity has that rank
// (record.Severity.Rank: 3 for high down to 0 for info, -1 for none of
// them), each list in frame order.
func Findings(rank int) Kind { return findings + Kind(3-min(max(rank, -1), 3)) }

// lists makes an empty record of each list's kind, findings last.
var lists = [...]func() record.Record{
	Sessions:    func() record.Record { return new(record.Session) },
	Credentials: func() record.Record { return new(record.Credential) },
	Messages:    func() record.Record { return new(record.Message) },
	Mailboxes:   func() record.Record { return new(record.Mailbox) },
	DNS:         func() record.Record { return new(record.DNS) },
	TLS:         func() record.Record { return new(record.TLS) },
	findings:    func() record.Record { return new(record.Finding) },
}

// listOf is the list of each kind of record a list shows.
var listOf = func() map[string]Kind {
	m := map[string]Kind{}
	for k, mk := range lists {
		m[mk().Kind()] = Kind(k)
	}
	return m
}()

// kindOf is the list r belongs to; false for the kinds no list shows
// (commands and STARTTLS records reach the report through the sample).
func kindOf(r record.Record) (Kind, bool) {
	k, ok := listOf[r.Kind()]
	if f, finding := r.(*record.Finding); finding {
		k = Findings(f.Severity.Rank())
	}
	return k, ok
}

func newOf(k Kind) record.Record { return lists[min(k, findings)]() }

// Limits bound what a spool holds in memory.
type Limits struct {
	// InMemory is how many listed records stay in memory; past it every
	// list moves to a temporary file.
	InMemory int
	// Sample is how many records the sample holds before it takes no
	// new session; the sessions already in it may take as many again.
	Sample int
	// Failed is how many sessions' failed STARTTLS are remembered for
	// the sessions table; past it they are told as a plain failure.
	Failed int
	// Dir is where the temporary file goes; "" is os.TempDir().
	Dir string
}

// DefaultLimits keep a report's memory to some tens of MiB.
func DefaultLimits() Limits {
	return Limits{InMemory: 20000, Sample: 20000, Failed: 100000}
}

// SharedLimits share the default bounds between the n captures of one
// report, which are all held until it is laid out, down to floors that
// still sample a lab capture whole.
func SharedLimits(n int) Limits {
	lim := DefaultLimits()
	if n > 1 {
		lim.InMemory = max(1000, lim.InMemory/n)
		lim.Sample = max(2000, lim.Sample/n)
		lim.Failed = max(1000, lim.Failed/n)
	}
	return lim
}

// Spool is one capture's records for a report. Add them in output
// order, then read them back with Each, Sample and FailedStartTLS.
// A spool is not safe for concurrent use.
type Spool struct {
	lim   Limits
	mem   [kinds][]record.Record
	count [kinds]int
	files [kinds]*os.File // one per list once spilled, unlinked
	w     [kinds]*bufio.Writer
	size  [kinds]int64
	err   error

	sample *Sample
	failed map[string]*record.StartTLS

	// last is the frame of the last finding of each list; late keeps,
	// in memory, the findings that came after one of a later frame (the
	// capture's own, which come at its end; live output from several
	// shares), and Each puts them in their place.
	last [kinds]int64
	late [kinds][]record.Record
}

// maxLate bounds the findings kept aside: past it, they go to their list
// as they came.
const maxLate = 10000

// New returns an empty spool.
func New(lim Limits) *Spool {
	d := DefaultLimits()
	if lim.InMemory <= 0 {
		lim.InMemory = d.InMemory
	}
	if lim.Sample <= 0 {
		lim.Sample = d.Sample
	}
	if lim.Failed <= 0 {
		lim.Failed = d.Failed
	}
	return &Spool{lim: lim, sample: NewSample(lim.Sample), failed: map[string]*record.StartTLS{}}
}

// Of is a spool of records already in memory (tests, small captures).
func Of(recs []record.Record) *Spool {
	s := New(Limits{InMemory: len(recs) + 1, Sample: len(recs) + 1})
	for _, r := range recs {
		s.Add(r)
	}
	return s
}

// Add takes the next record in output order.
func (s *Spool) Add(r record.Record) {
	s.sample.Add(r)
	if st, ok := r.(*record.StartTLS); ok {
		s.noteStartTLS(st)
	}
	k, ok := kindOf(r)
	if !ok {
		return
	}
	s.count[k]++
	if s.err != nil {
		return // the report will not be laid out: keep nothing more
	}
	if k >= findings {
		f := r.Frame()
		if f < s.last[k] && len(s.late[k]) < maxLate {
			s.late[k] = append(s.late[k], r)
			return
		}
		s.last[k] = max(s.last[k], f)
	}
	if !s.Spilled() {
		s.mem[k] = append(s.mem[k], r)
		if s.inMemory() > s.lim.InMemory {
			s.spill()
		}
		return
	}
	s.write(k, r)
}

// inMemory is how many listed records are in memory.
func (s *Spool) inMemory() int {
	n := 0
	for _, l := range s.mem {
		n += len(l)
	}
	return n
}

// noteStartTLS remembers the first STARTTLS of a session that went
// wrong: refused, or accepted and never followed by TLS.
func (s *Spool) noteStartTLS(st *record.StartTLS) {
	if !(st.Requested && !st.Accepted) && !(st.Accepted && !st.TLSSeen) {
		return
	}
	if _, ok := s.failed[st.Session]; ok || len(s.failed) >= s.lim.Failed {
		return
	}
	s.failed[st.Session] = st
}

// spill moves every list to a temporary file of its own.
func (s *Spool) spill() {
	for k := range s.files {
		f, err := os.CreateTemp(s.lim.Dir, "mailwire-report-*")
		if err != nil {
			s.fail(err)
			s.Close()
			s.mem = [kinds][]record.Record{}
			return
		}
		// Unlinked at once: the file lives as long as it is open and is
		// gone whatever way the program ends.
		os.Remove(f.Name())
		s.files[k], s.w[k] = f, bufio.NewWriterSize(f, 64<<10)
	}
	for k := range s.mem {
		for _, r := range s.mem[k] {
			s.write(Kind(k), r)
		}
		s.mem[k] = nil
	}
}

// warning is a record.Warning as a list's file keeps it: with its id,
// which the record's JSON, an English sentence, leaves out.
type warning struct {
	Frame int64             `json:"f,omitempty"`
	ID    record.WarningID  `json:"i,omitempty"`
	Args  map[string]string `json:"a,omitempty"`
	File  string            `json:"n,omitempty"`
	Text  string            `json:"t,omitempty"`
}

// write adds r to its list's file as one line: its warnings, a tab, and
// its JSON (JSON strings escape tabs).
func (s *Spool) write(k Kind, r record.Record) {
	if s.err != nil {
		return
	}
	body, err := json.Marshal(r)
	if err != nil {
		s.fail(err)
		return
	}
	var lists [][]warning
	record.WarningLists(r, func(ws []record.Warning) {
		saved := make([]warning, len(ws))
		for i, w := range ws {
			saved[i] = warning{w.Frame, w.ID, w.Args, w.File, w.Text}
		}
		lists = append(lists, saved)
	})
	b, err := json.Marshal(lists)
	if err != nil {
		s.fail(err)
		return
	}
	b = append(append(append(b, '\t'), body...), '\n')
	n, err := s.w[k].Write(b)
	s.size[k] += int64(n)
	if err != nil {
		s.fail(err)
	}
}

func (s *Spool) fail(err error) {
	if s.err == nil {
		s.err = fmt.Errorf("%w: %w", ErrSpool, err)
	}
}

// ErrSpool wraps the errors of the temporary files: the report cannot
// be laid out without them.
var ErrSpool = errors.New("spool")

// Err is the first error of the temporary file, if any.
func (s *Spool) Err() error { return s.err }

// Count is how many records the list of kind k holds.
func (s *Spool) Count(k Kind) int { return s.count[k] }

// Worst is the rank of the most severe finding (record.Severity.Rank),
// -1 when there is none.
func (s *Spool) Worst() int {
	for rank := 3; rank >= 0; rank-- {
		if s.count[Findings(rank)] > 0 {
			return rank
		}
	}
	return -1
}

// FindingCount is how many findings the lists hold, of every severity.
func (s *Spool) FindingCount() int {
	n := 0
	for k := findings; k < kinds; k++ {
		n += s.count[k]
	}
	return n
}

// Spilled tells whether the lists are in temporary files.
func (s *Spool) Spilled() bool { return s.files[0] != nil }

// Each calls yield with the records of kind k in the order they came,
// findings in frame order, until it returns false. Records read back
// from a file are copies; a read error stops the list and is kept for
// Err.
func (s *Spool) Each(k Kind, yield func(record.Record) bool) {
	if len(s.late[k]) == 0 {
		s.each(k, yield)
		return
	}
	late := slices.Clone(s.late[k])
	slices.SortStableFunc(late, func(a, b record.Record) int { return cmp.Compare(a.Frame(), b.Frame()) })
	more := true
	s.each(k, func(r record.Record) bool {
		for len(late) > 0 && late[0].Frame() < r.Frame() {
			if more = yield(late[0]); !more {
				return false
			}
			late = late[1:]
		}
		more = yield(r)
		return more
	})
	for _, r := range late {
		if !more || !yield(r) {
			return
		}
	}
}

func (s *Spool) each(k Kind, yield func(record.Record) bool) {
	if !s.Spilled() {
		for _, r := range s.mem[k] {
			if !yield(r) {
				return
			}
		}
		return
	}
	if s.err != nil {
		return
	}
	if err := s.w[k].Flush(); err != nil {
		s.fail(err)
		return
	}
	br := bufio.NewReaderSize(io.NewSectionReader(s.files[k], 0, s.size[k]), 64<<10)
	for {
		b, err := br.ReadBytes('\n')
		if err == io.EOF && len(b) == 0 {
			return
		}
		if err != nil {
			s.fail(err)
			return
		}
		r, err := decode(k, b)
		if err != nil {
			s.fail(err)
			return
		}
		if !yield(r) {
			return
		}
	}
}

// decode reads back one line of a list's file.
func decode(k Kind, b []byte) (record.Record, error) {
	tab := bytes.IndexByte(b, '\t')
	if tab < 0 {
		return nil, errors.New("a line without its warnings")
	}
	var lists [][]warning
	if err := json.Unmarshal(b[:tab], &lists); err != nil {
		return nil, err
	}
	r := newOf(k)
	if err := json.Unmarshal(b[tab+1:], r); err != nil {
		return nil, err
	}
	i := 0
	record.WarningLists(r, func(ws []record.Warning) {
		if i < len(lists) && len(lists[i]) == len(ws) {
			for j, w := range lists[i] {
				ws[j] = record.Warning{Frame: w.Frame, ID: w.ID, Args: w.Args, File: w.File, Text: w.Text}
			}
		}
		i++
	})
	return r, nil
}

// Sample is the spool's sample of whole sessions.
func (s *Spool) Sample() *Sample { return s.sample }

// FailedStartTLS is the first STARTTLS of session id that was refused or
// never followed by TLS, or nil.
func (s *Spool) FailedStartTLS(id string) *record.StartTLS { return s.failed[id] }

// Close removes the temporary files.
func (s *Spool) Close() error {
	var err error
	for k, f := range s.files {
		if f != nil {
			err = errors.Join(err, f.Close())
		}
		s.files[k], s.w[k] = nil, nil
	}
	return err
}
