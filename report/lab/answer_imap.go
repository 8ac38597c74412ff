package lab

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// labLogin (1.1.2): the LOGIN command, readable unless the session was
// encrypted from its first byte.
func (x *finder) labLogin() *Answer {
	for _, c := range x.creds {
		if c.Proto != record.ProtoIMAP || c.Mechanism != "LOGIN" || c.SASL {
			continue
		}
		a := &Answer{Frames: []int64{c.Packet, c.ReplyPacket},
			Filters: []string{`imap.request.command == "LOGIN"`}}
		key := "lab.1.1.2.login"
		if c.Decrypted {
			key = "lab.1.1.2.login.keylog"
		}
		a.say(key, "user", wire(c.Username, maxShort), "mechanism", wire(c.Mechanism, maxShort),
			"frame", itoa(c.Packet), "len", strconv.Itoa(c.PasswordLen))
		a.say("lab.accepted." + acceptedKey(c.Accepted))
		return a
	}
	for _, s := range x.sessions {
		if isIMAP(s) && (s.Security == record.SecurityImplicitTLS || s.Security == record.SecurityStartTLS) {
			a := &Answer{Frames: []int64{s.Packet, s.TLSPacket}, Filters: []string{"tls.handshake.type == 1"}}
			a.say("lab.1.1.2.encrypted", "session", wire(s.ID, maxShort), "server", wire(s.Server, maxShort))
			return a
		}
	}
	return nil
}

// isIMAP reports an IMAP session, also one encrypted from its first byte
// on the IMAPS port, which the dissectors can only call "tls".
func isIMAP(s *record.Session) bool {
	return s.Proto == record.ProtoIMAP || (s.Proto == record.ProtoTLS && Port(s.Server) == 993)
}

// onIMAP reports whether session id is IMAP (or unknown: a record from
// the IMAP dissector whose session record is missing).
func (x *finder) onIMAP(id string) bool {
	s := x.byID[id]
	return s == nil || isIMAP(s)
}

func acceptedKey(a *bool) string {
	switch {
	case a == nil:
		return "unknown"
	case *a:
		return "yes"
	}
	return "no"
}

// labSelect (1.1.3): how many messages, and the [UNSEEN n] trap.
func (x *finder) labSelect() *Answer {
	var a *Answer
	noted := false
	for _, m := range x.mailbox {
		if m.Exists == nil && m.UnseenCount == nil || !x.onIMAP(m.Session) {
			continue
		}
		if a == nil {
			a = &Answer{Filters: []string{`imap.request.command == "SELECT" || imap.request.command == "STATUS"`}}
		}
		a.Frames = append(a.Frames, m.Packet)
		name := wire(m.Name, maxShort)
		switch {
		case m.Exists != nil && m.Recent != nil:
			a.say(plural("lab.1.1.3.exists", m.Exists), "mailbox", name, "exists", num(m.Exists), "recent", num(m.Recent))
		case m.Exists != nil:
			a.say(plural("lab.1.1.3.exists-only", m.Exists), "mailbox", name, "exists", num(m.Exists))
		}
		if m.UnseenCount != nil {
			a.say("lab.1.1.3.count", "mailbox", name, "n", num(m.UnseenCount))
		}
		if m.Unseen != nil && !noted {
			// Said once: the trap is the same for every mailbox.
			a.note("lab.1.1.3.first", "n", num(m.Unseen), "mailbox", name)
			noted = true
		}
	}
	return a
}

