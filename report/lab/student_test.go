package lab

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestNameMatches(t *testing.T) {
	tests := []struct {
		id, addr string
		want     bool
	}{
		{"moreaul", "lea.moreau@grenoble-inp.org", true},
		{"petitj", "jules.petit@grenoble-inp.org", true},
		{"jpetit", "jules.petit@grenoble-inp.org", true},
		{"alice", "alice@grenoble-inp.example", true},
		{"lefevrema", "marie-anne.lefevre@grenoble-inp.org", false},
		{"lefevrem", "marie.lefèvre@grenoble-inp.org", true},
		{"moreaul", "louis.moreau@grenoble-inp.org", true},
		{"moreaul", "jules.petit@grenoble-inp.org", false},
		{"bob", "james.bond@mi6.example", false},
		{"", "a@b", false},
	}
	for _, tc := range tests {
		if got := NameMatches(tc.id, tc.addr); got != tc.want {
			t.Errorf("NameMatches(%q, %q) = %v", tc.id, tc.addr, got)
		}
	}
}

func TestOwnerOrder(t *testing.T) {
	me := &Identity{ID: "moreaul", Logins: []string{"lmoreau"}, LoginFile: map[string]string{"lmoreau": "a.pcap"}}
	bob := &Identity{ID: "petitj", Logins: []string{"jules.petit@lab.fr"}, LoginFile: map[string]string{"jules.petit@lab.fr": "j.pcap"}}
	c := NewClass([]*Identity{me, bob})
	cases := []struct {
		addr string
		self bool
		ev   Evidence
	}{
		{"lmoreau@lab.fr", true, ByLogin},
		{"jules.petit@lab.fr", false, ByClass},
		{"lea.moreau@lab.fr", true, ByName},
		{"nobody@lab.fr", false, ""},
	}
	for _, tc := range cases {
		o := c.Owner(me, tc.addr)
		if o.Self != tc.self || o.Evidence != tc.ev {
			t.Errorf("%s: %+v", tc.addr, o)
		}
	}
	me.Roster = "lea.moreau@lab.fr"
	if o := c.Owner(me, "nobody@lab.fr"); o.Self || o.Evidence != ByRoster {
		t.Errorf("with a roster, another address is someone else's: %+v", o)
	}
}

func TestMailboxes(t *testing.T) {
	s := &record.Session{ID: "s2", Proto: "imap", AuthUser: "moreaul"}
	m1 := &record.Message{Session: "s2", Direction: "fetched", To: []string{"Léa <lea.moreau@lab.fr>"}, Cc: []string{"x@lab.fr"}}
	m2 := &record.Message{Session: "s2", Direction: "fetched", To: []string{"lea.moreau@lab.fr", "y@lab.fr"}}
	other := &record.Message{Session: "s3", Direction: "fetched", To: []string{"z@lab.fr"}} // nobody logged in
	got := Mailboxes([]record.Record{s, m1, m2, other})
	if len(got) != 1 || got[0] != "lea.moreau@lab.fr" {
		t.Fatalf("mailboxes %v", got)
	}
	me := &Identity{ID: "x", Mailboxes: got, LoginFile: map[string]string{"lea.moreau@lab.fr": "a.pcap"}}
	if o := NewClass([]*Identity{me}).Owner(me, "lea.moreau@lab.fr"); !o.Self || o.Evidence != ByMailbox {
		t.Errorf("owner %+v", o)
	}
}
