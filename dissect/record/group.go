package record

// Group is one capture's records sorted by kind, each list in the order
// of the records, for code that reads them several ways (the findings
// rules, the report's view): the one switch over kinds they share.
// Capture and summary records are left out: there is one of each.
type Group struct {
	Sessions    []*Session
	Commands    []*Command
	Credentials []*Credential
	StartTLS    []*StartTLS
	TLS         []*TLS
	Messages    []*Message
	Mailboxes   []*Mailbox
	DNS         []*DNS
	Findings    []*Finding
}

// GroupOf sorts recs by kind.
func GroupOf(recs []Record) Group {
	var g Group
	for _, r := range recs {
		switch v := r.(type) {
		case *Session:
			g.Sessions = append(g.Sessions, v)
		case *Command:
			g.Commands = append(g.Commands, v)
		case *Credential:
			g.Credentials = append(g.Credentials, v)
		case *StartTLS:
			g.StartTLS = append(g.StartTLS, v)
		case *TLS:
			g.TLS = append(g.TLS, v)
		case *Message:
			g.Messages = append(g.Messages, v)
		case *Mailbox:
			g.Mailboxes = append(g.Mailboxes, v)
		case *DNS:
			g.DNS = append(g.DNS, v)
		case *Finding:
			g.Findings = append(g.Findings, v)
		}
	}
	return g
}

// BySession files records under the id of the session they belong to
// (a session under its own id), keeping their order; records of kinds
// without a session are left out.
func BySession[T Record](recs []T) map[string][]T {
	out := map[string][]T{}
	for _, r := range recs {
		if id := SessionRef(r); id != nil {
			out[*id] = append(out[*id], r)
		}
	}
	return out
}
