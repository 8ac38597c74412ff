package lab

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// labMX (1.2.1): the MX records of the domain.
func (x *finder) labMX() *Answer {
	var a *Answer
	for _, d := range x.dns {
		if d.Type != "MX" {
			continue
		}
		if a == nil {
			a = &Answer{Filters: []string{"dns.qry.type == 15"}}
		}
		a.Frames = append(a.Frames, d.Packet, d.ReplyPacket)
		a.say("lab.1.2.1.mx", "domain", wire(d.Name, maxShort), "answers", wire(AnswersText(d), maxLong))
	}
	return a
}

// labPorts (1.2.2): the ports the capture's SMTP servers listen on.
func (x *finder) labPorts() *Answer {
	ports := map[uint16]int64{}
	for _, s := range x.sessions {
		p := Port(s.Server)
		if s.Proto == record.ProtoSMTP || p == 25 || p == 465 || p == 587 {
			if _, ok := ports[p]; !ok && p != 0 {
				ports[p] = s.Packet
			}
		}
	}
	if len(ports) == 0 {
		return nil
	}
	var nums []int
	a := &Answer{}
	for p, f := range ports {
		nums = append(nums, int(p))
		a.Frames = append(a.Frames, f)
	}
	sort.Ints(nums)
	var list []string
	filter := map[int]bool{25: true, 465: true, 587: true}
	for _, p := range nums {
		list = append(list, strconv.Itoa(p))
		filter[p] = true
	}
	a.Filters = []string{"tcp.port in {" + portList(filter) + "}"}
	sort.Slice(a.Frames, func(i, j int) bool { return a.Frames[i] < a.Frames[j] })
	a.say("lab.1.2.2.seen", "ports", strings.Join(list, ", "))
	a.say("lab.1.2.2.defaults")
	return a
}

// portList writes a set of ports in increasing order, space-separated as
// in a Wireshark set.
func portList(set map[int]bool) string {
	var ps []int
	for p := range set {
		ps = append(ps, p)
	}
	sort.Ints(ps)
	var out []string
	for _, p := range ps {
		out = append(out, strconv.Itoa(p))
	}
	return strings.Join(out, " ")
}

// Port is the port of an "addr:port" endpoint, 0 when there is none.
func Port(endpoint string) uint16 {
	ap, err := netip.ParseAddrPort(endpoint)
	if err != nil {
		return 0
	}
	return ap.Port()
}

// labForgery (1.2.5): every message sent over SMTP whose sender nothing
// on the wire proves, with the reasons of the one sender analysis
// (report/lab) that the findings and the grader read too.
func (x *finder) labForgery() *Answer {
	// A message from an address the capture shows to be the user's own
	// (their login, the mailbox they read) is their own unverified mail:
	// it answers only when no other does.
	me := x.identity()
	class := NewClass([]*Identity{me})
	var unverified, forged []*record.Message
	for _, m := range x.messages {
		if s := x.senders[m]; s != nil && s.Unverified() {
			unverified = append(unverified, m)
			if !class.Owner(me, s.From).Self {
				forged = append(forged, m)
			}
		}
	}
	if len(forged) == 0 {
		forged = unverified
	}
	var a *Answer
	for _, m := range forged {
		s := x.senders[m]
		if a == nil {
			a = &Answer{Filters: []string{`smtp.req.command == "MAIL" || smtp.req.command == "RCPT" || imf`}}
		}
		a.Frames = append(a.Frames, m.Packet)
		a.say("lab.1.2.5.message", "envelope", wire(m.EnvelopeFrom, maxShort),
			"from", wire(m.From, maxShort), "subject", wire(m.Subject, maxLong), "frame", itoa(m.Packet))
		for _, r := range s.Reasons {
			a.Lines = append(a.Lines, r.sentence())
		}
		x.forgeryRecipients(a, m)
	}
	if a != nil {
		a.note("lab.1.2.5.note")
	}
	return a
}

// forgeryRecipients says whose each recipient of an unverified message
// is, as far as this capture tells (its logins), and reminds of the law
// when nothing decides: a capture alone never proves that a recipient is
// someone else, so it never raises the legal warning itself.
func (x *finder) forgeryRecipients(a *Answer, m *record.Message) {
	me := x.identity()
	for _, r := range NewClass([]*Identity{me}).Recipients(me, m) {
		addr := wire(r.Address, maxShort)
		switch {
		case r.Owner.Self:
			a.say("lab.1.2.5.self."+string(r.Owner.Evidence), "address", addr, "detail", wire(r.Owner.Detail, maxShort))
		default:
			a.say("lab.1.2.5.undecided", "address", addr)
		}
	}
}

