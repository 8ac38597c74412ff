package view

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
	"github.com/mailwire/mailwire/report/spool"
)

func (b *builder) mailboxes() *Block {
	if b.src.Count(spool.Mailboxes) == 0 {
		return nil
	}
	t := b.tr
	tab := &Table{Head: []string{t.T("col.session"), t.T("col.mailbox"), t.T("col.command"),
		t.T("col.exists"), t.T("col.recent"), t.T("col.unseen"), t.T("col.frames")}}
	tab.Rows = rows(b.src, spool.Mailboxes, func(m *record.Mailbox) []Span {
		return []Span{
			{Text: wire(m.Session, maxShort)},
			{Text: wire(m.Name, maxShort), Style: Strong},
			{Text: dash(wire(m.Command, maxShort))},
			{Text: num(m.Exists)},
			{Text: num(m.Recent)},
			{Text: b.unseenText(m)},
			{Text: frames(m.Packet)},
		}
	})
	blk := &Block{Title: t.T("learned.mailboxes"), Table: tab}
	hasEvents := false
	each(b.src, spool.Mailboxes, func(m *record.Mailbox) bool {
		hasEvents = len(m.Events) > 0
		return !hasEvents
	})
	if hasEvents {
		blk.Lines = lines(b.src, spool.Mailboxes, nil, b.eventLines)
	}
	return blk
}

// maxEvents caps the events listed per mailbox record.
const maxEvents = 12

// eventLines lists what happened to a mailbox's messages: flags set,
// expunged, copied, one line each.
func (b *builder) eventLines(m *record.Mailbox) []Line {
	if len(m.Events) == 0 {
		return nil
	}
	head := b.tr.T("mailbox.events", "session", wire(m.Session, maxShort), "mailbox", wire(m.Name, maxShort),
		"frame", itoa(m.Packet))
	lines := []Line{{Spans: []Span{{Text: head, Style: Strong}}}}
	for i, e := range m.Events {
		if i == maxEvents {
			lines = append(lines, Line{Indent: 1, Spans: []Span{{Text: b.tr.T("lab.more", "n", strconv.Itoa(len(m.Events)-maxEvents)), Style: Dim}}})
			break
		}
		lines = append(lines, Line{Indent: 1, Spans: []Span{{Text: b.eventText(e)}}})
	}
	return lines
}

// eventText translates the POP3 events, whose words are the dissector's;
// IMAP events are the commands themselves and read the same in every
// language.
func (b *builder) eventText(e string) string {
	switch {
	case e == "RSET: deletions undone":
		return b.tr.T("mailbox.event.rset")
	case e == "QUIT: deletions committed":
		return b.tr.T("mailbox.event.quit")
	case strings.HasPrefix(e, "DELE ") && strings.HasSuffix(e, " (removed at QUIT)"):
		n := strings.TrimSuffix(strings.TrimPrefix(e, "DELE "), " (removed at QUIT)")
		return b.tr.T("mailbox.event.dele", "n", wire(n, maxShort))
	}
	return wire(e, maxLong)
}

// unseenText keeps apart the two numbers students confuse: [UNSEEN n] is
// the sequence number of the first unseen message, not how many there are.
func (b *builder) unseenText(m *record.Mailbox) string {
	var parts []string
	if m.UnseenCount != nil {
		parts = append(parts, b.tr.T("mailbox.unseen-count", "n", num(m.UnseenCount)))
	}
	if m.Unseen != nil {
		parts = append(parts, b.tr.T("mailbox.first-unseen", "n", num(m.Unseen)))
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

func num(p *int64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatInt(*p, 10)
}

func (b *builder) dnsAnswers() *Block {
	if b.src.Count(spool.DNS) == 0 {
		return nil
	}
	t := b.tr
	tab := &Table{Head: []string{t.T("col.name"), t.T("col.type"), t.T("col.answers"), t.T("col.frames")}}
	tab.Rows = rows(b.src, spool.DNS, func(d *record.DNS) []Span {
		return []Span{
			{Text: wire(d.Name, maxShort), Style: Strong},
			{Text: wire(d.Type, 10)},
			{Text: wire(lab.AnswersText(d), maxLong)},
			{Text: frames(d.Packet, d.ReplyPacket)},
		}
	})
	return &Block{Title: t.T("learned.dns"), Table: tab}
}

// tlsMeta is what a TLS handshake leaves readable: the name asked for,
// the version and cipher, and the server's certificate (before TLS 1.3).
func (b *builder) tlsMeta() *Block {
	if b.src.Count(spool.TLS) == 0 {
		return nil
	}
	t := b.tr
	tab := &Table{Head: []string{t.T("col.session"), t.T("col.tls"), t.T("col.sni"),
		t.T("col.certificate"), t.T("col.frames")}}
	tab.Rows = rows(b.src, spool.TLS, b.tlsRow)
	return &Block{Title: t.T("learned.tls"), Table: tab}
}

func (b *builder) tlsRow(x *record.TLS) []Span {
	t := b.tr
	version := wire(strings.TrimSpace(x.Version+" "+x.Cipher), maxLong)
	if x.Alert != "" {
		version = strings.TrimSpace(version + " " + t.T("tls.alert", "alert", wire(x.Alert, maxShort)))
	}
	cert := "–"
	if x.CertSubject != "" {
		cert = wire(x.CertSubject, maxLong)
		if !x.NotAfter.IsZero() {
			cert += " " + t.T("tls.until", "date", x.NotAfter.UTC().Format("2006-01-02"))
		}
	}
	return []Span{
		{Text: wire(x.Session, maxShort)},
		{Text: dash(version)},
		{Text: dash(wire(x.SNI, maxShort))},
		{Text: cert},
		{Text: frames(x.Packet, x.ServerHelloPacket, x.CertificatePacket)},
	}
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
