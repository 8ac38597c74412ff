package lab

import (
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestSenders(t *testing.T) {
	sent := func(m record.Message) record.Message {
		m.Proto, m.Direction, m.Session = "smtp", "sent", "s1"
		return m
	}
	cases := []struct {
		name         string
		msg          record.Message
		unverified   bool
		contradicted bool
		reasons      string
	}{
		{"BondTypedByHandEnvelopeEqualsHeader", sent(record.Message{From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "james.bond@mi6.example"}),
			true, false, "no-auth,envelope-same,helo,no-dkim"},
		{"BondWithAnotherEnvelope", sent(record.Message{From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "007@grenoble-inp.example"}),
			true, true, "no-auth,envelope-differs,helo,no-dkim"},
		{"LoginMatchesFrom", sent(record.Message{From: "Alice <alice@lab.fr>", EnvelopeFrom: "alice@lab.fr", AuthUser: "alice@lab.fr"}),
			false, false, "auth-matches,no-dkim"},
		{"BareLoginIsTheLocalPart", sent(record.Message{From: "jdupont@lab.fr", AuthUser: "jdupont"}),
			false, false, "auth-matches,no-dkim"},
		{"LoginOtherThanFrom", sent(record.Message{From: "president@elysee.fr", EnvelopeFrom: "president@elysee.fr", AuthUser: "jdupont@ensimag.fr"}),
			true, true, "auth-differs,envelope-same,helo,no-dkim"},
		{"DisplayNameHoldingAnotherAddress", sent(record.Message{From: "\"boss@bank.com\" <x@evil.net>", EnvelopeFrom: "x@evil.net", AuthUser: "x@evil.net"}),
			false, true, "auth-matches,display-name,no-dkim"},
		{"DKIMBodyHashChecked", sent(record.Message{From: "a@lab.fr", AuthUser: "a", DKIM: []record.DKIM{{Domain: "lab.fr", Selector: "s", BodyHash: "match"}}}),
			false, false, "auth-matches,dkim-body-match"},
		{"FetchedReplyToElsewhere", record.Message{Proto: "imap", Direction: "fetched", From: "a@lab.fr", ReplyTo: "Support <help@other.org>", AuthUser: "bob"},
			false, false, "reply-to"},
		{"FetchedReturnPathOtherDomain", record.Message{Proto: "pop3", Direction: "fetched", From: "a@bank.com", ReturnPath: "bounce@evil.net"},
			false, true, "return-path"},
		{"NoFromNothingToSay", sent(record.Message{EnvelopeFrom: "a@b.c"}), false, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.msg
			recs := []record.Record{&record.Session{ID: "s1", Client: "192.0.2.7:40000", Server: "192.0.2.1:25"},
				&record.Command{Session: "s1", Verb: "EHLO", Args: "pc.example"}, &m}
			ss := Senders(recs)
			if len(ss) != 1 {
				t.Fatalf("%d senders", len(ss))
			}
			s := ss[0]
			var ids []string
			for _, r := range s.Reasons {
				ids = append(ids, r.ID)
			}
			if s.Unverified() != c.unverified || s.Contradicted != c.contradicted || strings.Join(ids, ",") != c.reasons {
				t.Errorf("unverified=%v contradicted=%v reasons=%v", s.Unverified(), s.Contradicted, ids)
			}
		})
	}
}

func TestDeliveredVerdictReachesTheSentMessage(t *testing.T) {
	sent := &record.Message{Session: "s1", Proto: "smtp", Direction: "sent", From: "jb@mi6.example", MessageID: "<1@x>"}
	back := &record.Message{Session: "s2", Proto: "imap", Direction: "fetched", From: "jb@mi6.example", MessageID: "<1@x>",
		AuthResults: []string{"authentication-results: mx; spf=fail smtp.mailfrom=mi6.example"}}
	ss := Senders([]record.Record{sent, back})
	last := ss[0].Reasons[len(ss[0].Reasons)-1]
	if last.ID != "delivered" || !strings.Contains(last.Args["verdict"], "spf=fail") {
		t.Errorf("reasons %+v", ss[0].Reasons)
	}
}

func TestReasonArgsRoundTrip(t *testing.T) {
	in := []Reason{{"no-auth", map[string]string{"from": "a@b"}}, {"delivered", map[string]string{"verdict": "spf=pass"}}, {"delivered", map[string]string{"verdict": "dkim=none"}}}
	args := map[string]string{"from": "x"}
	ReasonArgs(args, in)
	out := ReasonsOf(args)
	if len(out) != 3 || out[2].Args["verdict"] != "dkim=none" || out[0].Args["from"] != "a@b" {
		t.Errorf("round trip %+v", out)
	}
}
