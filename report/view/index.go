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
	ix := &index{byID: map[string]*record.Session{}, commands: map[string][]*record.Command{},
		starttls: map[string][]*record.StartTLS{}, credsOf: map[string][]*record.Credential{},
		messagesOf: map[string][]*record.Message{}, tlsOf: map[string][]*record.TLS{}, findingsOf: map[string][]*record.Finding{}}
	ix.recs = recs
	for _, r := range recs {
		switch v := r.(type) {
		case *record.Session:
			ix.sessions = append(ix.sessions, v)
			ix.byID[v.ID] = v
		case *record.Command:
			ix.commands[v.Session] = append(ix.commands[v.Session], v)
		case *record.Credential:
			ix.creds = append(ix.creds, v)
			ix.credsOf[v.Session] = append(ix.credsOf[v.Session], v)
		case *record.StartTLS:
			ix.starttls[v.Session] = append(ix.starttls[v.Session], v)
		case *record.TLS:
			ix.tls = append(ix.tls, v)
			ix.tlsOf[v.Session] = append(ix.tlsOf[v.Session], v)
		case *record.Message:
			ix.messages = append(ix.messages, v)
			ix.messagesOf[v.Session] = append(ix.messagesOf[v.Session], v)
		case *record.Mailbox:
			ix.mailbox = append(ix.mailbox, v)
		case *record.DNS:
			ix.dns = append(ix.dns, v)
		case *record.Finding:
			ix.findings = append(ix.findings, v)
			ix.findingsOf[v.Session] = append(ix.findingsOf[v.Session], v)
		}
	}
	return ix
}
