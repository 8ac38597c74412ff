package grade

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// TestSecondServer checks TP4's 1.2.8 criterion: a STARTTLS refused, or
// not offered, at a server other than the one where 1.2.7's upgrade
// worked.
func TestSecondServer(t *testing.T) {
	r, err := ParseRubric("tp4.yaml", BuiltinRubric())
	if err != nil {
		t.Fatal(err)
	}
	var crit *Criterion
	for _, c := range r.Criteria {
		if c.ID == "smtp-starttls-second" {
			crit = c
		}
	}
	if crit == nil {
		t.Fatal("the TP4 rubric has no smtp-starttls-second criterion")
	}
	session := func(id, server, greeting string) *record.Session {
		return &record.Session{ID: id, Proto: record.ProtoSMTP, Server: server, Greeting: greeting}
	}
	upgraded := func(id string) *record.StartTLS {
		return &record.StartTLS{Session: id, Proto: record.ProtoSMTP, Requested: true, Accepted: true, TLSSeen: true, Packet: 4}
	}
	refused := func(id string) *record.StartTLS {
		return &record.StartTLS{Session: id, Proto: record.ProtoSMTP, Offered: record.Bool(false), Requested: true, Reply: "502 5.5.1", Packet: 8}
	}
	no := false
	notOffered := func(id string) *record.StartTLS {
		return &record.StartTLS{Session: id, Proto: record.ProtoSMTP, Offered: &no, Packet: 8}
	}
	cases := []struct {
		name  string
		files [][]record.Record
		want  bool
	}{
		{"RefusedAtTheSecondServer", [][]record.Record{
			{session("a", "127.0.0.1:25", "220 mail.lab.example ESMTP"), upgraded("a")},
			{session("b", "127.0.0.1:2525", "220 mail.lab.example ESMTP"), refused("b")}}, true},
		{"NotOfferedAtAnotherHostName", [][]record.Record{
			{session("a", "10.0.0.1:25", "220 smtp.univ.example ESMTP"), upgraded("a"),
				session("b", "10.0.0.1:25", "220 mx.inp.example ESMTP"), notOffered("b")}}, true},
		{"OnlyTheRefusingServer", [][]record.Record{
			{session("b", "127.0.0.1:2526", "220 mail.lab.example ESMTP"), refused("b")}}, true},
		{"RefusedThenAcceptedAtTheSameServer", [][]record.Record{
			{session("a", "127.0.0.1:25", "220 mail.lab.example ESMTP"), refused("a")},
			{session("b", "127.0.0.1:25", "220 mail.lab.example ESMTP"), upgraded("b")}}, false},
		{"TwoUpgradesAtOneServer", [][]record.Record{
			{session("a", "127.0.0.1:25", "220 mail.lab.example ESMTP"), upgraded("a"),
				session("b", "127.0.0.1:25", "220 mail.lab.example ESMTP"), upgraded("b")}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var items []*item
			for i, recs := range c.files {
				items = append(items, recordItems("f"+string(rune('0'+i))+".pcap", i, recs, len(items))...)
			}
			markSecondServers(items)
			if got, _ := crit.When.eval(items); got != c.want {
				t.Errorf("1.2.8 met = %v, want %v", got, c.want)
			}
		})
	}
}

func TestGreetingName(t *testing.T) {
	for in, want := range map[string]string{
		"220 Mail.Lab.Example. ESMTP Postfix": "mail.lab.example",
		"220-mx.example.org ESMTP":            "mx.example.org",
		"220":                                 "",
		"":                                    "",
		"554 no service":                      "",
	} {
		if got := greetingName(in); got != want {
			t.Errorf("greetingName(%q) = %q, want %q", in, got, want)
		}
	}
}