// identity is who the capture's user is as far as the capture tells:
// the logins the servers accepted and the mailboxes read.
func (x *finder) identity() *Identity {
	if x.me != nil {
		return x.me
	}
	var recs []record.Record
	for _, c := range x.creds {
		recs = append(recs, c)
	}
	for _, s := range x.sessions {
		recs = append(recs, s)
	}
	for _, m := range x.messages {
		recs = append(recs, m)
	}
	x.me = &Identity{Logins: Logins(recs), Mailboxes: Mailboxes(recs), LoginFile: map[string]string{}}
	return x.me
}

// labSMTPClear (1.2.6): what a capture of a cleartext SMTP session shows.
func (x *finder) labSMTPClear() *Answer {
	var a *Answer
	for _, s := range x.sessions {
		if s.Proto != record.ProtoSMTP || (s.Security != record.SecurityCleartext && s.Security != record.SecurityStartTLSFailed) {
			continue
		}
		if a == nil {
			a = &Answer{Filters: []string{"smtp || imf"}}
		}
		a.Frames = append(a.Frames, s.Packet)
		creds, msgs := x.countExposed(s.ID)
		a.say("lab.1.2.6.clear", "session", wire(s.ID, maxShort), "server", wire(s.Server, maxShort),
			"commands", strconv.Itoa(len(x.commands[s.ID])), "messages", strconv.Itoa(msgs),
			"credentials", strconv.Itoa(creds))
	}
	if a != nil {
		a.say("lab.1.2.6.verdict")
	}
	return a
}

func (x *finder) countExposed(sid string) (creds, msgs int) {
	return len(x.credsOf[sid]), len(x.messagesOf[sid])
}

// labStartTLS (1.2.7): an upgrade that worked, and what stayed in clear.
func (x *finder) labStartTLS() *Answer {
	// The lab asks for port 25: a session there answers before one on
	// 587.
	ids := x.starttlsSessions()
	sort.SliceStable(ids, func(i, j int) bool { return x.onPort25(ids[i]) && !x.onPort25(ids[j]) })
	for _, sid := range ids {
		for _, st := range x.starttls[sid] {
			if !st.Accepted || !st.TLSSeen {
				continue
			}
			s := x.byID[sid]
			var clear any = "?"
			tlsFrame := st.TLSPacket
			if s != nil {
				clear = size(s.ClearBytes)
				tlsFrame = max(tlsFrame, s.TLSPacket)
			}
			a := &Answer{Frames: []int64{st.Packet, st.ReplyPacket, tlsFrame},
				Filters: []string{`smtp.req.command == "STARTTLS" || tls.handshake.type == 1`}}
			a.say("lab.1.2.7.upgrade", "session", wire(sid, maxShort), "frame", itoa(st.Packet),
				"reply", itoa(st.ReplyPacket), "tls", itoa(tlsFrame), "clear", clear)
			a.say("lab.1.2.7.how")
			if s != nil && s.Decrypted {
				a.say("lab.1.2.7.keylog", "commands", x.decryptedVerbs(sid), "encrypted", size(s.EncryptedBytes))
			}
			a.note("lab.1.2.7.note")
			return a
		}
	}
	return nil
}

func (x *finder) onPort25(sid string) bool {
	s := x.byID[sid]
	return s != nil && Port(s.Server) == 25
}

