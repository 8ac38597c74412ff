package lab

import (
	"strings"
)

// fromKeylog reports whether one of frames is a record decrypted with the
// key log.
func (x *finder) fromKeylog(frames []int64) bool {
	set := map[int64]bool{}
	for _, f := range frames {
		set[f] = true
	}
	for _, c := range x.creds {
		if c.Decrypted && (set[c.Packet] || set[c.ReplyPacket]) {
			return true
		}
	}
	for _, cmds := range x.commands {
		for _, c := range cmds {
			if c.Decrypted && (set[c.Packet] || set[c.ReplyPacket]) {
				return true
			}
		}
	}
	for _, m := range x.messages {
		if m.Decrypted && (set[m.Packet] || set[m.EndPacket]) {
			return true
		}
	}
	for _, m := range x.mailbox {
		if m.Decrypted && set[m.Packet] {
			return true
		}
	}
	return false
}

// decryptedVerbs lists, in order and once each, the commands of session
// sid read with the key log.
func (x *finder) decryptedVerbs(sid string) string {
	var verbs []string
	seen := map[string]bool{}
	for _, c := range x.commands[sid] {
		if c.Decrypted && !seen[c.Verb] && len(verbs) < 12 {
			seen[c.Verb] = true
			verbs = append(verbs, wire(c.Verb, maxShort))
		}
	}
	return strings.Join(verbs, ", ")
}
