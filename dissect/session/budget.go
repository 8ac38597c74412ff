package session

import (
	"sync/atomic"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// Budget bounds the message bytes held at once by every session of a
// capture (SMTP bodies, POP3 retrieved messages, IMAP literals), so that
// many concurrent large transfers cannot fill memory between them. One
// Budget is shared by the shards of a capture, which run in parallel:
// it is safe for concurrent use. A nil Budget, or one of size 0, bounds
// nothing.
type Budget struct {
	max  int64
	held atomic.Int64
}

// NewBudget returns a budget of max bytes (0: no bound).
func NewBudget(max int64) *Budget { return &Budget{max: max} }

// Take reserves n bytes and reports whether they fit; when they do not,
// nothing is reserved.
func (b *Budget) Take(n int64) bool {
	if b == nil || b.max <= 0 || n <= 0 {
		return true
	}
	for {
		held := b.held.Load()
		if held+n > b.max {
			return false
		}
		if b.held.CompareAndSwap(held, held+n) {
			return true
		}
	}
}

// Release gives back n bytes reserved with Take.
func (b *Budget) Release(n int64) {
	if b == nil || b.max <= 0 || n <= 0 {
		return
	}
	b.held.Add(-n)
}

// Max is the size of the budget, in bytes.
func (b *Budget) Max() int64 {
	if b == nil {
		return 0
	}
	return b.max
}

// Held is the number of bytes reserved now.
func (b *Budget) Held() int64 {
	if b == nil {
		return 0
	}
	return b.held.Load()
}

// step is how much of the budget a message reserves at a time: enough
// that a message's lines do not each touch the counter the shards share,
// small beside the budget so that the bound stays close.
func (b *Budget) step() int64 {
	if b == nil {
		return 0
	}
	return max(1, min(64<<10, b.max/1024))
}

// Reservation is what one message holds in the capture's budget. The zero
// Reservation holds nothing.
type Reservation struct {
	taken, used int64
}

// Used is the number of message bytes held.
func (r *Reservation) Used() int64 { return r.used }

// Feed gives p to the analysis of a message within the capture's
// budget. The budget is asked for every byte first, as if all were
// kept; what the analysis did not keep goes back to r at once, for the
// next bytes, and what it kept beyond them (a header held until its end
// while the message's bytes are also kept for extraction) is asked for
// after. It is false when the budget refused: nothing more is to be
// given.
func (s *Session) Feed(r *Reservation, frame int64, m *message.Stream, p []byte) bool {
	if !s.Hold(r, frame, int64(len(p))) {
		return false
	}
	kept := int64(m.Write(p))
	if extra := kept - int64(len(p)); extra > 0 {
		return s.Hold(r, frame, extra)
	}
	r.used -= int64(len(p)) - kept
	return true
}

// Hold reserves n more bytes of the message of r in the capture's budget.
// When they do not fit it says so once per session, and the caller keeps
// no more of the message.
func (s *Session) Hold(r *Reservation, frame, n int64) bool {
	if r.used+n <= r.taken {
		r.used += n
		return true
	}
	need := r.used + n - r.taken
	take := max(need, s.Limits.Held.step())
	if !s.Limits.Held.Take(take) {
		take = need
		if !s.Limits.Held.Take(take) {
			if !s.overBudget {
				s.overBudget = true
				s.Warn(frame, record.WarnSessionHeldBudget, "max", s.Limits.Held.Max())
			}
			return false
		}
	}
	r.taken += take
	r.used += n
	return true
}

// Release gives back what the message of r held, once it is analysed or
// dropped.
func (s *Session) Release(r *Reservation) {
	s.Limits.Held.Release(r.taken)
	*r = Reservation{}
}
