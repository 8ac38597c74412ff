package findings

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestRecipientsNamedByCertificatesSeenLater(t *testing.T) {
	const ca = "CN=Lab CA,O=Lab"
	enc := func(rs ...record.Recipient) *record.Message {
		return &record.Message{Packet: 10, Encryption: &record.Encryption{ContentType: "enveloped-data", Recipients: rs}}
	}
	tests := []struct {
		name      string
		recs      []record.Record
		email     string
		frame     int64
		source    string
		wantNamed bool
	}{
		{"signer seen after the encrypted message", []record.Record{
			enc(record.Recipient{Issuer: ca, Serial: "b"}),
			&record.Message{Packet: 23, Signer: &record.Signer{Issuer: ca, Serial: "b", Email: "bob@lab.example"}},
		}, "bob@lab.example", 23, "smime", true},
		{"same serial, other issuer", []record.Record{
			enc(record.Recipient{Issuer: ca, Serial: "b"}),
			&record.Message{Packet: 23, Signer: &record.Signer{Issuer: "CN=Other CA", Serial: "b", Email: "eve@lab.example"}},
		}, "", 0, "", false},
		{"subject key id", []record.Record{
			enc(record.Recipient{SubjectKeyID: "a1b2"}),
			&record.Message{Packet: 5, Signer: &record.Signer{Issuer: ca, Serial: "c", SubjectKeyID: "a1b2", Subject: "CN=carol"}},
		}, "CN=carol", 5, "smime", true},
		{"TLS server certificate", []record.Record{
			enc(record.Recipient{Issuer: ca, Serial: "2"}),
			&record.TLS{Session: "s1", CertificatePacket: 4, CertID: &record.CertID{Issuer: ca, Serial: "2", Name: "CN=mail.lab.example"}},
		}, "CN=mail.lab.example", 4, "tls", true},
		{"named by a key already: keeps the name, learns the frame", []record.Record{
			enc(record.Recipient{Issuer: ca, Serial: "b", Email: "bob@key", CertSource: "key"}),
			&record.Message{Packet: 30, Signer: &record.Signer{Issuer: ca, Serial: "b", Email: "bob@lab.example"}},
		}, "bob@key", 30, "key", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			Derive(tt.recs)
			r := tt.recs[0].(*record.Message).Encryption.Recipients[0]
			if r.Email != tt.email || r.CertFrame != tt.frame || r.CertSource != tt.source {
				t.Errorf("recipient %+v, want %q frame %d from %q", r, tt.email, tt.frame, tt.source)
			}
		})
	}
}
