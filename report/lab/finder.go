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
	x := &finder{byID: map[string]*record.Session{}, commands: map[string][]*record.Command{},
		starttls: map[string][]*record.StartTLS{}, credsOf: map[string][]*record.Credential{},
		messagesOf: map[string][]*record.Message{}, senders: map[*record.Message]*Sender{}}
	for _, s := range Senders(recs) {
		x.senders[s.Message] = s
	}
	for _, r := range recs {
		switch v := r.(type) {
		case *record.Session:
			x.sessions = append(x.sessions, v)
			x.byID[v.ID] = v
		case *record.Command:
			x.commands[v.Session] = append(x.commands[v.Session], v)
		case *record.Credential:
			x.creds = append(x.creds, v)
			x.credsOf[v.Session] = append(x.credsOf[v.Session], v)
		case *record.StartTLS:
			x.starttls[v.Session] = append(x.starttls[v.Session], v)
		case *record.Message:
			x.messages = append(x.messages, v)
			x.messagesOf[v.Session] = append(x.messagesOf[v.Session], v)
		case *record.Mailbox:
			x.mailbox = append(x.mailbox, v)
		case *record.DNS:
			x.dns = append(x.dns, v)
		case *record.Finding:
			x.findings = append(x.findings, v)
		}
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
