// Package tls reads what the cleartext part of a TLS conversation shows to
// an eavesdropper: the hellos (versions, cipher suites, SNI, ALPN, groups,
// fingerprints), the server certificate up to TLS 1.2, alerts in clear, and
// how far the handshake went. Once a direction is encrypted it only counts
// records. It never decrypts anything.
package tls

import (
	"time"

	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// New returns the handler for the TLS part of a conversation: the whole of
// it when implicit (993, 995, 465, or a first client record that Looks like
// TLS), or what follows an accepted STARTTLS/STLS otherwise. It takes the
// events of both directions in capture order.
func New(s *session.Session, implicit bool) stream.Handler {
	if implicit {
		s.Security = session.ImplicitTLS
		if s.Proto == "unknown" || s.Proto == "" {
			s.Proto = "tls"
		}
	}
	return &handler{s: s, implicit: implicit}
}

// handler is one conversation's TLS state.
type handler struct {
	s        *session.Session
	implicit bool
}

func (h *handler) Handle(ev *stream.Event) {}

func (h *handler) Close(end time.Time, frame int64) {}

// Looks reports whether b starts like a TLS record (content type 20..24,
// version 3.0 to 3.4) or like an SSLv2-compatible ClientHello. It needs at
// least three bytes (five for SSLv2).
func Looks(b []byte) bool {
	if len(b) >= 3 && b[0] >= 20 && b[0] <= 24 && b[1] == 3 && b[2] <= 4 {
		return true
	}
	return looksSSLv2(b)
}

// looksSSLv2 recognises the two-byte header of an SSLv2 record holding a
// ClientHello (message type 1) of version 2.0 or 3.x.
func looksSSLv2(b []byte) bool {
	if len(b) < 5 || b[0]&0x80 == 0 || b[2] != 1 {
		return false
	}
	n := int(b[0]&0x7f)<<8 | int(b[1])
	if n < 9 {
		return false
	}
	return (b[3] == 0 && b[4] == 2) || (b[3] == 3 && b[4] <= 3)
}
