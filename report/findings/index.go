package findings

import (
	"github.com/mailwire/mailwire/dissect/record"
)

// index groups the records of a capture so that each rule can ask for
// what it needs without scanning the whole list again.
type index struct {
	recs     []record.Record
	sessions map[string]*record.Session
	order    []*record.Session
	commands map[string][]*record.Command
	tls      map[string][]*record.TLS
	starttls map[string][]*record.StartTLS
	creds    []*record.Credential
	messages []*record.Message
	mailbox  map[string][]*record.Mailbox
	dns      []*record.DNS
	existing map[key]bool
}

// key identifies a finding for de-duplication: a rule never raises what a
// dissector (or an earlier Derive) already raised about the same frame.
type key struct {
	id      record.FindingID
	session string
	packet  int64
}

func newIndex(recs []record.Record) *index {
	g := record.GroupOf(recs)
	ix := &index{
		recs:     recs,
		sessions: map[string]*record.Session{},
		order:    g.Sessions,
		commands: record.BySession(g.Commands),
		tls:      record.BySession(g.TLS),
		starttls: record.BySession(g.StartTLS),
		creds:    g.Credentials,
		messages: g.Messages,
		mailbox:  record.BySession(g.Mailboxes),
		dns:      g.DNS,
		existing: map[key]bool{},
	}
	for _, s := range g.Sessions {
		ix.sessions[s.ID] = s
	}
	for _, f := range g.Findings {
		ix.existing[key{f.ID, f.Session, f.Packet}] = true
	}
	return ix
}

// exposed reports whether something seen at frame on session sid crossed
// the wire readable: on a cleartext session, a session whose STARTTLS
// failed, or before the first TLS byte of an upgraded one. A dissector
// only reports what it could read, so a record on an unknown session is
// taken as exposed.
func (ix *index) exposed(sid string, frame int64) bool {
	s := ix.sessions[sid]
	if s == nil {
		return true
	}
	switch s.Security {
	case record.SecurityImplicitTLS:
		return false
	case record.SecurityStartTLS:
		return s.TLSPacket == 0 || frame < s.TLSPacket
	}
	return true
}
