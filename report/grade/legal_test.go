package grade

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
)

func TestLegalCheck(t *testing.T) {
	bond := "James Bond <james.bond@mi6.example>"
	sent := func(from, env string, to ...string) *record.Message {
		return &record.Message{Session: "s1", Proto: "smtp", Direction: "sent", Packet: 7, Subject: "Compte rendu de mission",
			From: from, EnvelopeFrom: env, EnvelopeTo: to}
	}
	yes := true
	login := &record.Credential{Session: "s0", Proto: "imap", Mechanism: "LOGIN", Username: "alice@lab.example", Packet: 3, Accepted: &yes}
	bobLogs := &lab.Identity{ID: "bob", Logins: []string{"bob"}, LoginFile: map[string]string{"bob": "bob.pcap"}}
	tests := []struct {
		name      string
		id, email string
		others    []*lab.Identity
		recs      []record.Record
		flagged   bool
		forged    bool
		toSelf    bool
		undecided bool
		evidence  string
	}{
		{"forgery to self by roster", "alice", "alice@lab.example", nil, []record.Record{sent(bond, "007@lab.example", "alice@lab.example")}, false, true, true, false, ""},
		{"forgery to another by roster", "alice", "alice@lab.example", nil, []record.Record{sent(bond, "007@lab.example", "bob@lab.example")}, true, true, false, false, "roster"},
		{"forgery to self and another", "alice", "alice@lab.example", nil, []record.Record{sent(bond, "007@lab.example", "alice@lab.example", "bob@lab.example")}, true, true, false, false, "roster"},
		{"envelope equals header: still forged", "alice", "alice@lab.example", nil, []record.Record{sent(bond, "james.bond@mi6.example", "alice@lab.example")}, false, true, true, false, ""},
		{"honest mail to a partner", "alice", "alice@lab.example", nil, []record.Record{sent("Alice <alice@lab.example>", "alice@lab.example", "bob@lab.example")}, false, false, false, false, ""},
		{"no roster: self from login", "x", "", nil, []record.Record{login, sent(bond, "james.bond@mi6.example", "alice@lab.example")}, false, true, true, false, ""},
		{"no roster: another student's login", "x", "", []*lab.Identity{bobLogs}, []record.Record{sent(bond, "james.bond@mi6.example", "bob@lab.example")}, true, true, false, false, "class"},
		{"no roster: id read as the address's name", "moreaul", "", nil, []record.Record{sent(bond, "james.bond@mi6.example", "lea.moreau@lab.example")}, false, true, true, false, ""},
		{"no roster: another id read as the name", "moreaul", "", []*lab.Identity{{ID: "petitj"}}, []record.Record{sent(bond, "james.bond@mi6.example", "jules.petit@lab.example")}, true, true, false, false, "name"},
		{"no roster: self from envelope", "x", "", nil, []record.Record{sent(bond, "alice@lab.example", "alice@lab.example")}, false, true, true, false, ""},
		{"no roster, nothing decides: no legal flag", "x", "", nil, []record.Record{sent(bond, "james.bond@mi6.example", "someone@lab.example")}, false, true, false, true, ""},
		{"fetched forgery is not sending", "alice", "alice@lab.example", nil, []record.Record{&record.Message{Proto: "imap", Direction: "fetched", From: bond, To: []string{"bob@lab.example"}}}, false, false, false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			its := items(tc.recs...)
			me := identity(tc.id, tc.email, its)
			legal, _ := checkMessages(its, me, lab.NewClass(append([]*lab.Identity{me}, tc.others...)))
			if (len(legal) > 0) != tc.flagged {
				t.Errorf("flagged = %v, want %v", len(legal) > 0, tc.flagged)
			}
			if len(legal) > 0 && legal[0].Evidence[0].Evidence != tc.evidence {
				t.Errorf("evidence %+v, want %s", legal[0].Evidence, tc.evidence)
			}
			m := its[len(its)-1].fields
			if m[fieldForged] != tc.forged || m[fieldToSelf] != tc.toSelf || m[fieldRecipientUndecided] != tc.undecided {
				t.Errorf("forged=%v to_self=%v undecided=%v, want %v %v %v", m[fieldForged], m[fieldToSelf], m[fieldRecipientUndecided], tc.forged, tc.toSelf, tc.undecided)
			}
		})
	}
}

func TestLegalFlagNamesTheEvidence(t *testing.T) {
	its := items(&record.Message{Proto: "smtp", Direction: "sent", Packet: 15, Subject: "Compte rendu de mission",
		From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "007@lab.example", EnvelopeTo: []string{"Bob@lab.example", "carol@lab.example"}})
	me := identity("alice", "alice@lab.example", its)
	legal, _ := checkMessages(its, me, lab.NewClass([]*lab.Identity{me}))
	if len(legal) != 1 {
		t.Fatalf("%d flags", len(legal))
	}
	f := legal[0]
	if f.File != "a.pcap" || f.Frame != 15 || f.EnvelopeFrom != "007@lab.example" || len(f.Others) != 2 || f.Others[0] != "bob@lab.example" || f.Others[1] != "carol@lab.example" {
		t.Errorf("flag %+v", f)
	}
}
