// Package tunnel reads the proxy handshakes that can open a mail
// conversation, HTTP CONNECT (RFC 9110 9.3.6) and SOCKS 4, 4a and 5
// (RFC 1928, with the username/password method of RFC 1929), from both
// directions in capture order. It records where the proxy was asked to
// connect and the credentials the client gave it, then hands every later
// byte to the handler of what the tunnel carries.
package tunnel

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/sasl"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Kinds of tunnel, as in record.Tunnel.
const (
	HTTPConnect = "http-connect"
	SOCKS4      = "socks4"
	SOCKS4a     = "socks4a"
	SOCKS5      = "socks5"
)

// maxHandshake bounds the bytes of each direction kept while the
// handshake is read; a real one is a few hundred bytes.
const maxHandshake = 8 << 10

// Detect tells from the client's first bytes whether they open a proxy
// handshake, and which.
func Detect(b []byte) string {
	switch {
	case len(b) >= 8 && hasPrefixFold(b, "CONNECT "):
		line, _, _ := bytes.Cut(b, []byte("\n"))
		if bytes.Contains(line, []byte(" HTTP/1.")) {
			return HTTPConnect
		}
	case len(b) >= 9 && b[0] == 4 && (b[1] == 1 || b[1] == 2) && bytes.IndexByte(b[8:], 0) >= 0:
		if b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0 {
			return SOCKS4a
		}
		return SOCKS4
	case len(b) >= 3 && b[0] == 5 && b[1] >= 1 && b[1] <= 16 && len(b) >= 2+int(b[1]) && socksMethods(b[2:2+int(b[1])]):
		return SOCKS5
	}
	return ""
}

// socksMethods checks a SOCKS5 method list: assigned methods (0-9) or
// private ones (0x80-0xfe).
func socksMethods(m []byte) bool {
	for _, c := range m {
		if c > 9 && (c < 0x80 || c == 0xff) {
			return false
		}
	}
	return true
}

// Handler follows one tunnel.
type Handler struct {
	s     *session.Session
	kind  string
	in    [2]queue // handshake bytes of each direction
	step  int      // the next handshake message expected
	auth  bool     // SOCKS5: the server chose username/password
	rec   record.Tunnel
	creds []record.Record
	inner func() stream.Handler
	h     stream.Handler // what the tunnel carries, once open
	dead  bool           // refused or unreadable: nothing more is read
}

// New returns the handler of a tunnel of kind; inner builds the handler
// of what it carries, once the proxy accepted.
func New(s *session.Session, kind string, inner func() stream.Handler) *Handler {
	return &Handler{s: s, kind: kind, inner: inner, rec: record.Tunnel{Kind: kind}}
}

// Tunnel is what the handshake showed.
func (t *Handler) Tunnel() *record.Tunnel { r := t.rec; return &r }

// Credentials returns the credentials the client gave the proxy, for the
// caller to send on once the session has its id.
func (t *Handler) Credentials() []record.Record {
	c := t.creds
	t.creds = nil
	return c
}

// Open reports whether the proxy accepted and the tunnel carries data.
func (t *Handler) Open() bool { return t.h != nil }

// Handle takes one event of either direction.
func (t *Handler) Handle(ev *stream.Event) {
	switch {
	case t.h != nil:
		t.h.Handle(ev)
		return
	case t.dead:
		return
	}
	q := &t.in[ev.Dir]
	if ev.Gap > 0 {
		t.s.Warn(ev.Frame, record.WarnTunnelGap, "bytes", ev.Gap, "dir", ev.Dir, "kind", t.kind)
		t.dead = true
		return
	}
	if q.size+len(ev.Data) > maxHandshake {
		t.s.Warn(ev.Frame, record.WarnTunnelTooLong, "kind", t.kind, "max", maxHandshake)
		t.dead = true
		return
	}
	q.push(ev)
	for !t.dead && t.h == nil && t.advance() {
	}
}

// Close ends the tunnel and what it carries.
func (t *Handler) Close(end time.Time, frame int64) {
	if t.h != nil {
		t.h.Close(end, frame)
	}
}

// advance reads the next handshake message when its bytes are all there.
func (t *Handler) advance() bool {
	switch t.kind {
	case HTTPConnect:
		return t.http()
	case SOCKS4, SOCKS4a:
		return t.socks4()
	}
	return t.socks5()
}

// open starts what the tunnel carries with the bytes already buffered
// past the handshake, in capture order.
func (t *Handler) open() {
	t.h = t.inner()
	evs := append(t.in[0].rest(), t.in[1].rest()...)
	sortByFrame(evs)
	for i := range evs {
		t.h.Handle(&evs[i])
	}
}

// refused stops reading a tunnel the proxy refused.
func (t *Handler) refused(frame int64) {
	t.dead = true
	t.s.Warn(frame, record.WarnTunnelRefused, "kind", t.kind, "target", t.rec.Target, "reply", t.rec.Reply)
}

