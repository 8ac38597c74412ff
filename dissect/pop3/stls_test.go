package pop3

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/starttls"
)

// clientHello and serverHello are the first bytes of TLS records.
const (
	clientHello = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"
	serverHello = "\x16\x03\x03\x00\x05\x02\x00\x00\x01\x00"
)

const capaSTLS = "+OK Capability list follows\r\nUSER\r\nSTLS\r\nPIPELINING\r\n.\r\n"

func TestSTLS(t *testing.T) {
	tests := []struct {
		name     string
		script   []ev
		starttls []record.StartTLS
		findings []string
		security record.Security
		tlsBytes []int64 // frames of the events the TLS handler got
		cmds     int
	}{
		{
			name:     "AcceptedAndTLSFollows",
			script:   []ev{S(greeting), C("CAPA\r\n"), S(capaSTLS), C("STLS\r\n"), S("+OK Begin TLS negotiation\r\n"), C(clientHello), S(serverHello), C("\x17\x03\x03\x00\x01x")},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Offered: record.Bool(true), Requested: true, Accepted: true, TLSSeen: true, Reply: "Begin TLS negotiation", Packet: 4, ReplyPacket: 5, TLSPacket: 6}},
			security: session.StartTLS,
			tlsBytes: []int64{6, 7, 8},
			cmds:     2,
		},
		{
			name:     "ClientHelloInSameSegmentAsNothingElse",
			script:   []ev{S(greeting), C("STLS\r\n"), S("+OK\r\n" + serverHello), C(clientHello)},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Requested: true, Accepted: true, TLSSeen: true, Packet: 2, ReplyPacket: 3, TLSPacket: 4}},
			security: session.StartTLS,
			tlsBytes: []int64{3, 4},
			cmds:     1,
		},
		{
			name:     "RefusedThenLoginInClear",
			script:   []ev{S(greeting), C("CAPA\r\n"), S(capaSTLS), C("STLS\r\n"), S("-ERR TLS not available\r\n"), C("USER a\r\n"), S("+OK\r\n"), C("PASS b\r\n"), S("+OK\r\n")},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Offered: record.Bool(true), Requested: true, Reply: "TLS not available", Packet: 4, ReplyPacket: 5}},
			findings: []string{"starttls-refused", "starttls-not-used"},
			security: session.StartTLSFailed,
			cmds:     4,
		},
		{
			name:     "AcceptedButNoTLSFollows",
			script:   []ev{S(greeting), C("STLS\r\n"), S("+OK\r\n"), C("USER a\r\n")},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Requested: true, Accepted: true, Packet: 2, ReplyPacket: 3}},
			findings: []string{"starttls-not-tls"},
			security: session.StartTLSFailed,
			cmds:     2, // USER is read in clear

		},
		{
			name:     "NoReplyBeforeTheEnd",
			script:   []ev{S(greeting), C("STLS\r\n")},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Requested: true, Packet: 2}},
			security: session.StartTLSFailed,
			cmds:     1,
		},
		{
			name:   "ClientInjectionAfterSTLS",
			script: []ev{S(greeting), C("STLS\r\nUSER evil\r\n"), S("+OK\r\n"), C(clientHello)},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Requested: true, Accepted: true, TLSSeen: true, Packet: 2, ReplyPacket: 3, TLSPacket: 4,
				PlaintextInjection: "USER evil\\r\\n", InjectionSide: "client"}},
			findings: []string{"starttls-plaintext-injection"},
			security: session.StartTLS,
			tlsBytes: []int64{4},
			cmds:     1,
		},
		{
			name:   "ServerInjectionAfterOK",
			script: []ev{S(greeting), C("STLS\r\n"), S("+OK\r\n+OK injected\r\n"), C(clientHello)},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Requested: true, Accepted: true, TLSSeen: true, Packet: 2, ReplyPacket: 3, TLSPacket: 4,
				PlaintextInjection: "+OK injected\\r\\n", InjectionSide: "server"}},
			findings: []string{"starttls-plaintext-injection"},
			security: session.StartTLS,
			tlsBytes: []int64{4},
			cmds:     1,
		},
		{
			name:     "STLSAndClientHelloInOneSegmentReplyLost",
			script:   []ev{S(greeting), C("STLS\r\n" + clientHello), S(serverHello)},
			starttls: []record.StartTLS{{Session: "s1", Proto: "pop3", Requested: true, Accepted: true, TLSSeen: true, Packet: 2, TLSPacket: 2}},
			security: session.StartTLS,
			tlsBytes: []int64{2, 3},
			cmds:     1,
		},
		{
			name:     "CapaWithoutSTLS",
			script:   []ev{S(greeting), C("CAPA\r\n"), S("+OK\r\nUSER\r\nUIDL\r\n.\r\n"), C("USER a\r\n"), S("+OK\r\n")},
			findings: []string{"starttls-not-offered"},
			security: session.Cleartext,
			cmds:     2,
		},
		{
			name:     "OfferedButLoginInClear",
			script:   []ev{S(greeting), C("CAPA\r\n"), S(capaSTLS), C("AUTH PLAIN AGEAYg==\r\n"), S("+OK\r\n")},
			findings: []string{"starttls-not-used"},
			security: session.Cleartext,
			cmds:     2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := playDefault(tt.script...)
			var got []record.StartTLS
			for _, s := range r.starttls() {
				got = append(got, *s)
			}
			if !reflect.DeepEqual(got, tt.starttls) {
				t.Errorf("starttls\n got %+v\nwant %+v", got, tt.starttls)
			}
			if ids := r.findingIDs(); !reflect.DeepEqual(ids, tt.findings) {
				t.Errorf("findings %v, want %v", ids, tt.findings)
			}
			for _, f := range r.findings() {
				recordtest.RenderWarnings(f) // the English title and detail, from the catalogue
				if f.Severity == "" || f.Title == "" || f.Detail == "" || len(f.Frames) == 0 || f.Packet == 0 || f.Session != "s1" {
					t.Errorf("incomplete finding %+v", *f)
				}
			}
			if r.s.Security() != tt.security {
				t.Errorf("security %q, want %q", r.s.Security(), tt.security)
			}
			var frames []int64
			for _, e := range r.tls.events {
				frames = append(frames, e.Frame)
			}
			if !reflect.DeepEqual(frames, tt.tlsBytes) {
				t.Errorf("TLS handler got frames %v, want %v", frames, tt.tlsBytes)
			}
			if len(tt.tlsBytes) > 0 && (!r.tls.closed || r.s.TLSFrame() != tt.tlsBytes[0]) {
				t.Errorf("TLS closed %v, TLS frame %d", r.tls.closed, r.s.TLSFrame())
			}
			if n := len(r.commands()); n != tt.cmds {
				t.Errorf("%d commands, want %d", n, tt.cmds)
			}
		})
	}
}

