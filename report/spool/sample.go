package spool

import "github.com/mailwire/mailwire/dissect/record"

// Sample keeps the whole records of a capture's first sessions, up to a
// bound, for the answers that join records of every kind. A session
// joins with its first record while the sample has room; records of no
// session join while there is room. The sessions in it may take as many
// records again as the bound, so that a long session is kept whole but
// not without end.
type Sample struct {
	max       int
	recs      []record.Record
	in        map[string]bool
	full      bool // takes no new session
	unsampled int  // sessions left out
	clipped   bool // records of its sessions left out
}

// NewSample returns an empty sample of about max records.
func NewSample(max int) *Sample {
	if max <= 0 {
		max = DefaultLimits().Sample
	}
	return &Sample{max: max, in: map[string]bool{}}
}

// Add takes the next record in output order.
func (s *Sample) Add(r record.Record) {
	ref := record.SessionRef(r)
	if ref == nil {
		if len(s.recs) < s.max {
			s.recs = append(s.recs, r)
		}
		return
	}
	if !s.in[*ref] {
		if s.full || len(s.recs) >= s.max {
			s.full = true
			if _, ok := r.(*record.Session); ok {
				s.unsampled++ // a session's own record comes last, once
			}
			return
		}
		s.in[*ref] = true
	}
	if len(s.recs) >= 2*s.max {
		s.clipped = true
		return
	}
	s.recs = append(s.recs, r)
}

// Records are the records kept, in output order.
func (s *Sample) Records() []record.Record { return s.recs }

// Unsampled is how many sessions were left out.
func (s *Sample) Unsampled() int { return s.unsampled }

// Clipped tells whether records of the sessions kept were left out.
func (s *Sample) Clipped() bool { return s.clipped }
