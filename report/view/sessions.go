package view

import (
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
	"github.com/mailwire/mailwire/report/spool"
)

// sessions is the table of connections with how each was protected.
func (b *builder) sessions() Section {
	t := b.tr
	sec := Section{ID: "sessions", Title: t.T("sessions.title"), Empty: t.T("sessions.none")}
	if b.src.Count(spool.Sessions) == 0 {
		return sec
	}
	tab := &Table{Head: []string{t.T("col.session"), t.T("col.proto"), t.T("col.endpoints"),
		t.T("col.start"), t.T("col.security"), t.T("col.bytes")}}
	tab.Rows = rows(b.src, spool.Sessions, b.sessionRow)
	sec.Blocks = []Block{{Table: tab}}
	return sec
}

func (b *builder) sessionRow(s *record.Session) []Span {
	t := b.tr
	secText, style := b.security(s)
	clear, enc := s.ClearBytes, s.EncryptedBytes
	if s.Security == record.SecurityImplicitTLS && enc == 0 {
		// Some sessions encrypted from the first byte count all their
		// bytes as clear: every one of them was TLS.
		clear, enc = 0, s.ClearBytes
	}
	return []Span{
		{Text: wire(s.ID, maxShort)},
		{Text: protoName(s)},
		{Text: wire(s.Client, maxShort) + " → " + wire(s.Server, maxShort)},
		{Text: clock(s.Start)},
		{Text: secText, Style: style},
		{Text: t.T("sessions.bytes", "clear", b.bytes(clear), "encrypted", b.bytes(enc))},
	}
}

// security says how a session was protected, in the reader's words.
func (b *builder) security(s *record.Session) (string, Style) {
	t := b.tr
	switch s.Security {
	case record.SecurityCleartext:
		return t.T("sec.cleartext"), Clear
	case record.SecurityImplicitTLS:
		return t.T("sec.implicit-tls"), Encrypted
	case record.SecurityStartTLS:
		if s.TLSPacket > 0 {
			return t.T("sec.starttls.frame", "frame", strconv.FormatInt(s.TLSPacket, 10)), Encrypted
		}
		return t.T("sec.starttls"), Encrypted
	case record.SecurityStartTLSFailed:
		return b.starttlsFailure(s.ID), Clear
	}
	return wire(string(s.Security), maxShort), Plain
}

// starttlsFailure tells refused from accepted-but-never-followed.
func (b *builder) starttlsFailure(id string) string {
	t := b.tr
	st := b.src.FailedStartTLS(id)
	if st == nil {
		return t.T("sec.starttls.failed")
	}
	f := strconv.FormatInt(max(st.ReplyPacket, st.Packet), 10)
	if st.Requested && !st.Accepted {
		return t.T("sec.starttls.refused", "frame", f)
	}
	return t.T("sec.starttls.no-tls", "frame", f)
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("15:04:05")
}

// protoName names a session's protocol; a session encrypted from its
// first byte is named after the well-known port it used, since only the
// port tells which mail protocol TLS carries.
func protoName(s *record.Session) string {
	name := strings.ToUpper(wire(string(s.Proto), maxShort))
	if s.Proto != record.ProtoTLS {
		return name
	}
	switch lab.Port(s.Server) {
	case 993:
		return "IMAP/TLS"
	case 465:
		return "SMTP/TLS"
	case 995:
		return "POP3/TLS"
	}
	return name
}
