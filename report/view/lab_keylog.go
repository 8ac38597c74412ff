package view

import "strings"

// findAnswer runs a question and, when its evidence was read inside TLS
// with a key log, says so: the student saw it, an eavesdropper did not.
func (b *builder) findAnswer(q question) *answer {
	a := q.find(b)
	if a != nil && q.id != "1.1.2" && b.fromKeylog(a.frames) {
		a.note(b, "lab.keylog")
	}
	return a
}

// fromKeylog reports whether one of frames is a record decrypted with the
// key log.
func (b *builder) fromKeylog(frames []int64) bool {
	set := map[int64]bool{}
	for _, f := range frames {
		set[f] = true
	}
	for _, c := range b.ix.creds {
		if c.Decrypted && (set[c.Packet] || set[c.ReplyPacket]) {
			return true
		}
	}
	for _, cmds := range b.ix.commands {
		for _, c := range cmds {
			if c.Decrypted && (set[c.Packet] || set[c.ReplyPacket]) {
				return true
			}
		}
	}
	for _, m := range b.ix.messages {
		if m.Decrypted && (set[m.Packet] || set[m.EndPacket]) {
			return true
		}
	}
	for _, m := range b.ix.mailbox {
		if m.Decrypted && set[m.Packet] {
			return true
		}
	}
	return false
}

// decryptedVerbs lists, in order and once each, the commands of session
// sid read with the key log.
func (b *builder) decryptedVerbs(sid string) string {
	var verbs []string
	seen := map[string]bool{}
	for _, c := range b.ix.commands[sid] {
		if c.Decrypted && !seen[c.Verb] && len(verbs) < 12 {
			seen[c.Verb] = true
			verbs = append(verbs, wire(c.Verb, maxShort))
		}
	}
	return strings.Join(verbs, ", ")
}
