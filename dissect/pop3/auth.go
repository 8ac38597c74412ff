package pop3

import (
	"bytes"

	"github.com/mailwire/mailwire/dissect/lines"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/sasl"
)

// pass completes the USER/PASS login: the password crosses in clear.
func (h *handler) pass(p *pending, password []byte) {
	p.args = clean([]byte(record.Mask(string(password))))
	c := &record.Credential{Mechanism: "USER", Username: h.user, Recoverable: true}
	c.SetPassword(string(password))
	p.cred = c
	h.tls.credentialInClear(h, p.frame)
}

// apop reads "APOP name digest": the digest is MD5(timestamp + password)
// over the greeting's timestamp. Hash is hashcat's mode 20, md5($salt.$pass):
// "digest:timestamp"; it is empty when the greeting was not seen.
func (h *handler) apop(p *pending, name, digest []byte) {
	digest = bytes.TrimSpace(digest)
	p.args = maskArgs(name, digest)
	c := &record.Credential{Mechanism: "APOP", Username: clean(name)}
	if h.stamp != "" && len(digest) == 32 && isHex(digest) {
		c.Hash = string(bytes.ToLower(digest)) + ":" + h.stamp
	}
	p.cred = c
	h.tls.credentialInClear(h, p.frame)
}

// startAuth reads "AUTH mechanism [initial-response]" (RFC 5034). Without
// a mechanism, AUTH lists the mechanisms in a multi-line response.
func (h *handler) startAuth(p *pending, mech, initial []byte) {
	if len(mech) == 0 {
		p.multi, p.kind = true, listResponse
		return
	}
	initial = bytes.TrimSpace(initial)
	p.sasl = sasl.Start(string(mech))
	p.args = maskArgs([]byte(p.sasl.Mechanism()), initial)
	if len(initial) > 0 {
		h.saslClient(p, initial, p.frame)
	}
	h.auth = p
	h.tls.credentialInClear(h, p.frame)
}

// saslResponse reads the client's answer to a server continuation.
func (h *handler) saslResponse(l lines.Line) {
	p := h.auth
	p.awaiting = false
	if bytes.Equal(bytes.TrimSpace(l.Text), []byte("*")) {
		p.sasl.Cancel()
		return
	}
	h.saslClient(p, l.Text, l.Frame)
}

func (h *handler) saslClient(p *pending, b64 []byte, frame int64) {
	if _, form := sasl.Decode(b64); form != sasl.Clean {
		h.s.Warn(frame, record.WarnPOP3AuthResponseNotBase64, "mechanism", p.sasl.Mechanism())
	}
	p.sasl.ClientLine(b64)
	p.secret = frame
}

// continuation reads a server's "+ challenge" line during AUTH.
func (h *handler) continuation(text []byte, frame int64) {
	p := h.auth
	challenge, err := sasl.DecodeBase64(text[1:])
	if err != nil {
		h.s.Warn(frame, record.WarnPOP3AuthChallengeNotBase64, "mechanism", p.sasl.Mechanism())
		challenge = nil
	}
	p.sasl.Server(challenge)
	p.awaiting = true
	p.prompt = frame
}

// emitCredential reports the credential a command carried, with the
// server's verdict (accepted nil when no reply was seen).
func (h *handler) emitCredential(p *pending, accepted *bool, reply string, replyFrame int64) {
	c := p.cred
	if p.sasl != nil {
		got, ok := p.sasl.Credential()
		if !ok {
			return
		}
		c = &got
	}
	if c == nil {
		return
	}
	c.Session = h.s.ID
	c.Proto = proto
	c.Packet = p.frame
	if p.secret != 0 && p.secret != p.frame {
		c.SecretPacket, c.PromptPacket = p.secret, p.prompt
	}
	c.ReplyPacket = replyFrame
	c.Accepted = accepted
	c.Reply = reply
	// Mask keeps a long secret's first and last characters as they are.
	c.PasswordMasked = clean([]byte(c.PasswordMasked))
	if accepted != nil && *accepted && c.Username != "" {
		h.s.AuthUser = c.Username
	}
	h.emit(c)
}
