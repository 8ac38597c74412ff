package lab

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// TestTag checks the question each finding gets from the records it is
// about: the dissectors raise findings without any lab number.
func TestTag(t *testing.T) {
	sess := func(id string, p record.Proto, sec record.Security) *record.Session {
		return &record.Session{ID: id, Proto: p, Security: sec}
	}
	cases := []struct {
		name    string
		session *record.Session
		extra   []record.Record
		finding record.Finding
		want    string
	}{
		{"SMTPStartTLSNotOffered", sess("s1", record.ProtoSMTP, record.SecurityCleartext), nil,
			record.Finding{ID: record.FindingStartTLSNotOffered, Session: "s1", Packet: 8}, "1.2.8"},
		{"SMTPStartTLSRefused", sess("s1", record.ProtoSMTP, record.SecurityStartTLSFailed), nil,
			record.Finding{ID: record.FindingStartTLSRefused, Session: "s1", Packet: 8}, "1.2.8"},
		{"SMTPStartTLSNotUsed", sess("s1", record.ProtoSMTP, record.SecurityCleartext), nil,
			record.Finding{ID: record.FindingStartTLSNotUsed, Session: "s1", Packet: 6}, "1.2.6"},
		{"IMAPStartTLSNotUsed", sess("s1", record.ProtoIMAP, record.SecurityCleartext), nil,
			record.Finding{ID: record.FindingStartTLSNotUsed, Session: "s1", Packet: 3}, "1.1.2"},
		{"IMAPStartTLSNotOffered", sess("s1", record.ProtoIMAP, record.SecurityCleartext), nil,
			record.Finding{ID: record.FindingStartTLSNotOffered, Session: "s1", Packet: 3}, "1.1.2"},
		{"IMAPLoginDisabledIgnored", sess("s1", record.ProtoIMAP, record.SecurityCleartext), nil,
			record.Finding{ID: record.FindingLoginDisabledIgnored, Session: "s1", Packet: 3}, "1.1.2"},
		{"POP3StartTLSNotUsed", sess("s1", record.ProtoPOP3, record.SecurityCleartext), nil,
			record.Finding{ID: record.FindingStartTLSNotUsed, Session: "s1", Packet: 3}, ""},
		{"TLSOnUpgradedSMTP", sess("s1", record.ProtoSMTP, record.SecurityStartTLS), nil,
			record.Finding{ID: record.FindingTLSSelfSignedCertificate, Session: "s1", Packet: 9}, "1.2.7"},
		{"NotTLSAfterSTARTTLS", sess("s1", record.ProtoSMTP, record.SecurityStartTLSFailed), nil,
			record.Finding{ID: record.FindingStartTLSNotTLS, Session: "s1", Packet: 9}, "1.2.7"},
		{"TLSOfImplicitTLS", sess("s1", record.ProtoTLS, record.SecurityImplicitTLS), nil,
			record.Finding{ID: record.FindingTLSSelfSignedCertificate, Session: "s1", Packet: 4}, ""},
		{"IMAPLoginInClear", sess("s1", record.ProtoIMAP, record.SecurityCleartext),
			[]record.Record{&record.Credential{Session: "s1", Proto: record.ProtoIMAP, Mechanism: "LOGIN", Packet: 5}},
			record.Finding{ID: record.FindingCleartextCredentials, Session: "s1", Packet: 5}, "1.1.2"},
		{"SMTPAuthAtSecretFrame", sess("s1", record.ProtoSMTP, record.SecurityCleartext),
			[]record.Record{&record.Credential{Session: "s1", Proto: record.ProtoSMTP, Mechanism: "PLAIN", SASL: true, Packet: 5, SecretPacket: 7}},
			record.Finding{ID: record.FindingCleartextCredentials, Session: "s1", Packet: 7}, "1.2.6"},
		{"ForgedSent", sess("s1", record.ProtoSMTP, record.SecurityCleartext),
			[]record.Record{&record.Message{Session: "s1", Proto: record.ProtoSMTP, Direction: record.DirectionSent, Packet: 12}},
			record.Finding{ID: record.FindingSenderUnverified, Session: "s1", Packet: 12}, "1.2.5"},
		{"ForgedFetched", sess("s1", record.ProtoIMAP, record.SecurityCleartext),
			[]record.Record{&record.Message{Session: "s1", Proto: record.ProtoIMAP, Direction: record.DirectionFetched, Packet: 12}},
			record.Finding{ID: record.FindingSenderUnverified, Session: "s1", Packet: 12}, ""},
		{"MX", nil, nil, record.Finding{ID: record.FindingMXLookup, Packet: 2}, "1.2.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.finding
			f.Lab = "stale"
			var recs []record.Record
			if c.session != nil {
				recs = append(recs, c.session)
			}
			recs = append(append(recs, c.extra...), &f)
			Tag(recs)
			if f.Lab != c.want {
				t.Errorf("lab %q, want %q", f.Lab, c.want)
			}
		})
	}
}
