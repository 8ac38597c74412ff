package lab

import (
	"net/netip"
	"strings"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/record"
)

// Sender is what the wire proves, and does not prove, about who sent one
// message. SMTP itself checks nothing: the envelope sender (MAIL FROM),
// the header From, the Reply-To and the HELO name are all typed by the
// client. Only a login the server accepted (AUTH) ties a message to a
// person, and only a DKIM signature checked against the domain's DNS key
// ties it to a domain. Sender gathers every clue for one message so that
// the findings, the lab answers and the grader read the same verdict.
type Sender struct {
	Message  *record.Message
	From     string // header From address, lower case
	Envelope string // MAIL FROM address, lower case ("" for the null sender)
	AuthUser string // login the server accepted in the message's session
	HELO     string
	Client   string // client IP address
	// Verified is true when the login the server accepted matches the
	// From: the only proof of the sender SMTP gives.
	Verified bool
	// Contradicted is true when the wire itself names another sender
	// than the From: the login, the envelope or the display name.
	Contradicted bool
	// Reasons says why, in order: each is a catalogue id (sender.<id>)
	// with its arguments.
	Reasons []Reason
}

// Reason is one clue about a sender, translated by the catalogue key
// "sender." + ID.
type Reason struct {
	ID   string
	Args map[string]string
}

// Unverified reports a message sent over SMTP whose sender nothing on
// the wire proves: the lab's forgery (1.2.5) is one.
func (s *Sender) Unverified() bool {
	return s.Message.Proto == record.ProtoSMTP && s.Message.Direction == record.DirectionSent && !s.Verified && s.From != ""
}

// Senders analyses every message of recs (one capture's records). Copies
// fetched back by IMAP or POP3 lend their receiving server's verdict
// (Authentication-Results, Received-SPF) to the sent message with the
// same Message-ID.
func Senders(recs []record.Record) []*Sender {
	sessions := map[string]*record.Session{}
	helo := map[string]string{}
	var msgs []*record.Message
	verdicts := map[string][]string{}
	keys := dkimKeys(recs)
	for _, r := range recs {
		switch r := r.(type) {
		case *record.Session:
			sessions[r.ID] = r
		case *record.Command:
			if (r.Verb == "EHLO" || r.Verb == "HELO") && helo[r.Session] == "" {
				helo[r.Session] = r.Args
			}
		case *record.Message:
			msgs = append(msgs, r)
			if r.Direction != record.DirectionSent && r.MessageID != "" && len(r.AuthResults) > 0 {
				verdicts[r.MessageID] = r.AuthResults
			}
		}
	}
	var out []*Sender
	for _, m := range msgs {
		s := &Sender{Message: m, From: Address(m.From), Envelope: Address(m.EnvelopeFrom),
			AuthUser: m.AuthUser, HELO: helo[m.Session]}
		if ss := sessions[m.Session]; ss != nil {
			s.Client = Host(ss.Client)
		}
		if m.Direction == record.DirectionSent && m.Proto == record.ProtoSMTP {
			s.analyseSent(verdicts[m.MessageID], keys)
		} else {
			s.analyseHeaders()
		}
		out = append(out, s)
	}
	return out
}

func (s *Sender) reason(id string, kv ...string) {
	args := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i]] = kv[i+1]
	}
	s.Reasons = append(s.Reasons, Reason{ID: id, Args: args})
}

// analyseSent weighs every clue of a message a client handed to an SMTP
// server.
func (s *Sender) analyseSent(delivered []string, keys map[string]string) {
	m := s.Message
	if s.From == "" {
		return
	}
	domain := address.Domain(s.From)
	switch {
	case s.AuthUser == "":
		s.reason("no-auth", "from", s.From, "domain", domain, "client", dash(s.Client))
	case ownsAddress(s.AuthUser, s.From):
		s.Verified = true
		s.reason("auth-matches", "user", s.AuthUser, "from", s.From)
	default:
		s.Contradicted = true
		s.reason("auth-differs", "user", s.AuthUser, "from", s.From)
	}
	switch {
	case s.Envelope == "":
	case s.Envelope == s.From:
		if !s.Verified {
			s.reason("envelope-same", "envelope", s.Envelope)
		}
	default:
		s.Contradicted = true
		s.reason("envelope-differs", "envelope", s.Envelope, "from", s.From)
	}
	if s.HELO != "" && !s.Verified {
		s.reason("helo", "helo", s.HELO, "client", dash(s.Client))
	}
	s.headerClues()
	s.dkim(m.DKIM, domain, keys)
	for _, v := range delivered {
		s.reason("delivered", "verdict", v)
	}
}

// analyseHeaders looks at what a fetched or appended message says of
// itself: the reader's login says nothing of its author.
func (s *Sender) analyseHeaders() {
	if s.From == "" {
		return
	}
	if rp := Address(s.Message.ReturnPath); rp != "" && s.Message.EnvelopeFrom == "" && address.Domain(rp) != address.Domain(s.From) {
		s.Contradicted = true
		s.reason("return-path", "return_path", rp, "from", s.From)
	}
	s.headerClues()
}

// headerClues are the header fields that point elsewhere than the From.
func (s *Sender) headerClues() {
	name := address.Parse(s.Message.From).Name
	if shown := strings.ToLower(address.Find(name)); shown != "" && !strings.EqualFold(shown, s.From) {
		s.Contradicted = true
		s.reason("display-name", "shown", shown, "from", s.From)
	}
	if rt := Address(s.Message.ReplyTo); rt != "" && rt != s.From {
		s.reason("reply-to", "reply_to", rt, "from", s.From)
	}
}

// dkim tells what the DKIM signatures prove: the body hash checked
// offline, the signature itself when the capture holds the domain's DNS
// key (keys, by DNS name).
func (s *Sender) dkim(sigs []record.DKIM, domain string, keys map[string]string) {
	if len(sigs) == 0 {
		s.reason("no-dkim", "domain", domain)
		return
	}
	for _, d := range sigs {
		id := "dkim-unchecked"
		switch d.BodyHash {
		case "match":
			id = "dkim-body-match"
		case "mismatch":
			id = "dkim-body-mismatch"
		}
		if v := verifyDKIM(d, keys); v != "" && d.BodyHash == "match" {
			id = "dkim-" + v
			if v == "valid" && aligned(d.Domain, domain) {
				// The domain's key signed this From: the domain sent it.
				s.Verified = true
			}
		}
		s.reason(id, "domain", dash(d.Domain), "selector", dash(d.Selector))
	}
}

// ownsAddress tells whether a login proves an address: the same address,
// or a bare user name equal to its local part.
func ownsAddress(login, addr string) bool {
	login = strings.ToLower(strings.TrimSpace(login))
	if strings.Contains(login, "@") {
		return login == addr
	}
	return login == address.Local(addr)
}

// Address returns the lower-case address of a header value, an envelope
// path or a record's "Name <addr>" text, the form the lab compares
// addresses in; "" for the null sender and for text without an address.
func Address(s string) string {
	return strings.ToLower(address.Parse(s).Addr)
}

// Host is the address part of an "addr:port" endpoint, the endpoint
// itself when it has no port.
func Host(endpoint string) string {
	if ap, err := netip.ParseAddrPort(endpoint); err == nil {
		return ap.Addr().String()
	}
	return endpoint
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
