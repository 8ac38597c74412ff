package imap

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

const clientHello = "\x16\x03\x01\x00\x05hello"
const serverHello = "\x16\x03\x03\x00\x05world"

func TestStartTLS(t *testing.T) {
	greeting := sv("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
	tests := []struct {
		name      string
		pieces    []piece
		security  record.Security
		accepted  bool
		tlsSeen   bool
		tlsAt     int64
		injection string
		side      string
		findings  []string
		clientTLS string
		serverTLS string
	}{
		{"UpgradedAtTheByteAfterOK",
			[]piece{greeting, c("a STARTTLS\r\n"), sv("a OK Begin TLS negotiation now.\r\n"), c(clientHello), sv(serverHello)},
			session.StartTLS, true, true, 4, "", "", nil, clientHello, serverHello},
		{"Refused",
			[]piece{greeting, c("a STARTTLS\r\n"), sv("a NO [UNAVAILABLE] TLS not available\r\n"), c("b LOGOUT\r\n"), sv("b OK bye\r\n")},
			session.StartTLSFailed, false, false, 0, "", "", []string{"starttls-refused"}, "", ""},
		{"AcceptedButNoTLSFollowed",
			[]piece{greeting, c("a STARTTLS\r\n"), sv("a OK Begin TLS\r\n")},
			session.StartTLSFailed, true, false, 0, "", "", nil, "", ""},
		{"ClientInjectsCommandsBeforeOK",
			[]piece{greeting, c("a STARTTLS\r\nb LOGIN x y\r\n"), sv("a OK Begin TLS\r\n"), c(clientHello)},
			session.StartTLS, true, true, 4, "b LOGIN x ***\\r\\n", "client", []string{"starttls-plaintext-injection"}, clientHello, ""},
		{"ServerInjectsAfterOK",
			[]piece{greeting, c("a STARTTLS\r\n"), sv("a OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"), c(clientHello)},
			session.StartTLS, true, true, 4, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\\r\\n", "server", []string{"starttls-plaintext-injection"}, clientHello, ""},
		{"ClientHelloBeforeOKGoesToTLS",
			[]piece{greeting, c("a STARTTLS\r\n" + clientHello), sv("a OK Begin TLS\r\n"), sv(serverHello)},
			session.StartTLS, true, true, 2, "", "", nil, clientHello, serverHello},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDefault(t, tt.pieces...)
			st := r.starttls()
			if len(st) != 1 {
				t.Fatalf("want one starttls record: %s", r.dump())
			}
			got := st[0]
			if got.Offered == nil || !*got.Offered || !got.Requested || got.Accepted != tt.accepted || got.TLSSeen != tt.tlsSeen ||
				got.TLSPacket != tt.tlsAt || got.Packet != 2 || got.ReplyPacket != 3 {
				t.Fatalf("starttls %+v", got)
			}
			if got.PlaintextInjection != tt.injection || got.InjectionSide != tt.side {
				t.Fatalf("injection %q %q", got.PlaintextInjection, got.InjectionSide)
			}
			if r.s.Security() != tt.security || r.tlsAt != tt.tlsAt {
				t.Fatalf("security %q tls frame %d", r.s.Security(), r.tlsAt)
			}
			f := r.findings()
			for _, id := range tt.findings {
				if f[id] == nil {
					t.Errorf("missing finding %s: %s", id, r.dump())
				}
			}
			if len(f) != len(tt.findings) {
				t.Errorf("findings %v", f)
			}
			if string(r.tlsData[0]) != tt.clientTLS || string(r.tlsData[1]) != tt.serverTLS {
				t.Errorf("TLS got client %q server %q", r.tlsData[0], r.tlsData[1])
			}
		})
	}
}

func TestStartTLSNotOfferedWithLoginInClear(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"),
		c("a LOGIN bob pw\r\n"), sv("a OK hi\r\n"),
	)
	f := r.findings()["starttls-not-offered"]
	if f == nil || f.Severity != "high" || f.Lab != "" || len(f.Frames) != 2 || r.findings()["starttls-not-used"] != nil {
		t.Fatalf("%s", r.dump())
	}
}

func TestStartTLSOfferedNotUsed(t *testing.T) {
	r := runDefault(t,
		sv("* OK ready\r\n"),
		c("a CAPABILITY\r\n"), sv("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\na OK done\r\n"),
		c("b LOGIN bob pw\r\n"), sv("b OK hi\r\n"),
	)
	f := r.findings()["starttls-not-used"]
	if f == nil || f.Severity != "high" || f.Lab != "" || f.Frames[0] != 3 || f.Frames[1] != 4 || r.findings()["starttls-not-offered"] != nil {
		t.Fatalf("%s", r.dump())
	}
}

func TestPreauthGreeting(t *testing.T) {
	r := runDefault(t,
		sv("* PREAUTH [CAPABILITY IMAP4rev1] logged in as alice\r\n"),
		c("a STARTTLS\r\n"), sv("a BAD STARTTLS not allowed now\r\n"),
		c("b SELECT INBOX\r\n"), sv("* 2 EXISTS\r\nb OK done\r\n"),
	)
	st := r.starttls()
	if len(st) != 1 || st[0].Offered == nil || *st[0].Offered || st[0].Accepted {
		t.Fatalf("%s", r.dump())
	}
	f := r.findings()
	if f["imap-preauth"] == nil || f["starttls-refused"] == nil {
		t.Fatalf("%s", r.dump())
	}
	if r.s.Security() != session.StartTLSFailed {
		t.Fatalf("security %q", r.s.Security())
	}
}

func TestPreauthWithoutStartTLSIsNotOffered(t *testing.T) {
	r := runDefault(t, sv("* PREAUTH ready\r\n"), c("a LIST \"\" *\r\n"), sv("a OK done\r\n"))
	f := r.findings()
	if f["imap-preauth"] == nil || f["starttls-not-offered"] == nil || f["starttls-not-offered"].Severity != "medium" {
		t.Fatalf("%s", r.dump())
	}
}

func TestLoginAfterRefusedStartTLSIsNotStartTLSNotUsed(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
		c("a STARTTLS\r\n"), sv("a NO TLS unavailable\r\n"),
		c("b LOGIN bob pw\r\n"), sv("b OK hi\r\n"),
	)
	f := r.findings()
	if f["starttls-refused"] == nil || f["starttls-not-used"] != nil || r.s.Security() != session.StartTLSFailed {
		t.Fatalf("%s", r.dump())
	}
	if len(r.creds()) != 1 {
		t.Fatalf("%s", r.dump())
	}
}

func TestStartTLSReplyLostClientGoesOnInClear(t *testing.T) {
	r := runDefault(t,
		sv("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
		c("a STARTTLS\r\n"),
		piece{dir: 1, gap: 40},
		c("b LOGIN bob pw\r\n"),
		sv("b OK hi\r\n"),
	)
	if r.command(t, "LOGIN").Status != "OK" || len(r.creds()) != 1 || r.s.Security() != session.StartTLSFailed {
		t.Fatalf("%s", r.dump())
	}
}
