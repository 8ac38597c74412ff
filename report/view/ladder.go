package view

import (
	"sort"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// MaxArrows caps the arrows drawn per session so that a long session
// does not turn the page into a scroll of thousands of lines.
const MaxArrows = 200

const maxLabel = 56

// ladders draws each session's exchange.
func (b *builder) ladders() []Ladder {
	var out []Ladder
	for _, s := range b.ix.sessions {
		out = append(out, b.ladder(s))
	}
	return out
}

func (b *builder) ladder(s *record.Session) Ladder {
	t := b.tr
	l := Ladder{Session: wire(s.ID, maxShort), Client: wire(s.Client, maxShort), Server: wire(s.Server, maxShort),
		Title:    wire(s.ID, maxShort) + " · " + protoName(s),
		TLSFrame: s.TLSPacket, Implicit: s.Security == record.SecurityImplicitTLS}
	arrows := b.commandArrows(s)
	if s.GreetingPacket > 0 {
		// The greeting crosses in clear even before a STARTTLS.
		arrows = append(arrows, Arrow{Frame: s.GreetingPacket, Label: wire(s.Greeting, maxLabel),
			Encrypted: s.Security == record.SecurityImplicitTLS})
	}
	arrows = append(arrows, b.tlsArrows(s)...)
	arrows = append(arrows, b.messageArrows(s)...)
	b.markArrows(s.ID, arrows)
	sort.SliceStable(arrows, func(i, j int) bool { return arrows[i].Frame < arrows[j].Frame })
	if len(arrows) > MaxArrows {
		l.More = len(arrows) - MaxArrows
		l.MoreText = t.T("ladder.more", "n", strconv.Itoa(l.More))
		arrows = arrows[:MaxArrows]
	}
	l.Arrows = arrows
	if s.EncryptedBytes > 0 {
		l.EncryptedNote = t.T("ladder.encrypted", "bytes", b.bytes(s.EncryptedBytes))
	}
	return l
}

// messageArrows: one arrow per message, in the direction it travelled.
func (b *builder) messageArrows(s *record.Session) []Arrow {
	var out []Arrow
	for _, m := range b.ix.messagesOf[s.ID] {
		label := b.tr.T("ladder.message", "subject", wire(m.Subject, maxLabel))
		out = append(out, Arrow{Frame: m.Packet, ToServer: m.Direction != record.DirectionFetched, Label: wire(label, maxLabel),
			Encrypted: s.Security == record.SecurityImplicitTLS || (s.TLSPacket > 0 && m.Packet >= s.TLSPacket)})
		if m.ReplyPacket > 0 {
			// The server's verdict on the message ("250 ... queued as").
			out = append(out, Arrow{Frame: m.ReplyPacket, Label: wire(m.Reply, maxLabel),
				Encrypted: s.Security == record.SecurityImplicitTLS || (s.TLSPacket > 0 && m.ReplyPacket >= s.TLSPacket)})
		}
	}
	return out
}

// commandArrows: one arrow per command and one per reply.
func (b *builder) commandArrows(s *record.Session) []Arrow {
	var out []Arrow
	enc := func(f int64) bool {
		return s.Security == record.SecurityImplicitTLS || (s.TLSPacket > 0 && f >= s.TLSPacket)
	}
	for _, c := range b.ix.commands[s.ID] {
		label := strings.TrimSpace(c.Tag + " " + c.Verb + " " + c.Args)
		out = append(out, Arrow{Frame: c.Packet, ToServer: true, Label: wire(label, maxLabel),
			Encrypted: c.Encrypted || enc(c.Packet)})
		if c.ReplyPacket > 0 || c.Status != "" {
			f := c.ReplyPacket
			if f == 0 {
				f = c.Packet
			}
			out = append(out, Arrow{Frame: f, Label: wire(strings.TrimSpace(c.Status+" "+c.Reply), maxLabel),
				Encrypted: c.Encrypted || enc(f)})
		}
	}
	// The response to a 334 (SMTP) or "+" (IMAP, POP3) prompt carries
	// the secret: it gets its own arrow, where the credential is marked.
	for _, c := range b.ix.credsOf[s.ID] {
		plus := ""
		if c.Proto != record.ProtoSMTP {
			plus = ".plus"
		}
		if c.PromptPacket > 0 {
			out = append(out, Arrow{Frame: c.PromptPacket, Label: wire(b.tr.T("ladder.auth-prompt"+plus), maxLabel),
				Encrypted: enc(c.PromptPacket)})
		}
		if c.SecretPacket > 0 {
			out = append(out, Arrow{Frame: c.SecretPacket, ToServer: true, Label: wire(b.tr.T("ladder.auth-response"+plus), maxLabel),
				Encrypted: enc(c.SecretPacket)})
		}
	}
	return out
}

// tlsArrows: the handshake messages, which stay readable.
func (b *builder) tlsArrows(s *record.Session) []Arrow {
	var out []Arrow
	for _, x := range b.ix.tlsOf[s.ID] {
		hello := "TLS ClientHello"
		if x.SNI != "" {
			hello += " SNI " + x.SNI
		}
		out = append(out, Arrow{Frame: x.Packet, ToServer: true, Label: wire(hello, maxLabel), Encrypted: true})
		if x.ServerHelloPacket > 0 {
			out = append(out, Arrow{Frame: x.ServerHelloPacket, Label: wire(strings.TrimSpace("TLS ServerHello "+x.Version), maxLabel), Encrypted: true})
		}
		if x.Alert != "" {
			out = append(out, Arrow{Frame: max(x.Packet, x.ServerHelloPacket), Label: wire("TLS alert "+x.Alert, maxLabel),
				Encrypted: true, Mark: High})
		}
	}
	return out
}

// markArrows flags the arrows that carried a credential or a finding.
func (b *builder) markArrows(sid string, arrows []Arrow) {
	at := map[int64]*Arrow{}
	for i := range arrows {
		if arrows[i].ToServer || at[arrows[i].Frame] == nil {
			at[arrows[i].Frame] = &arrows[i]
		}
	}
	for _, c := range b.ix.credsOf[sid] {
		frame := c.Packet
		if c.SecretPacket > 0 {
			frame = c.SecretPacket
		}
		if a := at[frame]; a != nil {
			a.Mark, a.Note = High, b.tr.T("ladder.credential", "user", wire(c.Username, maxShort))
		}
	}
	for _, f := range b.ix.findingsOf[sid] {
		if a := at[f.Packet]; a != nil && a.Note == "" {
			a.Mark, a.Note = severityStyle(f.Severity), wire(string(f.ID), maxShort)
		}
	}
}
