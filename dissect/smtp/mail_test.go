package smtp

import (
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestForgedToLegalWarning(t *testing.T) {
	tests := []struct {
		name       string
		m          record.Message
		toSelf     string
		recipients string
		detail     string
	}{
		{"AuthenticatedUserWritesToSomeoneElse", record.Message{From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "james.bond@mi6.example", EnvelopeTo: []string{"bob@grenoble-inp.example"}, AuthUser: "alice"},
			"false", "bob@grenoble-inp.example", "went to bob@grenoble-inp.example"},
		{"AuthenticatedUserWritesToHerself", record.Message{From: "James Bond <james.bond@mi6.example>", EnvelopeTo: []string{"alice@grenoble-inp.example"}, AuthUser: "alice"},
			"true", "", ""},
		{"RealEnvelopeSenderWritesToHimself", record.Message{From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "tim@grenoble-inp.example", EnvelopeTo: []string{"TIM@grenoble-inp.example"}},
			"true", "", ""},
		{"UnknownSenderAsksToCheck", record.Message{From: "James Bond <james.bond@mi6.example>", EnvelopeFrom: "007@grenoble-inp.example", EnvelopeTo: []string{"alice@grenoble-inp.example"}},
			"", "alice@grenoble-inp.example", "Check that alice@grenoble-inp.example is your own address"},
		{"HeaderToWhenNoEnvelope", record.Message{From: "James Bond <james.bond@mi6.example>", To: []string{"Bob <bob@x.org>"}},
			"", "bob@x.org", "Check that bob@x.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &record.Finding{ID: "spoofed-sender", Detail: "Forged."}
			forgedTo(f, &tt.m)
			if f.Args["to_self"] != tt.toSelf || f.Args["recipients"] != tt.recipients {
				t.Errorf("args = %v", f.Args)
			}
			if tt.detail == "" && f.Detail != "Forged." {
				t.Errorf("detail = %q", f.Detail)
			}
			if tt.detail != "" && (!strings.Contains(f.Detail, tt.detail) || !strings.Contains(f.Detail, "LOPPSI")) {
				t.Errorf("detail = %q", f.Detail)
			}
		})
	}
}

func TestSpoofedSenderFindingCarriesLegalWarning(t *testing.T) {
	r := run(t, []step{s(greeting), c("MAIL FROM:<007@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<alice@y.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"),
		c("From: James Bond <james.bond@mi6.example>\r\nTo: alice@y.org\r\nSubject: Compte rendu de mission\r\n\r\nhi\r\n.\r\n"), s("250 ok\r\n")})
	fs := r.findings("spoofed-sender")
	if len(fs) == 0 || !strings.Contains(fs[0].Detail, "LOPPSI") || fs[0].Session != "s1" {
		t.Fatalf("findings = %+v", fs)
	}
	m := r.messages()
	if len(m) != 1 || m[0].Subject != "Compte rendu de mission" || m[0].From != "James Bond <james.bond@mi6.example>" {
		t.Errorf("message = %+v", m)
	}
}
