package smtp

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/sasl"
)

// authState is one AUTH exchange (RFC 4954).
type authState struct {
	x *sasl.Exchange
	// awaiting is set by a 334 challenge: the client's next line is its
	// response, not a command.
	awaiting bool
	// secret is the frame of the last response to a challenge, prompt
	// that of the challenge (334).
	secret, prompt int64
}

// startAuth reads "AUTH mechanism [initial-response]" and masks the
// response in the command's arguments.
func (h *handler) startAuth(p *pending, args string) {
	p.kind = kindAuth
	mech, ir, _ := strings.Cut(strings.TrimSpace(args), " ")
	ir = strings.TrimSpace(ir)
	a := &authState{x: sasl.Start(mech)}
	p.cmd.Args = a.x.Mechanism()
	switch ir {
	case "":
	case "=": // an empty initial response
		a.x.Client(nil)
		p.cmd.Args += " ="
	default:
		a.x.ClientLine([]byte(ir))
		p.cmd.Args += " " + clean([]byte(record.Mask(ir)), maxArgs)
	}
	p.auth = a
	h.auth = a
	h.facts.clearAuth(p.cmd.Packet)
}

// authChallenge feeds a 334 challenge to the exchange.
func (h *handler) authChallenge(p *pending, r *reply) {
	p.auth.x.Server(decode([]byte(r.text)))
	p.auth.awaiting = true
	p.auth.prompt = r.frame
}

// authResponse takes the client's answer to a challenge, or its "*"
// cancellation.
func (h *handler) authResponse(l lines.Line) {
	h.auth.awaiting = false
	t := bytes.TrimSpace(l.Text)
	if len(t) == 1 && t[0] == '*' {
		h.auth.x.Cancel()
		return
	}
	h.auth.x.ClientLine(t)
	h.auth.secret = l.Frame
}

// authReply reports the attempt once the server accepted (2xx) or refused
// it, with whatever the exchange revealed (nothing, for an exchange
// cancelled before the first response).
func (h *handler) authReply(p *pending, r *reply) {
	if h.auth == p.auth {
		h.auth = nil
	}
	c, ok := p.auth.x.Credential()
	if !ok && r == nil {
		// Nothing revealed and no answer: no attempt worth reporting.
		return
	}
	c.Session = h.s.ID
	c.Proto = record.ProtoSMTP
	c.Packet = p.cmd.Packet
	if s := p.auth.secret; s != 0 && s != c.Packet {
		c.SecretPacket, c.PromptPacket = s, p.auth.prompt
	}
	if r != nil {
		c.Accepted = record.Bool(r.ok())
		c.Reply = r.status()
		c.ReplyPacket = r.frame
	}
	h.emit(&c)
	if r.ok() && c.Username != "" {
		h.s.AuthUser = c.Username
	}
}

// decode base64-decodes a server challenge; what does not decode is kept
// as sent so that the mechanism decoder can still judge it.
func decode(b []byte) []byte {
	d, _ := sasl.Decode(b)
	return d
}
