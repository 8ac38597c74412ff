package dissect

import (
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/tunnel"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// openTunnel starts reading a proxy handshake; what the tunnel carries is
// recognised afterwards like a conversation of its own, in the same
// session. The session gets its id only when that is mail.
func (c *conv) openTunnel() {
	kind := tunnel.Detect(c.seen[stream.ClientToServer])
	c.tun = tunnel.New(c.s, kind, func() stream.Handler { return &inner{c: c} })
	c.h = c.tun
	c.replay(c.h)
}

// inner recognises the protocol inside an open tunnel.
type inner struct {
	c       *conv
	h       stream.Handler
	decided bool
	firstBytes
}

func (in *inner) Handle(ev *stream.Event) {
	if in.decided {
		if in.h != nil {
			in.h.Handle(ev)
		}
		return
	}
	in.keep(ev)
	in.look(ev)
	if v := detect(in.seen[0], in.seen[1], 0, in.targetPort()); v != "" {
		in.decide(v, ev.Frame)
	}
}

// targetPort is the port the proxy connected to, for the port hints of
// detection (0 when unknown).
func (in *inner) targetPort() uint16 { return targetPort(in.c.tun.Tunnel().Target) }

// targetPort is the port of a tunnel's host:port target, 0 when unknown.
func targetPort(t string) uint16 {
	i := strings.LastIndexByte(t, ':')
	if i < 0 {
		return 0
	}
	p, err := strconv.ParseUint(t[i+1:], 10, 16)
	if err != nil {
		return 0
	}
	return uint16(p)
}

// decide starts the mail dissector inside the tunnel, giving the session
// its id; anything that is not mail is not dissected.
func (in *inner) decide(v verdict, frame int64) {
	in.decided = true
	c := in.c
	if _, ok := dissectors[v]; !ok || !c.admit() {
		in.pending = nil
		return
	}
	c.rec.DetectFrame = frame
	c.rec.Proto = v
	c.s.Proto = v
	t := c.tun.Tunnel()
	c.s.Finding(&record.Finding{
		ID: record.FindingMailThroughProxy, Severity: record.SeverityInfo,
		Frames: []int64{t.Packet, t.ReplyPacket},
		Args:   map[string]string{"kind": t.Kind, "proxy": c.rec.Server, "target": t.Target},
	})
	for _, r := range c.tun.Credentials() {
		if s := record.SessionRef(r); s != nil {
			*s = c.s.ID
		}
		c.a.emit(r)
	}
	in.h = c.a.dissector(v, c.s)
	in.replay(in.h)
}

func (in *inner) Close(end time.Time, frame int64) {
	if !in.decided {
		v := detect(in.seen[0], in.seen[1], 0, in.targetPort())
		if v == "" {
			v = Unknown
		}
		in.decide(v, frame)
	}
	if in.h != nil {
		in.h.Close(end, frame)
	}
}

// keepTunnel gives a session to a tunnel that carried no mail (the proxy
// refused it, it was cut, or what it carried is not mail) when it still
// tells something: it was headed for a mail port, or the client gave the
// proxy a credential, which crossed in clear. Other tunnels (web traffic
// through the same proxy) stay out of a mail report, counted as unknown.
func (c *conv) keepTunnel(frame int64) bool {
	t := c.tun.Tunnel()
	creds := c.tun.Credentials()
	p := targetPort(t.Target)
	if !tlsPorts[p] && mailPorts[p] == "" && len(creds) == 0 {
		return false
	}
	if !c.admit() {
		return false
	}
	c.rec.Proto, c.s.Proto = Unknown, Unknown
	if t.Accepted {
		c.s.Warn(frame, record.WarnTunnelNoMail, "kind", t.Kind, "target", t.Target)
	}
	for _, r := range creds {
		if s := record.SessionRef(r); s != nil {
			*s = c.s.ID
		}
		c.a.emit(r)
	}
	return true
}