// labFetch (1.1.4): the messages read with FETCH, and their identifiers.
func (x *finder) labFetch() *Answer {
	a := &Answer{Filters: []string{`imap.request contains "FETCH"`}}
	n := 0
	for _, m := range x.messages {
		if m.Proto != record.ProtoIMAP || m.Direction != record.DirectionFetched {
			continue
		}
		n++
		a.Frames = append(a.Frames, m.Packet)
		if n > 5 {
			continue
		}
		id := wire(m.IMAPSeq, 20)
		if m.IMAPUID != "" {
			id += " (UID " + wire(m.IMAPUID, 20) + ")"
		}
		if m.Subject == "" && m.From == "" && m.Partial != "" {
			a.say("lab.1.1.4.part", "id", id, "part", wire(m.Partial, maxShort), "frame", itoa(m.Packet))
			continue
		}
		a.say("lab.1.1.4.message", "id", id, "subject", wire(m.Subject, maxLong),
			"from", wire(m.From, maxShort), "frame", itoa(m.Packet))
	}
	if n > 5 {
		a.say("lab.more", "n", strconv.Itoa(n-5))
	}
	if n == 0 {
		for _, c := range x.allCommands() {
			if c.Proto == record.ProtoIMAP && strings.HasSuffix(c.Verb, "FETCH") && !c.Encrypted {
				a.Frames = append(a.Frames, c.Packet)
				a.say("lab.1.1.4.command", "args", wire(c.Args, maxShort), "frame", itoa(c.Packet))
			}
		}
	}
	if len(a.Lines) == 0 {
		return nil
	}
	return a
}

// labDeleted (1.1.5): \Deleted is a flag; only EXPUNGE removes.
func (x *finder) labDeleted() *Answer {
	var a *Answer
	for _, c := range x.allCommands() {
		if c.Proto != record.ProtoIMAP {
			continue
		}
		switch {
		case strings.HasSuffix(c.Verb, "STORE") && strings.Contains(strings.ToLower(c.Args), `\deleted`):
			if a == nil {
				a = &Answer{Filters: []string{`imap.request contains "Deleted" || imap.request.command == "EXPUNGE"`}}
			}
			a.Frames = append(a.Frames, c.Packet)
			a.say("lab.1.1.5.store", "args", wire(c.Args, maxShort), "frame", itoa(c.Packet))
		case a != nil && (strings.HasSuffix(c.Verb, "EXPUNGE") || c.Verb == "CLOSE"):
			a.Frames = append(a.Frames, c.Packet)
			a.say("lab.1.1.5.expunge", "verb", wire(c.Verb, 20), "frame", itoa(c.Packet))
		}
	}
	if a != nil {
		a.note("lab.1.1.5.note")
	}
	return a
}

// labArchive (1.1.6): CREATE, then COPY or MOVE, then \Seen.
func (x *finder) labArchive() *Answer {
	var a *Answer
	for _, c := range x.allCommands() {
		if c.Proto != record.ProtoIMAP {
			continue
		}
		key := ""
		switch {
		case c.Verb == "CREATE":
			key = "lab.1.1.6.create"
		case strings.HasSuffix(c.Verb, "COPY") || strings.HasSuffix(c.Verb, "MOVE"):
			key = "lab.1.1.6.copy"
		case strings.HasSuffix(c.Verb, "STORE") && strings.Contains(strings.ToLower(c.Args), `\seen`):
			key = "lab.1.1.6.seen"
		default:
			continue
		}
		if a == nil {
			a = &Answer{Filters: []string{`imap.request contains "CREATE" || imap.request contains "COPY" || imap.request contains "MOVE" || imap.request contains "Seen"`}}
		}
		a.Frames = append(a.Frames, c.Packet)
		a.say(key, "verb", wire(c.Verb, 20), "args", wire(c.Args, maxShort), "frame", itoa(c.Packet),
			"status", statusText(c))
	}
	return a
}

// labLogout (1.1.7).
func (x *finder) labLogout() *Answer {
	for _, c := range x.allCommands() {
		if c.Proto == record.ProtoIMAP && c.Verb == "LOGOUT" {
			a := &Answer{Frames: []int64{c.Packet, c.ReplyPacket}, Filters: []string{`imap.request.command == "LOGOUT"`}}
			a.say("lab.1.1.7.logout", "frame", itoa(c.Packet), "status", statusText(c))
			return a
		}
	}
	return nil
}

// statusText is a command's reply for the reader: "OK Logout completed".
func statusText(c *record.Command) string {
	s := strings.TrimSpace(c.Status + " " + c.Reply)
	if s == "" {
		return "–"
	}
	return wire(s, maxShort)
}

// plural picks the ".one" variant of a catalogue key for a count of one.
func plural(key string, n *int64) string {
	if n != nil && *n == 1 {
		return key + ".one"
	}
	return key
}
