// Package sasl decodes the SASL exchanges that SMTP AUTH, IMAP AUTHENTICATE
// and POP3 AUTH carry, and turns them into the credential an eavesdropper
// learns: a password, a bearer token, or the crackable form of a
// challenge-response.
//
// A protocol dissector starts an Exchange when the client names a
// mechanism, feeds it every decoded client message and server challenge in
// order, and asks for the Credential when the server answers. The Exchange
// only stores bounded copies of the messages; it decodes them when asked,
// so a garbled exchange costs nothing until then and never panics.
//
// Hash, for challenge-response mechanisms, is in the form a cracker reads
// directly:
//
//	CRAM-MD5  $cram_md5$base64(challenge)$base64(user digest)   hashcat 10200, John
//	NTLMv2    user::domain:challenge:ntproofstr:blob             hashcat 5600, John netntlmv2
//	NTLMv1    user::domain:lmresponse:ntresponse:challenge       hashcat 5500, John netntlm
//
// SCRAM and DIGEST-MD5 exchanges can be attacked offline too, but no common
// tool reads them, so their Hash stays empty.
package sasl

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// Bounds of what an Exchange keeps: real exchanges have a handful of
// messages of a few kilobytes (an NTLM type 3 message, an OAuth token).
const (
	maxSteps   = 16
	maxMessage = 64 << 10
)

// step is one message of the exchange.
type step struct {
	server bool
	data   []byte
	form   Form // how a client line decoded
}

// Exchange is one SASL authentication as seen on the wire.
type Exchange struct {
	mechanism string
	steps     []step
	canceled  bool
	malformed bool // a client line was not clean base64
	// dropped counts messages beyond maxSteps, cut counts messages cut to
	// maxMessage; neither matters to the mechanisms decoded here, but they
	// tell a garbled exchange from a real one.
	dropped, cut int
}

// Start begins an exchange for the mechanism the client named, in any case.
// A name that is no SASL mechanism name (RFC 4422 3.1: up to 20 of A-Z,
// 0-9, "-", "_") is most likely a response sent without its mechanism: it
// is kept as a secret and the mechanism shows as Unknown.
func Start(mechanism string) *Exchange {
	m := strings.ToUpper(strings.TrimSpace(mechanism))
	if m != "" && (!mechanismName(m) || mixedCase(mechanism)) {
		x := &Exchange{mechanism: Unknown}
		x.ClientLine([]byte(strings.TrimSpace(mechanism)))
		x.malformed = true
		return x
	}
	return &Exchange{mechanism: m}
}

// Unknown stands for a mechanism name that is not one.
const Unknown = "?"

// mixedCase reports upper and lower case letters together: clients write
// mechanism names in one case, base64 mixes them.
func mixedCase(s string) bool {
	return strings.ToUpper(s) != s && strings.ToLower(s) != s
}

func mechanismName(m string) bool {
	if len(m) > 20 {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Mechanism is the mechanism name, upper case.
func (x *Exchange) Mechanism() string { return x.mechanism }

// Client records one client message, already base64-decoded (the initial
// response included).
func (x *Exchange) Client(msg []byte) { x.add(false, msg) }

// Server records one server challenge, already base64-decoded.
func (x *Exchange) Server(challenge []byte) { x.add(true, challenge) }

// Cancel records that the client aborted the exchange with "*".
func (x *Exchange) Cancel() { x.canceled = true }

// Canceled reports whether the client aborted the exchange.
func (x *Exchange) Canceled() bool { return x.canceled }

func (x *Exchange) add(server bool, b []byte) {
	if len(x.steps) >= maxSteps {
		x.dropped++
		return
	}
	if len(b) > maxMessage {
		b = b[:maxMessage]
		x.cut++
	}
	x.steps = append(x.steps, step{server: server, data: append([]byte(nil), b...)})
}

// firstClient returns the first non-empty client message.
func (x *Exchange) firstClient() []byte {
	b, _ := x.firstClientForm()
	return b
}

// firstClientForm returns the first non-empty client message and how it
// decoded.
func (x *Exchange) firstClientForm() ([]byte, Form) {
	for _, s := range x.steps {
		if !s.server && len(s.data) > 0 {
			return s.data, s.form
		}
	}
	return nil, Clean
}

// Credential returns what the exchange revealed, with Mechanism, SASL,
// Username, Authzid, Password, Hash, Recoverable, Domain and Workstation
// filled; the caller fills the rest. It returns false when nothing
// identifying was seen (an unknown mechanism, or no usable message).
func (x *Exchange) Credential() (record.Credential, bool) {
	c := record.Credential{Mechanism: x.mechanism, SASL: true}
	var ok bool
	switch x.mechanism {
	case "PLAIN":
		ok = x.plain(&c)
	case "LOGIN":
		ok = x.login(&c)
	case "CRAM-MD5":
		ok = x.cramMD5(&c)
	case "XOAUTH2":
		ok = x.xoauth2(&c)
	case "OAUTHBEARER":
		ok = x.oauthBearer(&c)
	case "NTLM":
		ok = x.ntlm(&c)
	case "EXTERNAL":
		ok = x.external(&c)
	case "ANONYMOUS":
		ok = x.anonymous(&c)
	case "DIGEST-MD5":
		ok = x.digestMD5(&c)
	case Unknown:
		if msg := x.firstClient(); len(msg) > 0 {
			c.SetPassword(string(msg))
			c.Malformed, ok = record.MalformedMechanism, true
		}
	default:
		if strings.HasPrefix(x.mechanism, "SCRAM-") {
			ok = x.scram(&c)
		}
	}
	return c, ok
}