func (t *Handler) http() bool {
	c, s := &t.in[stream.ClientToServer], &t.in[stream.ServerToClient]
	switch t.step {
	case 0:
		head, n := httpHead(c.bytes())
		if n == 0 {
			return false
		}
		t.rec.Packet = c.frameAt()
		line, fields, _ := strings.Cut(head, "\n")
		if f := strings.Fields(line); len(f) >= 2 {
			t.rec.Target = clean(f[1])
		}
		for _, l := range strings.Split(fields, "\n") {
			name, value, _ := strings.Cut(l, ":")
			if strings.EqualFold(strings.TrimSpace(name), "Proxy-Authorization") {
				t.basic(strings.TrimSpace(value), t.rec.Packet)
			}
		}
		c.consume(n)
	case 1:
		head, n := httpHead(s.bytes())
		if n == 0 {
			return false
		}
		t.rec.ReplyPacket = s.frameAt()
		line, _, _ := strings.Cut(head, "\n")
		f := strings.Fields(line)
		t.rec.Reply = clean(strings.TrimSpace(strings.TrimPrefix(line, firstOr(f))))
		t.rec.Accepted = len(f) >= 2 && strings.HasPrefix(f[1], "2")
		s.consume(n)
		t.answer()
		if !t.rec.Accepted {
			t.refused(t.rec.ReplyPacket)
			return false
		}
		t.open()
		return false
	}
	t.step++
	return true
}

// basic reads "Basic base64(user:pass)": the user is what precedes the
// first colon (RFC 7617 forbids one in it), the rest the password. What
// does not decode is a secret as a whole.
func (t *Handler) basic(v string, frame int64) {
	scheme, b64, _ := strings.Cut(v, " ")
	c := &record.Credential{Session: t.s.ID, Proto: record.ProtoHTTP, Mechanism: strings.ToUpper(clean(scheme)), Packet: frame}
	msg, form := sasl.Decode([]byte(strings.TrimSpace(b64)))
	user, pass, ok := bytes.Cut(msg, []byte(":"))
	switch {
	case !strings.EqualFold(scheme, "basic"):
		c.SetPassword(string(msg))
	case form != sasl.Clean || !ok:
		c.SetPassword(string(msg))
		c.Malformed = record.MalformedNotBase64
		if form == sasl.Clean {
			c.Malformed = record.MalformedNoSeparator
		}
	default:
		c.Username = clean(string(user))
		c.SetPassword(string(pass))
		c.Recoverable = true
		t.rec.User = c.Username
	}
	t.creds = append(t.creds, c)
}

// answer fills the credentials with the proxy's verdict.
func (t *Handler) answer() {
	for _, r := range t.creds {
		if c, ok := r.(*record.Credential); ok && c.Accepted == nil {
			c.Accepted = record.Bool(t.rec.Accepted)
			c.Reply, c.ReplyPacket = t.rec.Reply, t.rec.ReplyPacket
		}
	}
}

func (t *Handler) socks4() bool {
	c, s := &t.in[stream.ClientToServer], &t.in[stream.ServerToClient]
	switch t.step {
	case 0:
		b := c.bytes()
		if len(b) < 9 {
			return false
		}
		end := bytes.IndexByte(b[8:], 0)
		if end < 0 {
			return false
		}
		n := 8 + end + 1
		host := netip.AddrFrom4([4]byte(b[4:8])).String()
		if t.kind == SOCKS4a {
			h := bytes.IndexByte(b[n:], 0)
			if h < 0 {
				return false
			}
			host = clean(string(b[n : n+h]))
			n += h + 1
		}
		t.rec.Target = joinHostPort(host, binary.BigEndian.Uint16(b[2:4]))
		t.rec.User = clean(string(b[8 : 8+end]))
		t.rec.Packet = c.frameAt()
		c.consume(n)
	case 1:
		b := s.bytes()
		if len(b) < 8 {
			return false
		}
		t.rec.ReplyPacket = s.frameAt()
		t.rec.Accepted = b[1] == 0x5a
		t.rec.Reply = socks4Replies[b[1]]
		if t.rec.Reply == "" {
			t.rec.Reply = "reply " + strconv.Itoa(int(b[1]))
		}
		s.consume(8)
		if !t.rec.Accepted {
			t.refused(t.rec.ReplyPacket)
			return false
		}
		t.open()
		return false
	}
	t.step++
	return true
}

var socks4Replies = map[byte]string{0x5a: "granted", 0x5b: "rejected or failed",
	0x5c: "rejected: no identd on the client", 0x5d: "rejected: identd user mismatch"}

// SOCKS5 steps.
const (
	s5Greeting = iota
	s5Method
	s5Auth
	s5AuthReply
	s5Request
	s5Reply
)

