package session

import (
	"sync"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Shards take and give back bytes at the same time: the budget never
// holds more than its size, and ends empty.
func TestBudgetSharedByShards(t *testing.T) {
	b := NewBudget(1000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	over := int64(0)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10000; i++ {
				if b.Take(7) {
					if h := b.Held(); h > b.Max() {
						mu.Lock()
						over = max(over, h)
						mu.Unlock()
					}
					b.Release(7)
				}
			}
		}()
	}
	wg.Wait()
	if over > 0 || b.Held() != 0 {
		t.Fatalf("held %d at most past %d, %d at the end", over, b.Max(), b.Held())
	}
}

func TestBudgetRefusesPastItsSize(t *testing.T) {
	b := NewBudget(10)
	if !b.Take(6) || b.Take(5) || !b.Take(4) || b.Take(1) {
		t.Fatalf("held %d of 10", b.Held())
	}
	b.Release(10)
	var none *Budget
	if !none.Take(1<<40) || !NewBudget(0).Take(1<<40) {
		t.Fatal("a missing budget bounds nothing")
	}
}

// The session says once that the budget is spent, however many messages
// it cuts.
func TestHoldWarnsOncePerSession(t *testing.T) {
	lim := DefaultLimits()
	lim.Held = NewBudget(5)
	s := New("s1", stream.Flow{}, lim, func(record.Record) {}, nil)
	var a, b Reservation
	if !s.Hold(&a, 1, 5) || s.Hold(&b, 2, 1) || s.Hold(&b, 3, 1) {
		t.Fatal("hold past the budget")
	}
	if len(s.Warnings) != 1 || s.Warnings[0].ID != record.WarnSessionHeldBudget || s.Warnings[0].Frame != 2 {
		t.Fatalf("warnings %v", s.Warnings)
	}
	s.Release(&a)
	s.Release(&b)
	if lim.Held.Held() != 0 || a.Used() != 0 {
		t.Fatalf("held %d", lim.Held.Held())
	}
}

// A message reserves the budget in steps: its lines do not each touch
// the shared counter, it never holds a step more than it uses, and a
// step that does not fit gives way to what the line needs.
func TestHoldReservesInSteps(t *testing.T) {
	lim := DefaultLimits()
	lim.Held = NewBudget(1 << 20) // a step of 1 KiB
	s := New("s1", stream.Flow{}, lim, func(record.Record) {}, nil)
	var r Reservation
	for i := 0; i < 100; i++ {
		if !s.Hold(&r, 1, 100) {
			t.Fatal("refused within the budget")
		}
	}
	if r.Used() != 10000 || lim.Held.Held() < 10000 || lim.Held.Held() >= 10000+1024 {
		t.Fatalf("used %d, budget holds %d", r.Used(), lim.Held.Held())
	}
	var big Reservation
	rest := lim.Held.Max() - lim.Held.Held()
	if !s.Hold(&big, 2, rest) || lim.Held.Held() != lim.Held.Max() {
		t.Fatalf("the last %d bytes of the budget were refused (holds %d)", rest, lim.Held.Held())
	}
	s.Release(&r)
	s.Release(&big)
	if lim.Held.Held() != 0 {
		t.Fatalf("held %d after release", lim.Held.Held())
	}
}
