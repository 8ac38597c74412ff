package view

import (
	"sort"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
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
	// senders is the sender analysis of every message (report/lab).
	senders map[*record.Message]*lab.Sender
	// me is who the capture's user is (logins, mailboxes read), built
	// once by builder.identity.
	me *lab.Identity
}

func newIndex(recs []record.Record) *index {
	g := record.GroupOf(recs)
	ix := &index{sessions: g.Sessions, byID: map[string]*record.Session{}, commands: record.BySession(g.Commands),
		creds: g.Credentials, credsOf: record.BySession(g.Credentials), starttls: record.BySession(g.StartTLS),
		tls: g.TLS, tlsOf: record.BySession(g.TLS), messages: g.Messages, messagesOf: record.BySession(g.Messages),
		mailbox: g.Mailboxes, dns: g.DNS, findings: g.Findings, findingsOf: record.BySession(g.Findings)}
	for _, s := range g.Sessions {
		ix.byID[s.ID] = s
	}
	ix.senders = map[*record.Message]*lab.Sender{}
	for _, s := range lab.Senders(recs) {
		ix.senders[s.Message] = s
	}
	return ix
}

// allCommands lists the commands of every session in session order.
func (ix *index) allCommands() []*record.Command {
	var out []*record.Command
	seen := map[string]bool{}
	for _, s := range ix.sessions {
		seen[s.ID] = true
		out = append(out, ix.commands[s.ID]...)
	}
	var rest []string
	for id := range ix.commands {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		out = append(out, ix.commands[id]...)
	}
	return out
}
