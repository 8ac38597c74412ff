package findings

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

// mxLookups: lab 1.2.1 asks for the mail servers of a domain.
func mxLookups(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, d := range ix.dns {
		if d.Type != "MX" {
			continue
		}
		var mx []string
		for _, a := range d.Answers {
			if a.Exchange == "" {
				continue
			}
			if a.Preference != nil {
				mx = append(mx, fmt.Sprintf("%d %s", *a.Preference, a.Exchange))
			} else {
				mx = append(mx, a.Exchange)
			}
		}
		if len(mx) == 0 {
			continue
		}
		list := strings.Join(mx, ", ")
		out = append(out, newFinding(MXLookup, record.SeverityInfo, "",
			i18n.RecordText("mx-lookup.title", "domain", d.Name, "mx", list),
			i18n.RecordText("mx-lookup.detail"),
			[]int64{d.Packet, d.ReplyPacket},
			map[string]string{"domain": d.Name, "mx": list}))
	}
	return out
}

// deletedNotExpunged: STORE +FLAGS \Deleted only marks a message; it stays
// on the server until EXPUNGE (or CLOSE) removes it (lab 1.1.5).
func deletedNotExpunged(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, s := range ix.sessionIDs() {
		store, set := ix.deletedFlag(s)
		if store == 0 || ix.expungedAfter(s, store) {
			continue
		}
		out = append(out, newFinding(DeletedNotExpunged, record.SeverityLow, s,
			i18n.RecordText("imap-deleted-not-expunged.title", "set", set),
			i18n.RecordText("imap-deleted-not-expunged.detail"),
			[]int64{store}, map[string]string{"set": set}))
	}
	return out
}

// sessionIDs lists the sessions with IMAP activity, in a stable order.
func (ix *index) sessionIDs() []string {
	var ids []string
	seen := map[string]bool{}
	for _, s := range ix.order {
		seen[s.ID] = true
		ids = append(ids, s.ID)
	}
	for _, cmds := range ix.commands {
		for _, c := range cmds {
			if !seen[c.Session] {
				seen[c.Session] = true
				ids = append(ids, c.Session)
			}
		}
	}
	return ids
}

// deletedFlag returns the frame and message set of the first successful
// STORE that adds \Deleted on session s.
func (ix *index) deletedFlag(s string) (int64, string) {
	for _, c := range ix.commands[s] {
		if c.Proto != record.ProtoIMAP || !isStore(c.Verb) || c.Status == "NO" || c.Status == "BAD" {
			continue
		}
		args := strings.ToLower(c.Args)
		if strings.Contains(args, `\deleted`) && !strings.Contains(args, "-flags") {
			set, _, _ := strings.Cut(c.Args, " ")
			return c.Packet, set
		}
	}
	return 0, ""
}

func isStore(verb string) bool { return verb == "STORE" || verb == "UID STORE" }

// expungedAfter reports an EXPUNGE, UID EXPUNGE, CLOSE or MOVE after frame
// on session s (MOVE expunges the source as part of its work).
func (ix *index) expungedAfter(s string, frame int64) bool {
	for _, c := range ix.commands[s] {
		if c.Packet < frame {
			continue
		}
		switch c.Verb {
		case "EXPUNGE", "UID EXPUNGE", "CLOSE":
			return true
		}
	}
	for _, m := range ix.mailbox[s] {
		if m.Packet < frame {
			continue
		}
		for _, e := range m.Events {
			if strings.HasPrefix(strings.ToUpper(e), "EXPUNGE") {
				return true
			}
		}
	}
	return false
}
