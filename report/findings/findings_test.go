package findings

import (
	"reflect"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func sess(id, sec, client, server string, start, tlsPacket int64) *record.Session {
	return &record.Session{ID: id, Proto: "smtp", Client: client, Server: server, Security: record.Security(sec),
		Start: t0.Add(time.Duration(start) * time.Second), End: t0.Add(time.Duration(start+2) * time.Second),
		Packet: start*10 + 1, TLSPacket: tlsPacket}
}

func TestDerive(t *testing.T) {
	cases := []struct {
		name string
		recs []record.Record
		want []record.Finding // ID, Severity, Session, Lab, Frames compared
	}{
		{
			name: "imap login on cleartext session is exposed",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "imap", Security: "cleartext"},
				&record.Credential{Session: "s1", Proto: "imap", Mechanism: "LOGIN", Username: "alice", Packet: 5, ReplyPacket: 6, Recoverable: true},
			},
			want: []record.Finding{{ID: CleartextCredentials, Severity: "high", Session: "s1", Lab: "1.1.2", Frames: []int64{5, 6}}},
		},
		{
			name: "smtp auth before starttls is exposed",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "smtp", Security: "starttls", TLSPacket: 20},
				&record.Credential{Session: "s1", Proto: "smtp", Mechanism: "PLAIN", SASL: true, Username: "bob", Packet: 8},
			},
			want: []record.Finding{{ID: CleartextCredentials, Severity: "high", Session: "s1", Lab: "1.2.6", Frames: []int64{8}}},
		},
		{
			name: "credential on starttls-failed session is exposed",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "pop3", Security: "starttls-failed"},
				&record.Credential{Session: "s1", Proto: "pop3", Mechanism: "USER", Username: "carol", Packet: 9},
			},
			want: []record.Finding{{ID: CleartextCredentials, Severity: "high", Session: "s1", Frames: []int64{9}}},
		},
		{
			name: "credential after tls start is not raised",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "smtp", Security: "starttls", TLSPacket: 20},
				&record.Credential{Session: "s1", Proto: "smtp", Mechanism: "PLAIN", Username: "bob", Packet: 25},
			},
		},
		{
			name: "login decrypted with the key log is visible only with it, not cleartext",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "imap", Security: "implicit-tls", TLSPacket: 4, EncryptedBytes: 3344, Decrypted: true},
				&record.Credential{Session: "s1", Proto: "imap", Mechanism: "LOGIN", Username: "alice", Packet: 13, ReplyPacket: 15, Recoverable: true, Decrypted: true},
			},
			want: []record.Finding{{ID: KeylogCredentials, Severity: "info", Session: "s1", Frames: []int64{13, 15}}},
		},
		{
			name: "login decrypted after STARTTLS is visible only with the key log",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "smtp", Security: "starttls", TLSPacket: 20, Decrypted: true},
				&record.Credential{Session: "s1", Proto: "smtp", Mechanism: "PLAIN", SASL: true, Username: "bob", Packet: 25, Decrypted: true},
			},
			want: []record.Finding{{ID: KeylogCredentials, Severity: "info", Session: "s1", Frames: []int64{25}}},
		},
		{
			name: "abandoned login without user or secret is not raised",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "smtp", Security: "cleartext"},
				&record.Credential{Session: "s1", Proto: "smtp", Mechanism: "LOGIN", SASL: true, Packet: 12},
			},
		},
		{
			name: "cram-md5 without revealed hash is still raised",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "smtp", Security: "cleartext"},
				&record.Credential{Session: "s1", Proto: "smtp", Mechanism: "CRAM-MD5", SASL: true, Username: "alice", Packet: 9},
			},
			want: []record.Finding{{ID: CleartextCredentials, Severity: "high", Session: "s1", Lab: "1.2.6", Frames: []int64{9}}},
		},
		{
			name: "finding already raised is not duplicated",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "imap", Security: "cleartext"},
				&record.Credential{Session: "s1", Proto: "imap", Mechanism: "LOGIN", Username: "alice", Packet: 5},
				&record.Finding{ID: CleartextCredentials, Session: "s1", Packet: 5},
			},
		},
		{
			name: "cleartext smtp message with gif attachment",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "smtp", Security: "cleartext"},
				&record.Message{Session: "s1", Proto: "smtp", Direction: "sent", Packet: 12, EndPacket: 15, Subject: "GIF",
					Attachments: []record.Attachment{{Filename: "chat.gif", ContentType: "image/gif"}}, SMIME: "none"},
			},
			want: []record.Finding{
				{ID: AttachmentExposed, Severity: "medium", Session: "s1", Lab: "1.2.9", Frames: []int64{12, 15}},
				{ID: CleartextMessage, Severity: "medium", Session: "s1", Lab: "1.2.6", Frames: []int64{12, 15}},
			},
		},
		{
			name: "fetched message answers 1.1.4",
			recs: []record.Record{
				&record.Message{Session: "s2", Proto: "imap", Direction: "fetched", Packet: 30, SMIME: "none"},
			},
			want: []record.Finding{{ID: CleartextMessage, Severity: "medium", Session: "s2", Lab: "1.1.4", Frames: []int64{30}}},
		},
		{
			name: "signed message over implicit tls is info only",
			recs: []record.Record{
				&record.Session{ID: "s1", Proto: "imap", Security: "implicit-tls"},
				&record.Message{Session: "s1", Proto: "imap", Direction: "fetched", Packet: 40, SMIME: "signed",
					MIME:        []string{"multipart/signed; protocol=\"application/pkcs7-signature\"", "  text/plain", "  application/pkcs7-signature; name=smime.p7s"},
					Attachments: []record.Attachment{{Filename: "smime.p7s", ContentType: "application/pkcs7-signature"}}},
			},
			want: []record.Finding{{ID: SMIMESigned, Severity: "info", Session: "s1", Lab: "1.3.2", Frames: []int64{40}}},
		},
		{
			name: "encrypted message in clear exposes only headers",
			recs: []record.Record{
				&record.Message{Session: "s1", Proto: "smtp", Direction: "sent", Packet: 50, SMIME: "encrypted",
					Attachments: []record.Attachment{{Filename: "smime.p7m", ContentType: "application/pkcs7-mime"}}},
			},
			want: []record.Finding{
				{ID: CleartextMessage, Severity: "low", Session: "s1", Lab: "1.2.6", Frames: []int64{50}},
				{ID: SMIMEEncrypted, Severity: "info", Session: "s1", Lab: "1.3.2", Frames: []int64{50}},
			},
		},
		{
			name: "cleartext retry after tls alert",
			recs: []record.Record{
				sess("s1", "implicit-tls", "10.0.0.1:40000", "10.0.0.2:465", 0, 0),
				&record.TLS{Session: "s1", Packet: 4, Alert: "handshake_failure"},
				sess("s2", "cleartext", "10.0.0.1:40002", "10.0.0.2:25", 5, 0),
			},
			want: []record.Finding{{ID: TLSDowngradeRetry, Severity: "high", Session: "s2", Frames: []int64{4, 51}}},
		},
		{
			name: "retry from another client is not a downgrade",
			recs: []record.Record{
				sess("s1", "starttls-failed", "10.0.0.1:40000", "10.0.0.2:25", 0, 0),
				sess("s2", "cleartext", "10.0.0.9:40002", "10.0.0.2:25", 5, 0),
			},
		},
		{
			name: "retry long after is not a downgrade",
			recs: []record.Record{
				sess("s1", "starttls-failed", "10.0.0.1:40000", "10.0.0.2:25", 0, 0),
				sess("s2", "cleartext", "10.0.0.1:40002", "10.0.0.2:25", 600, 0),
			},
		},
		{
			name: "mx lookup",
			recs: []record.Record{
				&record.DNS{Name: "grenoble-inp.org", Type: "MX", Packet: 1, ReplyPacket: 2,
					Answers: []record.DNSAnswer{{Preference: intp(10), Exchange: "mx1.grenoble-inp.org"}}},
				&record.DNS{Name: "grenoble-inp.org", Type: "A", Packet: 3},
			},
			want: []record.Finding{{ID: MXLookup, Severity: "info", Lab: "1.2.1", Frames: []int64{1, 2}}},
		},
		{
			name: "store deleted without expunge",
			recs: []record.Record{
				&record.Command{Session: "s1", Proto: "imap", Verb: "STORE", Args: `3 +FLAGS (\Deleted)`, Status: "OK", Packet: 20},
				&record.Command{Session: "s1", Proto: "imap", Verb: "LOGOUT", Packet: 22},
			},
			want: []record.Finding{{ID: DeletedNotExpunged, Severity: "low", Session: "s1", Lab: "1.1.5", Frames: []int64{20}}},
		},
		{
			name: "store deleted then expunge",
			recs: []record.Record{
				&record.Command{Session: "s1", Proto: "imap", Verb: "STORE", Args: `3 +FLAGS (\Deleted)`, Status: "OK", Packet: 20},
				&record.Command{Session: "s1", Proto: "imap", Verb: "EXPUNGE", Packet: 22},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Derive(c.recs)
			var short []record.Finding
			for _, f := range got {
				if f.Title == "" || f.Detail == "" {
					t.Errorf("%s: empty title or detail", f.ID)
				}
				if len(f.Frames) > 0 && f.Packet != f.Frames[0] {
					t.Errorf("%s: packet %d is not the first frame %v", f.ID, f.Packet, f.Frames)
				}
				short = append(short, record.Finding{ID: f.ID, Severity: f.Severity, Session: f.Session, Lab: f.Lab, Frames: f.Frames})
			}
			if !reflect.DeepEqual(short, c.want) {
				t.Errorf("got  %+v\nwant %+v", short, c.want)
			}
		})
	}
}

func intp(n int) *int { return &n }
