package conformance

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// check tells whether a fact holds in mailwire's analysis of a capture; the
// error says what mailwire reported instead.
type check func(a *analysis) error

// all holds when every check holds.
func all(checks ...check) check {
	return func(a *analysis) error {
		for _, c := range checks {
			if err := c(a); err != nil {
				return err
			}
		}
		return nil
	}
}

// addr is the address of a header or envelope value, lower case, without
// display name or angle brackets, so that `"Bob" <bob@x>` and `<bob@x>`
// compare equal as they do for the peers.
func addr(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
		if j := strings.IndexByte(s, '>'); j >= 0 {
			s = s[:j]
		}
	}
	return strings.ToLower(strings.TrimSpace(s))
}

func addrs(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = addr(s)
	}
	return out
}

// session: a conversation between these endpoints with this proto and
// security.
func session(client, server, proto, security string) check {
	return func(a *analysis) error {
		var seen []string
		for _, s := range a.sessions {
			if s.Client == client && s.Server == server {
				if string(s.Proto) == proto && string(s.Security) == security {
					return nil
				}
				seen = append(seen, string(s.Proto)+"/"+string(s.Security))
			}
		}
		return fmt.Errorf("session %s -> %s: want %s/%s, got %v", client, server, proto, security, seen)
	}
}

// sessions: exactly n conversations.
func sessions(n int) check {
	return func(a *analysis) error {
		if len(a.sessions) != n {
			return fmt.Errorf("want %d sessions, got %d", n, len(a.sessions))
		}
		return nil
	}
}

// envelope: a message sent with this MAIL FROM and exactly these RCPT TO.
func envelope(from string, to ...string) check {
	return func(a *analysis) error {
		var seen []string
		for _, m := range a.messages {
			if addr(m.EnvelopeFrom) == addr(from) && slices.Equal(addrs(m.EnvelopeTo), addrs(to)) {
				return nil
			}
			seen = append(seen, fmt.Sprintf("%q->%q", m.EnvelopeFrom, m.EnvelopeTo))
		}
		return fmt.Errorf("no message from %s to %v; messages: %v", from, to, seen)
	}
}

// message: some message whose fields satisfy ok, described by what.
func message(what string, ok func(m *record.Message) bool) check {
	return func(a *analysis) error {
		for _, m := range a.messages {
			if ok(m) {
				return nil
			}
		}
		var seen []string
		for _, m := range a.messages {
			seen = append(seen, fmt.Sprintf("{from %q to %q subject %q}", m.From, m.To, m.Subject))
		}
		return fmt.Errorf("no message with %s; messages: %v", what, seen)
	}
}

func subject(s string) check {
	return message("subject "+s, func(m *record.Message) bool { return m.Subject == s })
}

// subjectMD5: suricata's email.subject_md5.
func subjectMD5(sum string) check {
	return message("subject md5 "+sum, func(m *record.Message) bool {
		h := md5.Sum([]byte(m.Subject))
		return hex.EncodeToString(h[:]) == sum
	})
}

func headerFrom(s string) check {
	return message("From "+s, func(m *record.Message) bool { return addr(m.From) == addr(s) })
}

func headerTo(to ...string) check {
	return message(fmt.Sprintf("To %v", to), func(m *record.Message) bool {
		return slices.Equal(addrs(m.To), addrs(to))
	})
}

// ccOnly: a Cc header with this address and no To header.
func ccOnly(cc string) check {
	return message("Cc "+cc+" and no To", func(m *record.Message) bool {
		return len(m.To) == 0 && slices.Contains(addrs(m.Cc), addr(cc))
	})
}

func messageID(id string) check {
	return message("Message-ID "+id, func(m *record.Message) bool { return m.MessageID == id })
}

func date(d string) check {
	return message("Date "+d, func(m *record.Message) bool { return m.Date == d })
}

// received: Received headers starting with these prefixes, in order.
func received(prefixes ...string) check {
	return message(fmt.Sprintf("Received %q", prefixes), func(m *record.Message) bool {
		if len(m.Received) < len(prefixes) {
			return false
		}
		for i, p := range prefixes {
			if !strings.HasPrefix(m.Received[i], p) {
				return false
			}
		}
		return true
	})
}