func (t *Handler) socks5() bool {
	c, s := &t.in[stream.ClientToServer], &t.in[stream.ServerToClient]
	switch t.step {
	case s5Greeting:
		b := c.bytes()
		if len(b) < 2 || len(b) < 2+int(b[1]) {
			return false
		}
		t.rec.Packet = c.frameAt()
		c.consume(2 + int(b[1]))
	case s5Method:
		b := s.bytes()
		if len(b) < 2 {
			return false
		}
		frame := s.frameAt()
		s.consume(2)
		switch b[1] {
		case 0:
		case 2:
			t.auth = true
		default:
			t.rec.Reply, t.rec.ReplyPacket = "no acceptable method", frame
			t.refused(t.rec.ReplyPacket)
			return false
		}
		if !t.auth {
			t.step = s5Request
			return true
		}
	case s5Auth:
		b := c.bytes()
		if len(b) < 2 || len(b) < 3+int(b[1]) || len(b) < 3+int(b[1])+int(b[2+int(b[1])]) {
			return false
		}
		ulen := int(b[1])
		plen := int(b[2+ulen])
		cred := &record.Credential{Session: t.s.ID, Proto: record.ProtoSOCKS5, Mechanism: "USERNAME/PASSWORD",
			Username: clean(string(b[2 : 2+ulen])), Recoverable: true, Packet: c.frameAt()}
		cred.SetPassword(string(b[3+ulen : 3+ulen+plen]))
		t.rec.User = cred.Username
		t.creds = append(t.creds, cred)
		c.consume(3 + ulen + plen)
	case s5AuthReply:
		b := s.bytes()
		if len(b) < 2 {
			return false
		}
		ok, frame := b[1] == 0, s.frameAt()
		for _, r := range t.creds {
			cr := r.(*record.Credential)
			cr.Accepted, cr.ReplyPacket = record.Bool(ok), frame
			if !ok {
				cr.Reply = "status " + strconv.Itoa(int(b[1]))
			}
		}
		s.consume(2)
		if !ok {
			// The frame is taken before consume: after it the queue may
			// be empty and know no frame.
			t.rec.Reply, t.rec.ReplyPacket = "authentication failed", frame
			t.refused(t.rec.ReplyPacket)
			return false
		}
	case s5Request:
		target, n := socks5Addr(c.bytes())
		if n == 0 {
			return false
		}
		if n < 0 {
			t.unknownAddress(c, stream.ClientToServer)
			return false
		}
		t.rec.Target = target
		if t.rec.Packet == 0 {
			t.rec.Packet = c.frameAt()
		}
		c.consume(n)
	case s5Reply:
		b := s.bytes()
		_, n := socks5Addr(b)
		if n == 0 {
			return false
		}
		if n < 0 {
			t.unknownAddress(s, stream.ServerToClient)
			return false
		}
		t.rec.ReplyPacket = s.frameAt()
		t.rec.Accepted = b[1] == 0
		t.rec.Reply = socks5Replies[b[1]]
		if t.rec.Reply == "" {
			t.rec.Reply = "reply " + strconv.Itoa(int(b[1]))
		}
		s.consume(n)
		if !t.rec.Accepted {
			t.refused(t.rec.ReplyPacket)
			return false
		}
		t.open()
		return false
	}
	t.step++
	return true
}

var socks5Replies = map[byte]string{0: "succeeded", 1: "general failure", 2: "not allowed by ruleset",
	3: "network unreachable", 4: "host unreachable", 5: "connection refused", 6: "TTL expired",
	7: "command not supported", 8: "address type not supported"}

// unknownAddress stops reading a SOCKS5 handshake whose request or reply
// names an address of a type it does not define: nothing tells where the
// address ends.
func (t *Handler) unknownAddress(q *queue, dir stream.Direction) {
	t.dead = true
	t.s.Warn(q.frameAt(), record.WarnTunnelUnknownAddress, "kind", t.kind, "dir", dir, "type", q.bytes()[3])
}

// socks5Addr reads a request or reply (VER CMD RSV ATYP ADDR PORT) and
// returns the address as host:port and the message's length: 0 when it
// is not all there, -1 when its address type is unknown.
func socks5Addr(b []byte) (string, int) {
	if len(b) < 5 {
		return "", 0
	}
	var host string
	var n int
	switch b[3] {
	case 1:
		n = 4 + 4
		if len(b) < n+2 {
			return "", 0
		}
		host = netip.AddrFrom4([4]byte(b[4:8])).String()
	case 3:
		n = 5 + int(b[4])
		if len(b) < n+2 {
			return "", 0
		}
		host = clean(string(b[5:n]))
	case 4:
		n = 4 + 16
		if len(b) < n+2 {
			return "", 0
		}
		host = netip.AddrFrom16([16]byte(b[4:20])).String()
	default:
		return "", -1 // unknown address type: where it ends is unknown
	}
	return joinHostPort(host, binary.BigEndian.Uint16(b[n:n+2])), n + 2
}

func joinHostPort(host string, port uint16) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(int(port))
}

// httpHead returns the request or status line and header fields up to the
// blank line, with "\n" line ends, and the bytes they took (0: not all
// there yet).
func httpHead(b []byte) (string, int) {
	i := bytes.Index(b, []byte("\r\n\r\n"))
	if i < 0 {
		return "", 0
	}
	return strings.ReplaceAll(string(b[:i]), "\r\n", "\n"), i + 4
}

func firstOr(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && bytes.EqualFold(b[:len(p)], []byte(p))
}

// clean makes wire text printable: control characters and invalid UTF-8
// become U+FFFD, at most 256 bytes kept.
func clean(s string) string {
	if len(s) > 256 {
		s = s[:256]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
