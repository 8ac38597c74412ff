package smtp

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
)

// clientHello is the start of a TLS 1.2 record holding a ClientHello.
const clientHello = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"
const serverHello = "\x16\x03\x03\x00\x05\x02\x00\x00\x01\x00"

func TestStartTLS(t *testing.T) {
	type want struct {
		offered                     *bool
		accepted, tlsSeen           bool
		reply                       string
		packet, replyPacket, tlsPkt int64
		injection, side             string
		security                    record.Security
		findings                    map[string]string // id -> severity
		commands                    string
		tlsEvents                   int
	}
	yes, no := true, false
	noTLSCaps := "250-mx\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
	tests := []struct {
		name  string
		steps []step
		want  want
	}{
		{"AcceptedThenTLS", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\n"), s("220 2.0.0 Ready to start TLS\r\n"), c(clientHello), s(serverHello), c("MAIL FROM:<hidden@x>\r\n")},
			want{offered: &yes, accepted: true, tlsSeen: true, reply: "220 2.0.0 Ready to start TLS", packet: 4, replyPacket: 5, tlsPkt: 6,
				security: session.StartTLS, findings: map[string]string{}, commands: "EHLO 250,STARTTLS 220", tlsEvents: 3}},
		{"AcceptedButNoTLSFollowed", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\n"), s("220 go ahead\r\n")},
			want{offered: &yes, accepted: true, reply: "220 go ahead", packet: 4, replyPacket: 5,
				security: session.StartTLSFailed, findings: map[string]string{}, commands: "EHLO 250,STARTTLS 220"}},
		{"RefusedThenClearAuth", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\n"), s("454 4.7.0 TLS not available due to local problem\r\n"), c("AUTH PLAIN " + b64("\x00a\x00b") + "\r\n"), s("235 ok\r\n")},
			want{offered: &yes, reply: "454 4.7.0 TLS not available due to local problem", packet: 4, replyPacket: 5,
				security: session.StartTLSFailed, findings: map[string]string{"starttls-refused": "high"}, commands: "EHLO 250,STARTTLS 454,AUTH 235"}},
		{"RefusedThenQuit", []step{s(greeting), c("EHLO me\r\n"), s(noTLSCaps), c("STARTTLS\r\n"), s("502 5.5.1 Error: command not implemented\r\n"), c("QUIT\r\n"), s("221 bye\r\n")},
			want{offered: &no, reply: "502 5.5.1 Error: command not implemented", packet: 4, replyPacket: 5,
				security: session.StartTLSFailed, findings: map[string]string{"starttls-refused": "medium", "starttls-not-offered": "medium"}, commands: "EHLO 250,STARTTLS 502,QUIT 221"}},
		{"ClientInjectionAfterStartTLS", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\nRSET\r\n"), s("220 ready\r\n"), c(clientHello)},
			want{offered: &yes, accepted: true, tlsSeen: true, reply: "220 ready", packet: 4, replyPacket: 5, tlsPkt: 6, injection: "RSET\\r\\n", side: "client",
				security: session.StartTLS, findings: map[string]string{"starttls-plaintext-injection": "high"}, commands: "EHLO 250,STARTTLS 220", tlsEvents: 1}},
		{"ServerInjectionAfter220", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\n"), s("220 ready\r\n250 injected\r\n"), c(clientHello)},
			want{offered: &yes, accepted: true, tlsSeen: true, reply: "220 ready", packet: 4, replyPacket: 5, tlsPkt: 6, injection: "250 injected\\r\\n", side: "server",
				security: session.StartTLS, findings: map[string]string{"starttls-plaintext-injection": "high"}, commands: "EHLO 250,STARTTLS 220", tlsEvents: 1}},
		{"ImpatientClientHelloIsNoInjection", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("STARTTLS\r\n" + clientHello), s("220 ready\r\n")},
			want{offered: &yes, accepted: true, tlsSeen: true, reply: "220 ready", packet: 4, replyPacket: 5, tlsPkt: 4,
				security: session.StartTLS, findings: map[string]string{}, commands: "EHLO 250,STARTTLS 220", tlsEvents: 1}},
		{"WithoutEHLOOfferedUnknown", []step{c("STARTTLS\r\n"), s("220 ready\r\n"), c(clientHello)},
			want{accepted: true, tlsSeen: true, reply: "220 ready", packet: 1, replyPacket: 2, tlsPkt: 3,
				security: session.StartTLS, findings: map[string]string{}, commands: "STARTTLS 220", tlsEvents: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.steps)
			w := tt.want
			sts := r.starttls()
			if len(sts) != 1 {
				t.Fatalf("got %d starttls records", len(sts))
			}
			g := sts[0]
			if (g.Offered == nil) != (w.offered == nil) || (g.Offered != nil && *g.Offered != *w.offered) {
				t.Errorf("offered = %v, want %v", g.Offered, w.offered)
			}
			if g.Session != "s1" || g.Proto != "smtp" || !g.Requested || g.Accepted != w.accepted || g.TLSSeen != w.tlsSeen || g.Reply != w.reply ||
				g.Packet != w.packet || g.ReplyPacket != w.replyPacket || g.TLSPacket != w.tlsPkt ||
				g.PlaintextInjection != w.injection || g.InjectionSide != w.side {
				t.Errorf("starttls = %+v, want %+v", g, w)
			}
			if r.s.Security() != w.security {
				t.Errorf("security = %q, want %q", r.s.Security(), w.security)
			}
			for _, id := range []string{"starttls-refused", "starttls-not-offered", "starttls-not-used", "starttls-plaintext-injection"} {
				fs := r.findings(id)
				sev, ok := w.findings[id]
				if len(fs) != map[bool]int{true: 1, false: 0}[ok] {
					t.Errorf("%s: %d findings", id, len(fs))
					continue
				}
				if ok {
					recordtest.RenderWarnings(fs[0]) // the English detail, from the catalogue
				}
				if ok && (string(fs[0].Severity) != sev || fs[0].Session != "s1" || len(fs[0].Frames) == 0 || fs[0].Lab != "" || fs[0].Detail == "") {
					t.Errorf("%s = %+v", id, fs[0])
				}
			}
			if got := r.verbs(); got != w.commands {
				t.Errorf("commands = %q, want %q", got, w.commands)
			}
			if len(r.tls) != w.tlsEvents {
				t.Errorf("%d events handed to TLS, want %d", len(r.tls), w.tlsEvents)
			}
		})
	}
}

func TestStartTLSNotUsedWhenOfferedAndMailInClear(t *testing.T) {
	r := run(t, []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n")})
	fs := r.findings("starttls-not-used")
	if len(fs) != 1 || fs[0].Severity != "high" || fs[0].Lab != "" || len(fs[0].Frames) != 3 || fs[0].Frames[2] != 4 {
		t.Fatalf("findings = %+v", fs)
	}
	if r.s.Security() != session.Cleartext {
		t.Errorf("security = %q", r.s.Security())
	}
}

func TestStartTLSNotOfferedNamesAuthInClear(t *testing.T) {
	r := run(t, []step{s(greeting), c("EHLO me\r\n"), s("250-mx\r\n250-AUTH=LOGIN PLAIN\r\n250 SIZE 10\r\n"), c("EHLO again\r\n"), s("250-mx\r\n250 SIZE 10\r\n")})
	fs := r.findings("starttls-not-offered")
	if len(fs) != 1 || fs[0].Args["auth"] != "LOGIN PLAIN" || fs[0].Frames[0] != 2 || fs[0].Frames[1] != 3 || fs[0].Packet != 2 {
		t.Fatalf("findings = %+v", fs)
	}
}
