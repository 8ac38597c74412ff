package grade

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"James Bond <James.Bond@MI6.example>", "james.bond@mi6.example"},
		{"<alice@lab.example>", "alice@lab.example"},
		{"alice@lab.example", "alice@lab.example"},
		{`"Bond, James" <jb@mi6.example>`, "jb@mi6.example"},
		{"broken <<jb@mi6.example>", "jb@mi6.example"},
		{"<>", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := address(tc.in); got != tc.want {
			t.Errorf("address(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLegalCheck(t *testing.T) {
	bond := "James Bond <james.bond@mi6.example>"
	sent := func(from, env string, to ...string) *record.Message {
		return &record.Message{Proto: "smtp", Direction: "sent", Packet: 7, Subject: "Compte rendu de mission",
			From: from, EnvelopeFrom: env, EnvelopeTo: to}
	}
	login := &record.Credential{Proto: "imap", Mechanism: "LOGIN", Username: "alice@lab.example", Packet: 3}
	tests := []struct {
		name    string
		email   string
		recs    []record.Record
		flagged bool
		forged  bool
		toSelf  bool
	}{
		{"forgery to self by csv", "alice@lab.example", []record.Record{sent(bond, "007@lab.example", "alice@lab.example")}, false, true, true},
		{"forgery to another by csv", "alice@lab.example", []record.Record{sent(bond, "007@lab.example", "bob@lab.example")}, true, true, false},
		{"forgery to self and another", "alice@lab.example", []record.Record{sent(bond, "007@lab.example", "alice@lab.example", "bob@lab.example")}, true, true, false},
		{"from equals envelope but not the student", "alice@lab.example", []record.Record{sent(bond, "james.bond@mi6.example", "bob@lab.example")}, true, true, false},
		{"honest mail to a partner", "alice@lab.example", []record.Record{sent("Alice <alice@lab.example>", "alice@lab.example", "bob@lab.example")}, false, false, false},
		{"no csv: self from login", "", []record.Record{login, sent(bond, "007@lab.example", "alice@lab.example")}, false, true, true},
		{"no csv: to another", "", []record.Record{login, sent(bond, "007@lab.example", "bob@lab.example")}, true, true, false},
		{"no csv: self from envelope", "", []record.Record{sent(bond, "alice@lab.example", "alice@lab.example")}, false, true, true},
		{"fetched forgery is not sending", "alice@lab.example", []record.Record{&record.Message{Proto: "imap", Direction: "fetched", From: bond, To: []string{"bob@lab.example"}}}, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			its := items(tc.recs...)
			legal := checkMessages(its, selfAddresses(tc.email, its), tc.email)
			if (len(legal) > 0) != tc.flagged {
				t.Errorf("flagged = %v, want %v", len(legal) > 0, tc.flagged)
			}
			m := its[len(its)-1].fields
			if m[fieldForged] != tc.forged || m[fieldToSelf] != tc.toSelf {
				t.Errorf("forged=%v to_self=%v, want %v %v", m[fieldForged], m[fieldToSelf], tc.forged, tc.toSelf)
			}
		})
	}
}

func TestLegalFlagNamesTheEvidence(t *testing.T) {
	its := items(&record.Message{Proto: "smtp", Direction: "sent", Packet: 15, Subject: "Compte rendu de mission",
		From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "007@lab.example", EnvelopeTo: []string{"Bob@lab.example", "carol@lab.example"}})
	legal := checkMessages(its, map[string]bool{"alice@lab.example": true}, "alice@lab.example")
	if len(legal) != 1 {
		t.Fatalf("%d flags", len(legal))
	}
	f := legal[0]
	if f.File != "a.pcap" || f.Frame != 15 || f.EnvelopeFrom != "007@lab.example" || len(f.Others) != 2 || f.Others[0] != "bob@lab.example" || f.Others[1] != "carol@lab.example" {
		t.Errorf("flag %+v", f)
	}
}
