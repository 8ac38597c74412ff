package lab

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// FuzzSenders feeds hostile header values and logins to the sender
// analysis and the student identity: neither may crash.
func FuzzSenders(f *testing.F) {
	f.Add("James Bond <james.bond@mi6.example>", "james.bond@mi6.example", "", "moreaul", "lea.moreau@lab.fr")
	f.Add("\"a@b.c\" <x@y>", "<>", "x", "", "<<@>>")
	f.Fuzz(func(t *testing.T, from, env, auth, id, rcpt string) {
		m := &record.Message{Session: "s1", Proto: "smtp", Direction: "sent", From: from, EnvelopeFrom: env,
			AuthUser: auth, ReplyTo: rcpt, EnvelopeTo: []string{rcpt}}
		for _, s := range Senders([]record.Record{m}) {
			_ = s.Unverified()
		}
		me := &Identity{ID: id, Logins: []string{auth}}
		NewClass([]*Identity{me, {ID: rcpt}}).Recipients(me, m)
		NameMatches(id, rcpt)
	})
}
