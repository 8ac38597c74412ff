package lab

import (
	"sort"

	"github.com/mailwire/mailwire/dissect/record"
)

// finder groups one capture's records by kind and session for the
// answer finders.
type finder struct {
	sessions   []*record.Session
	byID       map[string]*record.Session
	commands   map[string][]*record.Command
	creds      []*record.Credential
	starttls   map[string][]*record.StartTLS
	messages   []*record.Message
	mailbox    []*record.Mailbox
	dns        []*record.DNS
	findings   []*record.Finding
	credsOf    map[string][]*record.Credential
	messagesOf map[string][]*record.Message
	// senders is the sender analysis of every message.
	senders map[*record.Message]*Sender
	// me is who the capture's user is (logins, mailboxes read), built
	// once by identity.
	me *Identity
}

func newFinder(recs []record.Record) *finder {
	g := record.GroupOf(recs)
	x := &finder{sessions: g.Sessions, byID: map[string]*record.Session{}, commands: record.BySession(g.Commands),
		creds: g.Credentials, credsOf: record.BySession(g.Credentials), starttls: record.BySession(g.StartTLS),
		messages: g.Messages, messagesOf: record.BySession(g.Messages),
		mailbox: g.Mailboxes, dns: g.DNS, findings: g.Findings, senders: map[*record.Message]*Sender{}}
	for _, s := range g.Sessions {
		x.byID[s.ID] = s
	}
	for _, s := range Senders(recs) {
		x.senders[s.Message] = s
	}
	return x
}

// allCommands lists the commands of every session in session order.
func (x *finder) allCommands() []*record.Command {
	var out []*record.Command
	seen := map[string]bool{}
	for _, s := range x.sessions {
		seen[s.ID] = true
		out = append(out, x.commands[s.ID]...)
	}
	var rest []string
	for id := range x.commands {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		out = append(out, x.commands[id]...)
	}
	return out
}
