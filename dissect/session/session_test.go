package session

import (
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

func TestSecurityTransitions(t *testing.T) {
	tests := []struct {
		name  string
		moves []func(*Session)
		want  record.Security
	}{
		{"StartsInClear", nil, Cleartext},
		{"Implicit", []func(*Session){(*Session).BeginImplicitTLS}, ImplicitTLS},
		{"Upgraded", []func(*Session){(*Session).Upgraded}, StartTLS},
		{"Refused", []func(*Session){(*Session).UpgradeFailed}, StartTLSFailed},
		{"RefusedThenUpgradedOnRetry", []func(*Session){(*Session).UpgradeFailed, (*Session).Upgraded}, StartTLS},
		{"UpgradedThenHandshakeFailed", []func(*Session){(*Session).Upgraded, (*Session).UpgradeFailed}, StartTLSFailed},
		{"ImplicitNeverBecomesAFailedUpgrade", []func(*Session){(*Session).BeginImplicitTLS, (*Session).UpgradeFailed}, ImplicitTLS},
		{"ImplicitIsNoUpgrade", []func(*Session){(*Session).BeginImplicitTLS, (*Session).Upgraded}, ImplicitTLS},
		{"NoImplicitAfterAnUpgrade", []func(*Session){(*Session).Upgraded, (*Session).BeginImplicitTLS}, StartTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New("s1", stream.Flow{}, DefaultLimits(), func(record.Record) {}, nil)
			for _, m := range tt.moves {
				m(s)
			}
			if s.Security() != tt.want {
				t.Fatalf("security %q, want %q", s.Security(), tt.want)
			}
		})
	}
}

type sink struct{ frames []int64 }

func (k *sink) Handle(ev *stream.Event) { k.frames = append(k.frames, ev.Frame) }
func (*sink) Close(time.Time, int64)    {}

func TestTLSCountsEncryptedBytesFromItsFirstFrame(t *testing.T) {
	k := &sink{}
	s := New("s1", stream.Flow{}, DefaultLimits(), func(record.Record) {}, func(*Session) stream.Handler { return k })
	h := s.TLS(7)
	h.Handle(&stream.Event{Data: []byte("abc"), Frame: 7})
	h.Handle(&stream.Event{Data: []byte("de"), Frame: 9})
	if s.TLSFrame() != 7 || s.EncryptedBytes() != 5 || len(k.frames) != 2 {
		t.Fatalf("tls frame %d, %d bytes, handler got %v", s.TLSFrame(), s.EncryptedBytes(), k.frames)
	}

	s = New("s2", stream.Flow{}, DefaultLimits(), func(record.Record) {}, nil)
	e := s.Encrypted(&sink{})
	e.Handle(&stream.Event{Frame: 2, Gap: 10})
	e.Handle(&stream.Event{Data: []byte("x"), Frame: 3})
	if s.TLSFrame() != 3 || s.EncryptedBytes() != 1 {
		t.Fatalf("implicit: tls frame %d, %d bytes", s.TLSFrame(), s.EncryptedBytes())
	}
}
