package imap

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/sasl"
	"github.com/mailwire/mailwire/dissect/session"
)

// authState is an AUTHENTICATE exchange waiting for its tagged reply.
type authState struct {
	cmd *command
	ex  *sasl.Exchange
	// secret is the frame of the client's last continuation response,
	// prompt the frame of the server's last "+" before it: the secret
	// crosses there, not in the command's own frame.
	secret, prompt int64
}

// login reads "tag LOGIN user password", each an atom, a quoted string or
// a literal, in any mix.
func (h *Handler) login(c *command, t *Tokenizer, u *unit, args *argWriter) {
	user, pass := t.Next(), t.Next()
	args.token(user)
	if !user.IsString() || len(user.Text) == 0 && len(pass.Text) == 0 {
		return // nothing sent: a literal the server refused
	}
	cred := &record.Credential{
		Session:     h.s.ID,
		Proto:       Proto,
		Mechanism:   "LOGIN",
		Username:    clean(user.Text),
		Recoverable: true,
		Packet:      u.frame,
	}
	if pass.Lit != nil && !pass.Lit.Complete() {
		h.s.Warn(u.frame, record.WarnIMAPLoginLiteralIncomplete)
	}
	cred.SetPassword(string(pass.Text))
	c.cred = cred
	args.raw(quote(clean([]byte(record.Mask(cred.Password)))))
	h.credentialSent(u.frame, "LOGIN")
	if h.caps.loginDisabled {
		h.raise(&record.Finding{
			ID:       record.FindingLoginDisabledIgnored,
			Severity: record.SeverityHigh,
			Frames:   append(append([]int64(nil), h.caps.frames...), u.frame),
			Args:     map[string]string{"variant": "imap"},
		})
	}
}

// finishLogin applies LOGIN's tagged reply to its credential.
func (h *Handler) finishLogin(c *command, st status, u *unit) {
	if c.cred == nil {
		return
	}
	h.acceptCredential(c.cred, st, u.frame)
	h.s.Emit(c.cred)
	c.cred = nil
}

// acceptCredential fills a credential from the tagged reply.
func (h *Handler) acceptCredential(cred *record.Credential, st status, frame int64) {
	cred.ReplyPacket = frame
	cred.Reply = strings.TrimSpace(st.word + " " + st.reply)
	switch st.word {
	case "OK":
		cred.Accepted = ptrBool(true)
		h.s.AuthUser = cred.Username
	case "NO", "BAD":
		cred.Accepted = ptrBool(false)
	}
}

// authenticate starts "tag AUTHENTICATE mechanism [initial-response]".
func (h *Handler) authenticate(c *command, t *Tokenizer, u *unit, args *argWriter) {
	mech := t.Next()
	a := &authState{cmd: c, ex: sasl.Start(string(mech.Text))}
	args.raw(a.ex.Mechanism())
	if ir := t.Next(); ir.Kind != End {
		args.raw("<initial response, " + itoa(int64(len(ir.Text))) + " bytes>")
		a.client(ir.Text)
	}
	h.auth = a
	h.credentialSent(u.frame, "AUTHENTICATE")
}

// client feeds one client response, base64 ("=" is an empty one).
func (a *authState) client(b []byte) {
	a.ex.ClientLine(b)
}

// authResponse handles a client line during AUTHENTICATE.
func (h *Handler) authResponse(u *unit) {
	line := bytes.TrimSpace(u.text)
	if bytes.Equal(line, []byte("*")) {
		h.auth.ex.Cancel()
		return
	}
	if looksLikeCommand(line) && h.auth.cmd.rec.ReplyPacket == 0 && !isBase64(line) {
		// The server's reply was lost: this is the next command.
		h.finishAuth(h.auth.cmd, nil)
		h.clientUnit(u)
		return
	}
	h.auth.client(line)
	h.auth.secret = u.frame
}

// authChallenge handles "+ challenge" during AUTHENTICATE.
func (h *Handler) authChallenge(u *unit, t *Tokenizer) {
	h.auth.prompt = u.frame
	rest := bytes.TrimSpace(t.Rest())
	if len(rest) == 0 {
		h.auth.ex.Server(nil)
		return
	}
	msg, err := sasl.DecodeBase64(rest)
	if err != nil {
		msg = rest
	}
	h.auth.ex.Server(msg)
}

// finishAuth reports the credential of an AUTHENTICATE exchange, with the
// tagged reply when there is one (st nil when it never came).
func (h *Handler) finishAuth(c *command, st *status) {
	if h.auth == nil || h.auth.cmd != c {
		return
	}
	a := h.auth
	h.auth = nil
	cred, ok := a.ex.Credential()
	if !ok {
		return
	}
	cred.Session = h.s.ID
	cred.Proto = Proto
	cred.Packet = c.rec.Packet
	if a.secret != 0 && a.secret != cred.Packet {
		cred.SecretPacket, cred.PromptPacket = a.secret, a.prompt
	}
	if st != nil {
		h.acceptCredential(&cred, *st, c.rec.ReplyPacket)
	}
	h.s.Emit(&cred)
}

// credentialSent notes a credential sent in clear, for the STARTTLS
// findings.
func (h *Handler) credentialSent(frame int64, verb string) {
	if h.s.Security() != session.Cleartext && h.s.Security() != session.StartTLSFailed {
		return
	}
	if h.credFrame == 0 {
		h.credFrame = frame
	}
	if h.caps.starttls && !h.asked {
		h.raise(&record.Finding{
			ID:       record.FindingStartTLSNotUsed,
			Severity: record.SeverityHigh,
			Frames:   append(append([]int64(nil), h.caps.frames...), frame),
			Args:     map[string]string{"variant": "imap", "verb": verb},
		})
	}
}

// isBase64 reports whether a line is made of base64 characters only.
func isBase64(b []byte) bool {
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// raise emits a finding once per session and id.
func (h *Handler) raise(f *record.Finding) {
	if h.found[f.ID] {
		return
	}
	h.found[f.ID] = true
	h.s.Finding(f)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