// After the hand-off, the TLS handler gets the bytes unchanged, and none
// of them is parsed as POP3.
func TestBytesAfterHandOffGoToTLSUnchanged(t *testing.T) {
	r := playDefault(S(greeting), C("STLS\r\n"), S("+OK\r\n"), C(clientHello+"USER x\r\n"), S(serverHello+"+OK\r\n"))
	if got := string(r.tls.events[0].Data); got != clientHello+"USER x\r\n" {
		t.Errorf("client bytes %q", got)
	}
	if got := string(r.tls.events[1].Data); got != serverHello+"+OK\r\n" {
		t.Errorf("server bytes %q", got)
	}
	if len(r.commands()) != 1 || len(r.credentials()) != 0 {
		t.Errorf("bytes after hand-off parsed: %d commands", len(r.commands()))
	}
}

func TestSTLSReplyLost(t *testing.T) {
	t.Run("TLSFollowsAnyway", func(t *testing.T) {
		r := playDefault(S(greeting), C("STLS\r\n"), Gap('S', 20), C(clientHello), S(serverHello))
		st := r.starttls()
		if len(st) != 1 || !st[0].Accepted || !st[0].TLSSeen || st[0].TLSPacket != 4 || st[0].ReplyPacket != 0 {
			t.Fatalf("starttls %+v", st)
		}
		if r.s.Security() != session.StartTLS || len(r.tls.events) != 2 {
			t.Fatalf("security %q, %d TLS events", r.s.Security(), len(r.tls.events))
		}
		if c := r.commands(); len(c) != 1 || c[0].Verb != "STLS" || c[0].Status != "" {
			t.Fatalf("commands %+v", c)
		}
	})
	t.Run("ClientCarriesOnInClear", func(t *testing.T) {
		big := strings.Repeat("NOOP\r\n", starttls.MaxHold/6+10)
		r := playDefault(S(greeting), C("STLS\r\n"), C(big))
		if n := len(r.commands()); n != starttls.MaxHold/6+11 {
			t.Fatalf("%d commands", n)
		}
		if r.s.Security() != session.StartTLSFailed {
			t.Fatalf("security %q", r.s.Security())
		}
	})
}