// starttlsSessions lists the SMTP sessions with a STARTTLS record, in
// order: the lab's STARTTLS questions are about SMTP.
func (x *finder) starttlsSessions() []string {
	var ids []string
	seen := map[string]bool{}
	for _, s := range x.sessions {
		seen[s.ID] = true
		if len(x.starttls[s.ID]) > 0 && x.starttls[s.ID][0].Proto == record.ProtoSMTP {
			ids = append(ids, s.ID)
		}
	}
	var rest []string
	for id, sts := range x.starttls {
		if !seen[id] && len(sts) > 0 && sts[0].Proto == record.ProtoSMTP {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(ids, rest...)
}

// labStartTLSFailure (1.2.8): a server that refused or did not offer
// STARTTLS, or an upgrade that never happened.
func (x *finder) labStartTLSFailure() *Answer {
	// The question is about the second domain's servers: a failure at a
	// server where an upgrade worked (1.2.7's) answers only when no other
	// does, as the grader counts it (report/grade, second_server).
	upgraded := map[string]bool{}
	for _, sid := range x.starttlsSessions() {
		for _, st := range x.starttls[sid] {
			if st.Accepted && st.TLSSeen {
				upgraded[x.serverOf(sid)] = true
			}
		}
	}
	if a := x.startTLSFailure(func(sid string) bool { return !upgraded[x.serverOf(sid)] }); a != nil {
		return a
	}
	if a := x.startTLSFailure(func(string) bool { return true }); a != nil {
		return a
	}
	return x.startTLSFindingAnswer()
}

// serverOf is the server endpoint of session sid, "" when unknown.
func (x *finder) serverOf(sid string) string {
	if s := x.byID[sid]; s != nil {
		return s.Server
	}
	return ""
}

// startTLSFailure answers 1.2.8 from the first SMTP STARTTLS that failed
// in a session keep accepts.
func (x *finder) startTLSFailure(keep func(sid string) bool) *Answer {
	for _, sid := range x.starttlsSessions() {
		if !keep(sid) {
			continue
		}
		for _, st := range x.starttls[sid] {
			notAsked := !st.Requested && (st.Offered == nil || *st.Offered)
			if (st.Accepted && st.TLSSeen) || notAsked {
				continue
			}
			a := &Answer{Frames: []int64{st.Packet, st.ReplyPacket},
				Filters: []string{`smtp.req.command == "EHLO" || smtp.req.command == "STARTTLS" || smtp.response`}}
			switch {
			case st.Offered != nil && !*st.Offered && !st.Requested:
				a.say("lab.1.2.8.not-offered", "session", wire(sid, maxShort))
			case st.Requested && !st.Accepted:
				a.say("lab.1.2.8.refused", "session", wire(sid, maxShort), "reply", dash(wire(st.Reply, maxLong)),
					"frame", itoa(max(st.ReplyPacket, st.Packet)))
			default:
				a.say("lab.1.2.8.no-tls", "session", wire(sid, maxShort), "frame", itoa(st.Packet))
			}
			a.say("lab.1.2.8.consequence")
			return a
		}
	}
	return nil
}

// startTLSFindingAnswer falls back on the dissectors' findings when no
// starttls record explains the failure.
func (x *finder) startTLSFindingAnswer() *Answer {
	for _, f := range x.findings {
		if s := x.byID[f.Session]; s != nil && s.Proto != record.ProtoSMTP {
			continue
		}
		switch f.ID {
		case record.FindingStartTLSNotOffered, record.FindingStartTLSRefused:
			a := &Answer{Frames: append([]int64{f.Packet}, f.Frames...),
				Filters: []string{`smtp.req.command == "EHLO" || smtp.req.command == "STARTTLS"`}}
			a.say("lab.1.2.8.finding", "title", findingTitle(f))
			a.say("lab.1.2.8.consequence")
			return a
		}
	}
	return nil
}

// labGIF (1.2.9): how an image travels inside a message.
func (x *finder) labGIF() *Answer {
	var a *Answer
	for _, m := range x.messages {
		for _, at := range m.Attachments {
			if !isImage(at) {
				continue
			}
			if a == nil {
				a = &Answer{Filters: []string{`frame contains "image/gif" || imf`}}
			}
			a.Frames = append(a.Frames, m.Packet, m.EndPacket)
			key := "lab.1.2.9.image"
			if at.SHA256 == "" {
				// Only the structure was fetched: the size is the one the
				// server declared for the encoded part, and no hash.
				key = "lab.1.2.9.image.declared"
			}
			a.say(key, "name", wire(dash(at.Filename), maxShort), "type", wire(at.ContentType, maxShort),
				"encoding", wire(dash(at.TransferEncoding), maxShort), "size", size(at.Size),
				"sha", wire(dash(at.SHA256), 64), "proto", strings.ToUpper(wire(string(m.Proto), 10)), "subject", subject(m))
		}
	}
	if a != nil {
		a.note("lab.1.2.9.note")
	}
	return a
}

func isImage(a record.Attachment) bool {
	return strings.HasPrefix(strings.ToLower(a.ContentType), "image/") ||
		strings.HasPrefix(strings.ToLower(a.SniffedType), "image/")
}

// subject is a message's subject, or the catalogue's "(no subject)".
func subject(m *record.Message) Arg {
	if m.Subject == "" {
		return Arg{Sentences: []Sentence{key("message.no-subject")}}
	}
	return Arg{Value: wire(m.Subject, maxLong)}
}

// AnswersText is a DNS reply's answers in one line.
func AnswersText(d *record.DNS) string {
	var parts []string
	for _, a := range d.Answers {
		switch {
		case a.Exchange != "" && a.Preference != nil:
			parts = append(parts, strconv.Itoa(*a.Preference)+" "+a.Exchange)
		case a.Exchange != "":
			parts = append(parts, a.Exchange)
		case a.Address != "":
			parts = append(parts, a.Address)
		case a.Text != "":
			parts = append(parts, a.Text)
		}
	}
	if len(parts) == 0 {
		if d.Rcode != "" {
			return d.Rcode
		}
		return "–"
	}
	return strings.Join(parts, ", ")
}

// findingTitle is a finding's title as a sentence of the catalogue, so
// that the answer says it in the reader's language.
func findingTitle(f *record.Finding) Sentence {
	key := "finding." + string(f.ID)
	if v := f.Args["variant"]; v != "" {
		key += "." + v
	}
	var kv []any
	for k, v := range f.Args {
		kv = append(kv, k, v)
	}
	return Sentence{Key: key + ".title", Args: args(kv)}
}
