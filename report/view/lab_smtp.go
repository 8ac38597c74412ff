package view

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
)

// labMX (1.2.1): the MX records of the domain.
func (b *builder) labMX() *answer {
	var a *answer
	for _, d := range b.ix.dns {
		if d.Type != "MX" {
			continue
		}
		if a == nil {
			a = &answer{filters: []string{"dns.qry.type == 15"}}
		}
		a.frames = append(a.frames, d.Packet, d.ReplyPacket)
		a.say(b, "lab.1.2.1.mx", "domain", wire(d.Name, maxShort), "answers", wire(answersText(d), maxLong))
	}
	return a
}

// labPorts (1.2.2): the ports the capture's SMTP servers listen on.
func (b *builder) labPorts() *answer {
	ports := map[uint16]int64{}
	for _, s := range b.ix.sessions {
		p := port(s.Server)
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
	a := &answer{}
	for p, f := range ports {
		nums = append(nums, int(p))
		a.frames = append(a.frames, f)
	}
	sort.Ints(nums)
	var list []string
	filter := map[int]bool{25: true, 465: true, 587: true}
	for _, p := range nums {
		list = append(list, strconv.Itoa(p))
		filter[p] = true
	}
	a.filters = []string{"tcp.port in {" + portList(filter) + "}"}
	sort.Slice(a.frames, func(i, j int) bool { return a.frames[i] < a.frames[j] })
	a.say(b, "lab.1.2.2.seen", "ports", strings.Join(list, ", "))
	a.say(b, "lab.1.2.2.defaults")
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

func port(endpoint string) uint16 {
	ap, err := netip.ParseAddrPort(endpoint)
	if err != nil {
		return 0
	}
	return ap.Port()
}

// labForgery (1.2.5): every message sent over SMTP whose sender nothing
// on the wire proves, with the reasons of the one sender analysis
// (report/lab) that the findings and the grader read too.
func (b *builder) labForgery() *answer {
	// A message from an address the capture shows to be the user's own
	// (their login, the mailbox they read) is their own unverified mail:
	// it answers only when no other does.
	me := b.identity()
	class := lab.NewClass([]*lab.Identity{me})
	var unverified, forged []*record.Message
	for _, m := range b.ix.messages {
		if s := b.ix.senders[m]; s != nil && s.Unverified() {
			unverified = append(unverified, m)
			if !class.Owner(me, s.From).Self {
				forged = append(forged, m)
			}
		}
	}
	if len(forged) == 0 {
		forged = unverified
	}
	var a *answer
	for _, m := range forged {
		s := b.ix.senders[m]
		if a == nil {
			a = &answer{filters: []string{`smtp.req.command == "MAIL" || smtp.req.command == "RCPT" || imf`}}
		}
		a.frames = append(a.frames, m.Packet)
		a.say(b, "lab.1.2.5.message", "envelope", wire(m.EnvelopeFrom, maxShort),
			"from", wire(m.From, maxShort), "subject", wire(m.Subject, maxLong), "frame", itoa(m.Packet))
		for _, r := range s.Reasons {
			a.lines = append(a.lines, Line{Indent: 2, Spans: []Span{{Text: r.Sentence(b.tr, func(v string) string { return wire(v, maxShort) })}}})
		}
		b.forgeryRecipients(a, m)
	}
	if a != nil {
		a.note(b, "lab.1.2.5.note")
	}
	return a
}

// forgeryRecipients says whose each recipient of an unverified message
// is, as far as this capture tells (its logins), and reminds of the law
// when nothing decides: a capture alone never proves that a recipient is
// someone else, so it never raises the legal warning itself.
func (b *builder) forgeryRecipients(a *answer, m *record.Message) {
	me := b.identity()
	for _, r := range lab.NewClass([]*lab.Identity{me}).Recipients(me, m) {
		addr := wire(r.Address, maxShort)
		switch {
		case r.Owner.Self:
			a.say(b, "lab.1.2.5.self."+string(r.Owner.Evidence), "address", addr, "detail", wire(r.Owner.Detail, maxShort))
		default:
			a.say(b, "lab.1.2.5.undecided", "address", addr)
		}
	}
}

// identity is who the capture's user is as far as the capture tells:
// the logins the servers accepted and the mailboxes read.
func (b *builder) identity() *lab.Identity {
	if b.ix.me != nil {
		return b.ix.me
	}
	var recs []record.Record
	for _, c := range b.ix.creds {
		recs = append(recs, c)
	}
	for _, s := range b.ix.sessions {
		recs = append(recs, s)
	}
	for _, m := range b.ix.messages {
		recs = append(recs, m)
	}
	b.ix.me = &lab.Identity{Logins: lab.Logins(recs), Mailboxes: lab.Mailboxes(recs), LoginFile: map[string]string{}}
	return b.ix.me
}

// labSMTPClear (1.2.6): what a capture of a cleartext SMTP session shows.
func (b *builder) labSMTPClear() *answer {
	var a *answer
	for _, s := range b.ix.sessions {
		if s.Proto != record.ProtoSMTP || (s.Security != record.SecurityCleartext && s.Security != record.SecurityStartTLSFailed) {
			continue
		}
		if a == nil {
			a = &answer{filters: []string{"smtp || imf"}}
		}
		a.frames = append(a.frames, s.Packet)
		creds, msgs := b.countExposed(s.ID)
		a.say(b, "lab.1.2.6.clear", "session", wire(s.ID, maxShort), "server", wire(s.Server, maxShort),
			"commands", strconv.Itoa(len(b.ix.commands[s.ID])), "messages", strconv.Itoa(msgs),
			"credentials", strconv.Itoa(creds))
	}
	if a != nil {
		a.say(b, "lab.1.2.6.verdict")
	}
	return a
}

func (b *builder) countExposed(sid string) (creds, msgs int) {
	return len(b.ix.credsOf[sid]), len(b.ix.messagesOf[sid])
}

// labStartTLS (1.2.7): an upgrade that worked, and what stayed in clear.
func (b *builder) labStartTLS() *answer {
	// The lab asks for port 25: a session there answers before one on
	// 587.
	ids := b.starttlsSessions()
	sort.SliceStable(ids, func(i, j int) bool { return b.onPort25(ids[i]) && !b.onPort25(ids[j]) })
	for _, sid := range ids {
		for _, st := range b.ix.starttls[sid] {
			if !st.Accepted || !st.TLSSeen {
				continue
			}
			s := b.ix.byID[sid]
			clear := "?"
			tlsFrame := st.TLSPacket
			if s != nil {
				clear = b.bytes(s.ClearBytes)
				tlsFrame = max(tlsFrame, s.TLSPacket)
			}
			a := &answer{frames: []int64{st.Packet, st.ReplyPacket, tlsFrame},
				filters: []string{`smtp.req.command == "STARTTLS" || tls.handshake.type == 1`}}
			a.say(b, "lab.1.2.7.upgrade", "session", wire(sid, maxShort), "frame", itoa(st.Packet),
				"reply", itoa(st.ReplyPacket), "tls", itoa(tlsFrame), "clear", clear)
			a.say(b, "lab.1.2.7.how")
			if s != nil && s.Decrypted {
				a.say(b, "lab.1.2.7.keylog", "commands", b.decryptedVerbs(sid), "encrypted", b.bytes(s.EncryptedBytes))
			}
			a.note(b, "lab.1.2.7.note")
			return a
		}
	}
	return nil
}

func (b *builder) onPort25(sid string) bool {
	s := b.ix.byID[sid]
	return s != nil && port(s.Server) == 25
}

// starttlsSessions lists the SMTP sessions with a STARTTLS record, in
// order: the lab's STARTTLS questions are about SMTP.
func (b *builder) starttlsSessions() []string {
	var ids []string
	seen := map[string]bool{}
	for _, s := range b.ix.sessions {
		seen[s.ID] = true
		if len(b.ix.starttls[s.ID]) > 0 && b.ix.starttls[s.ID][0].Proto == record.ProtoSMTP {
			ids = append(ids, s.ID)
		}
	}
	var rest []string
	for id, sts := range b.ix.starttls {
		if !seen[id] && len(sts) > 0 && sts[0].Proto == record.ProtoSMTP {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(ids, rest...)
}

// labStartTLSFailure (1.2.8): a server that refused or did not offer
// STARTTLS, or an upgrade that never happened.
func (b *builder) labStartTLSFailure() *answer {
	for _, sid := range b.starttlsSessions() {
		for _, st := range b.ix.starttls[sid] {
			notAsked := !st.Requested && (st.Offered == nil || *st.Offered)
			if (st.Accepted && st.TLSSeen) || notAsked {
				continue
			}
			a := &answer{frames: []int64{st.Packet, st.ReplyPacket},
				filters: []string{`smtp.req.command == "EHLO" || smtp.req.command == "STARTTLS" || smtp.response`}}
			switch {
			case st.Offered != nil && !*st.Offered && !st.Requested:
				a.say(b, "lab.1.2.8.not-offered", "session", wire(sid, maxShort))
			case st.Requested && !st.Accepted:
				a.say(b, "lab.1.2.8.refused", "session", wire(sid, maxShort), "reply", dash(wire(st.Reply, maxLong)),
					"frame", itoa(max(st.ReplyPacket, st.Packet)))
			default:
				a.say(b, "lab.1.2.8.no-tls", "session", wire(sid, maxShort), "frame", itoa(st.Packet))
			}
			a.say(b, "lab.1.2.8.consequence")
			return a
		}
	}
	return b.startTLSFindingAnswer()
}

// startTLSFindingAnswer falls back on the dissectors' findings when no
// starttls record explains the failure.
func (b *builder) startTLSFindingAnswer() *answer {
	for _, f := range b.ix.findings {
		if s := b.ix.byID[f.Session]; s != nil && s.Proto != record.ProtoSMTP {
			continue
		}
		switch f.ID {
		case record.FindingStartTLSNotOffered, record.FindingStartTLSRefused:
			a := &answer{frames: append([]int64{f.Packet}, f.Frames...),
				filters: []string{`smtp.req.command == "EHLO" || smtp.req.command == "STARTTLS"`}}
			title, _ := b.findingText(f)
			a.say(b, "lab.1.2.8.finding", "title", title)
			a.say(b, "lab.1.2.8.consequence")
			return a
		}
	}
	return nil
}

// labGIF (1.2.9): how an image travels inside a message.
func (b *builder) labGIF() *answer {
	var a *answer
	for _, m := range b.ix.messages {
		for _, at := range m.Attachments {
			if !isImage(at) {
				continue
			}
			if a == nil {
				a = &answer{filters: []string{`frame contains "image/gif" || imf`}}
			}
			a.frames = append(a.frames, m.Packet, m.EndPacket)
			key := "lab.1.2.9.image"
			if at.SHA256 == "" {
				// Only the structure was fetched: the size is the one the
				// server declared for the encoded part, and no hash.
				key = "lab.1.2.9.image.declared"
			}
			a.say(b, key, "name", wire(dash(at.Filename), maxShort), "type", wire(at.ContentType, maxShort),
				"encoding", wire(dash(at.TransferEncoding), maxShort), "size", b.bytes(at.Size),
				"sha", wire(dash(at.SHA256), 64), "proto", strings.ToUpper(wire(string(m.Proto), 10)), "subject", b.subject(m))
		}
	}
	if a != nil {
		a.note(b, "lab.1.2.9.note")
	}
	return a
}

func isImage(a record.Attachment) bool {
	return strings.HasPrefix(strings.ToLower(a.ContentType), "image/") ||
		strings.HasPrefix(strings.ToLower(a.SniffedType), "image/")
}

// subject is a message's subject, or the catalogue's "(no subject)".
func (b *builder) subject(m *record.Message) string {
	if m.Subject == "" {
		return b.tr.T("message.no-subject")
	}
	return wire(m.Subject, maxLong)
}