// messages: exactly n messages in this direction.
func messages(direction string, n int) check {
	return func(a *analysis) error {
		got := 0
		for _, m := range a.messages {
			if string(m.Direction) == direction {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("want %d %s messages, got %d", n, direction, got)
		}
		return nil
	}
}

// attachment: a decoded attachment whose name starts with name (suricata
// cuts long names), of this size (-1: any) and SHA-256 ("" : any).
func attachment(name string, size int64, sha256 string) check {
	return func(a *analysis) error {
		var seen []string
		for _, m := range a.messages {
			for _, at := range m.Attachments {
				if strings.HasPrefix(at.Filename, name) && (size < 0 || at.Size == size) && (sha256 == "" || at.SHA256 == sha256) {
					return nil
				}
				seen = append(seen, fmt.Sprintf("%s (%d bytes, sha256 %s)", at.Filename, at.Size, at.SHA256))
			}
		}
		return fmt.Errorf("no attachment %s (%d bytes, sha256 %q); attachments: %v", name, size, sha256, seen)
	}
}

// extractedMD5: `mailwire extract` writes a file of this kind (message or
// attachment) whose MD5 is sum, and for an attachment, with this name.
func extractedMD5(kind, name, sum string) check {
	return extracted(kind, name, func(f extractedFile) bool { return f.MD5 == sum }, "md5 "+sum)
}

// extractedSHA256: as extractedMD5 for a SHA-256 (suricata's filestore).
func extractedSHA256(kind, name, sum string) check {
	return extracted(kind, name, func(f extractedFile) bool { return f.SHA256 == sum }, "sha256 "+sum)
}

func extracted(kind, name string, ok func(extractedFile) bool, what string) check {
	return func(a *analysis) error {
		files, err := a.extracted()
		if err != nil {
			return err
		}
		var seen []string
		for _, f := range files {
			if f.Kind == kind && (name == "" || f.Filename == name) {
				if ok(f) {
					return nil
				}
				seen = append(seen, fmt.Sprintf("%s md5 %s sha256 %s", f.Path, f.MD5, f.SHA256))
			}
		}
		return fmt.Errorf("no extracted %s %q with %s; got %v", kind, name, what, seen)
	}
}

// command: a command with this verb whose arguments start with args.
func command(verb, args string) check {
	return commands(verb, args, -1)
}

// commands: exactly n commands (n < 0: at least one) with this verb whose
// arguments start with args.
func commands(verb, args string, n int) check {
	return func(a *analysis) error {
		got := 0
		for _, c := range a.commands {
			if c.Verb == verb && strings.HasPrefix(strings.ToLower(c.Args), strings.ToLower(args)) {
				got++
			}
		}
		if (n < 0 && got == 0) || (n >= 0 && got != n) {
			return fmt.Errorf("want %d %s %q commands, got %d", n, verb, args, got)
		}
		return nil
	}
}

// helo: the client named itself so with HELO or EHLO.
func helo(name string) check {
	return func(a *analysis) error {
		var seen []string
		for _, c := range a.commands {
			if c.Verb == "HELO" || c.Verb == "EHLO" {
				if strings.HasPrefix(c.Args, name) {
					return nil
				}
				seen = append(seen, c.Verb+" "+c.Args)
			}
		}
		return fmt.Errorf("no HELO/EHLO %s; got %v", name, seen)
	}
}

var (
	yes = new(true)
	no  = new(false)
)

// credential: these credentials were seen (password "" : not checked;
// accepted nil : unknown).
func credential(mechanism, user, password string, accepted *bool) check {
	return func(a *analysis) error {
		var seen []string
		for _, c := range a.creds {
			if c.Mechanism == mechanism && c.Username == user && (password == "" || c.Password == password) && sameBool(c.Accepted, accepted) {
				return nil
			}
			seen = append(seen, fmt.Sprintf("%s %q/%q accepted=%s", c.Mechanism, c.Username, c.Password, showBool(c.Accepted)))
		}
		return fmt.Errorf("no %s credential %q/%q accepted=%s; got %v", mechanism, user, password, showBool(accepted), seen)
	}
}

// credentials: exactly n credentials.
func credentials(n int) check {
	return func(a *analysis) error {
		if len(a.creds) != n {
			var seen []string
			for _, c := range a.creds {
				seen = append(seen, c.Mechanism+" "+c.Username)
			}
			return fmt.Errorf("want %d credentials, got %d: %v", n, len(a.creds), seen)
		}
		return nil
	}
}

func sameBool(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func showBool(b *bool) string {
	if b == nil {
		return "unknown"
	}
	return fmt.Sprint(*b)
}

// starttls: a STARTTLS/STLS exchange with these outcomes.
func starttls(requested, accepted, tlsSeen bool) check {
	return func(a *analysis) error {
		var seen []string
		for _, s := range a.starttls {
			if s.Requested == requested && s.Accepted == accepted && s.TLSSeen == tlsSeen {
				return nil
			}
			seen = append(seen, fmt.Sprintf("requested=%v accepted=%v tls_seen=%v", s.Requested, s.Accepted, s.TLSSeen))
		}
		return fmt.Errorf("no starttls requested=%v accepted=%v tls_seen=%v; got %v", requested, accepted, tlsSeen, seen)
	}
}

// tlsHello: a TLS handshake with this SNI ("" : none) and version.
func tlsHello(sni, version string) check {
	return func(a *analysis) error {
		var seen []string
		for _, r := range a.tls {
			if r.SNI == sni && r.Version == version {
				return nil
			}
			seen = append(seen, fmt.Sprintf("sni %q version %q", r.SNI, r.Version))
		}
		return fmt.Errorf("no TLS with sni %q version %q; got %v", sni, version, seen)
	}
}

// dnsQuestions: exactly n DNS questions of this type.
func dnsQuestions(typ string, n int) check {
	return func(a *analysis) error {
		got := 0
		for _, d := range a.dns {
			if d.Type == typ {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("want %d %s questions, got %d", n, typ, got)
		}
		return nil
	}
}

// mxAnswers: the MX answer for name lists exactly these exchanges.
func mxAnswers(name string, exchanges ...string) check {
	return func(a *analysis) error {
		for _, d := range a.dns {
			if d.Type != "MX" || d.Name != name || len(d.Answers) == 0 {
				continue
			}
			var got []string
			for _, an := range d.Answers {
				got = append(got, strings.TrimSuffix(an.Exchange, "."))
			}
			slices.Sort(got)
			if slices.Equal(got, exchanges) {
				return nil
			}
			return fmt.Errorf("MX %s: want %v, got %v", name, exchanges, got)
		}
		return fmt.Errorf("no MX answer for %s", name)
	}
}

// commandTotal: exactly n commands in all.
func commandTotal(n int) check {
	return func(a *analysis) error {
		if len(a.commands) != n {
			return fmt.Errorf("want %d commands, got %d", n, len(a.commands))
		}
		return nil
	}
}

// credentialReply: the server answered user's login with this text.
func credentialReply(user, reply string) check {
	return func(a *analysis) error {
		var seen []string
		for _, c := range a.creds {
			if c.Username == user {
				if c.Reply == reply {
					return nil
				}
				seen = append(seen, c.Reply)
			}
		}
		return fmt.Errorf("no reply %q to %s's login; got %q", reply, user, seen)
	}
}

// tlsCert: the TLS handshake of the session with this SNI shows this cipher
// and certificate. subject and issuer are given as a peer prints them: each
// of their comma-separated parts must appear in mailwire's (peers print
// fewer attributes, or cut long values); sans must be the first names.
func tlsCert(sni, cipher, subject, issuer string, sans ...string) check {
	return func(a *analysis) error {
		var seen []string
		for _, r := range a.tls {
			if r.SNI != sni {
				continue
			}
			if r.Cipher == cipher && holdsParts(r.CertSubject, subject) && holdsParts(r.CertIssuer, issuer) &&
				len(r.CertSANs) >= len(sans) && slices.Equal(r.CertSANs[:len(sans)], sans) {
				return nil
			}
			seen = append(seen, fmt.Sprintf("cipher %s subject %q issuer %q sans %q", r.Cipher, r.CertSubject, r.CertIssuer, r.CertSANs))
		}
		return fmt.Errorf("no TLS with sni %q cipher %s subject %q issuer %q sans %q; got %v", sni, cipher, subject, issuer, sans, seen)
	}
}

func holdsParts(got, want string) bool {
	for _, p := range strings.Split(want, ", ") {
		if p != "" && !strings.Contains(got, p) {
			return false
		}
	}
	return true
}

// finding: a finding with this id about the session between these
// endpoints.
func finding(id, client, server string) check {
	return func(a *analysis) error {
		var ids []string
		for _, f := range sessionFindings(a, client, server) {
			if string(f.ID) == id {
				return nil
			}
			ids = append(ids, string(f.ID))
		}
		return fmt.Errorf("no %s finding on %s -> %s; findings there: %v", id, client, server, ids)
	}
}

// noFinding: the opposite of finding, for what a peer does not flag.
func noFinding(id, client, server string) check {
	return func(a *analysis) error {
		if finding(id, client, server)(a) == nil {
			return fmt.Errorf("%s finding on %s -> %s", id, client, server)
		}
		return nil
	}
}

func sessionFindings(a *analysis, client, server string) []*record.Finding {
	var out []*record.Finding
	for _, s := range a.sessions {
		if s.Client != client || s.Server != server {
			continue
		}
		for _, f := range a.findings {
			if f.Session == s.ID {
				out = append(out, f)
			}
		}
	}
	return out
}

// captureStats: the capture holds this many packets and bytes (suricata's
// decoder.pkts and decoder.bytes).
func captureStats(packets, bytes int64) check {
	return func(a *analysis) error {
		c := a.res.Capture
		if c.Packets != packets || c.Bytes != bytes {
			return fmt.Errorf("want %d packets of %d bytes, got %d of %d", packets, bytes, c.Packets, c.Bytes)
		}
		return nil
	}
}
