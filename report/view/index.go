package view

import (
	"github.com/mailwire/mailwire/dissect/record"
)

// index groups one capture's records by kind and session.
type index struct {
	sessions []*record.Session
	byID     map[string]*record.Session
	commands map[string][]*record.Command
	creds    []*record.Credential
	starttls map[string][]*record.StartTLS
	tls      []*record.TLS
	messages []*record.Message
	mailbox  []*record.Mailbox
	dns      []*record.DNS
	findings []*record.Finding
	// Per session, for the ladders and counts (keeps Build linear).
	credsOf    map[string][]*record.Credential
	messagesOf map[string][]*record.Message
	tlsOf      map[string][]*record.TLS
	findingsOf map[string][]*record.Finding
	// recs are the capture's records, for the lab's answers.
	recs []record.Record
}

func newIndex(recs []record.Record) *index {
	g := record.GroupOf(recs)
	ix := &index{sessions: g.Sessions, byID: map[string]*record.Session{}, commands: record.BySession(g.Commands),
		creds: g.Credentials, credsOf: record.BySession(g.Credentials), starttls: record.BySession(g.StartTLS),
		tls: g.TLS, tlsOf: record.BySession(g.TLS), messages: g.Messages, messagesOf: record.BySession(g.Messages),
		mailbox: g.Mailboxes, dns: g.DNS, findings: g.Findings, findingsOf: record.BySession(g.Findings)}
	ix.recs = recs
	for _, s := range g.Sessions {
		ix.byID[s.ID] = s
	}
	return ix
}
