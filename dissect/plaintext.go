package dissect

import (
	"time"

	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// implicitPorts name the protocol inside implicit TLS when the decrypted
// bytes alone cannot tell.
var implicitPorts = map[uint16]verdict{993: IMAP, 995: POP3, 465: SMTP, 585: IMAP}

// plaintextDissector builds the dissector of bytes a key log decrypted:
// after STARTTLS the session's own protocol goes on; inside implicit TLS
// the protocol is recognised from the plaintext as for any conversation,
// the port deciding when the content cannot.
func plaintextDissector(s *session.Session) stream.Handler {
	if mk, ok := dissectors[verdict(s.Proto)]; ok && s.Proto != TLS {
		return mk(s)
	}
	return &detecting{s: s}
}

// detecting holds the first decrypted bytes until their protocol is known.
type detecting struct {
	s    *session.Session
	h    stream.Handler
	done bool
	firstBytes
}

func (d *detecting) Handle(ev *stream.Event) {
	if d.done {
		if d.h != nil {
			d.h.Handle(ev)
		}
		return
	}
	d.keep(ev)
	d.look(ev)
	if v := d.verdict(false); v != "" {
		d.decide(v)
	}
}

func (d *detecting) verdict(end bool) verdict {
	port := d.s.Flow.Server.Port()
	v := detect(d.seen[0], d.seen[1], d.s.Flow.Client.Port(), port)
	if v == TLS || ((v == Unknown || (v == "" && end)) && implicitPorts[port] != "") {
		v = implicitPorts[port]
	}
	if v == "" && end {
		v = Unknown
	}
	return v
}

func (d *detecting) decide(v verdict) {
	d.done = true
	if mk, ok := dissectors[v]; ok && v != TLS {
		d.s.Proto = v
		d.h = mk(d.s)
		d.replay(d.h)
	}
	d.pending = nil
}

func (d *detecting) Close(end time.Time, frame int64) {
	if !d.done {
		d.decide(d.verdict(true))
	}
	if d.h != nil {
		d.h.Close(end, frame)
	}
}
