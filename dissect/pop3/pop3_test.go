package pop3

import (
	"crypto/md5"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
)

const greeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"

// cmdWant is what a case expects of one command record.
type cmdWant struct {
	verb, args, status, reply string
	packet, replyPacket       int64
}

func checkCommands(t *testing.T, r *result, want []cmdWant) {
	t.Helper()
	got := r.commands()
	if len(got) != len(want) {
		for _, c := range got {
			t.Logf("command %+v", *c)
		}
		t.Fatalf("%d commands, want %d", len(got), len(want))
	}
	for i, w := range want {
		c := got[i]
		g := cmdWant{c.Verb, c.Args, c.Status, c.Reply, c.Packet, c.ReplyPacket}
		if g != w {
			t.Errorf("command %d = %+v, want %+v", i, g, w)
		}
		if c.Session != "s1" || c.Proto != "pop3" {
			t.Errorf("command %d session %q proto %q", i, c.Session, c.Proto)
		}
	}
}

// credWant is what a case expects of one credential record.
type credWant struct {
	mech, user, password, hash string
	sasl, recoverable          bool
	accepted                   *bool
	packet, replyPacket        int64
}

func checkCredentials(t *testing.T, r *result, want []credWant) {
	t.Helper()
	got := r.credentials()
	if len(got) != len(want) {
		t.Fatalf("%d credentials, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.Mechanism != w.mech || c.Username != w.user || c.Password != w.password || c.Hash != w.hash ||
			c.SASL != w.sasl || c.Recoverable != w.recoverable || c.Packet != w.packet || c.ReplyPacket != w.replyPacket ||
			!reflect.DeepEqual(c.Accepted, w.accepted) || c.Session != "s1" || c.Proto != "pop3" {
			t.Errorf("credential %d = %+v (accepted %v), want %+v", i, *c, deref(c.Accepted), w)
		}
		if c.PasswordLen != len([]rune(w.password)) {
			t.Errorf("credential %d password_len %d", i, c.PasswordLen)
		}
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

var (
	yes = record.Bool(true)
	no  = record.Bool(false)
)

func TestCommandsAndCredentials(t *testing.T) {
	tests := []struct {
		name   string
		script []ev
		cmds   []cmdWant
		creds  []credWant
		user   string // session's AuthUser afterwards
	}{
		{
			name:   "UserPassAccepted",
			script: []ev{S(greeting), C("USER alice\r\n"), S("+OK\r\n"), C("PASS wonderland\r\n"), S("+OK maildrop locked\r\n"), C("QUIT\r\n"), S("+OK bye\r\n")},
			cmds: []cmdWant{{"USER", "alice", "+OK", "", 2, 3}, {"PASS", "w********d", "+OK", "maildrop locked", 4, 5},
				{"QUIT", "", "+OK", "bye", 6, 7}},
			creds: []credWant{{mech: "USER", user: "alice", password: "wonderland", recoverable: true, accepted: yes, packet: 4, replyPacket: 5}},
			user:  "alice",
		},
		{
			name: "UserPassRefusedThenAccepted",
			script: []ev{S(greeting), C("USER digitalinvestigator@networksims.com\r\n"), S("+OK\r\n"), C("PASS napier\r\n"), S("-ERR authentication failed\r\n"),
				C("USER digitalinvestigator@networksims.com\r\n"), S("+OK\r\n"), C("PASS napier123\r\n"), S("+OK\r\n")},
			cmds: []cmdWant{{"USER", "digitalinvestigator@networksims.com", "+OK", "", 2, 3}, {"PASS", "******", "-ERR", "authentication failed", 4, 5},
				{"USER", "digitalinvestigator@networksims.com", "+OK", "", 6, 7}, {"PASS", "n*******3", "+OK", "", 8, 9}},
			creds: []credWant{
				{mech: "USER", user: "digitalinvestigator@networksims.com", password: "napier", recoverable: true, accepted: no, packet: 4, replyPacket: 5},
				{mech: "USER", user: "digitalinvestigator@networksims.com", password: "napier123", recoverable: true, accepted: yes, packet: 8, replyPacket: 9}},
			user: "digitalinvestigator@networksims.com",
		},
		{
			name:   "APOPGivesCrackableHash",
			script: []ev{S(greeting), C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"), S("+OK mrose's maildrop has 2 messages (320 octets)\r\n")},
			cmds:   []cmdWant{{"APOP", "mrose c******************************b", "+OK", "mrose's maildrop has 2 messages (320 octets)", 2, 3}},
			creds:  []credWant{{mech: "APOP", user: "mrose", hash: "c4c9334bac560ecc979e58001b3e22fb:<1896.697170952@dbc.mtview.ca.us>", accepted: yes, packet: 2, replyPacket: 3}},
			user:   "mrose",
		},
		{
			name:   "APOPWithoutGreetingHasNoHash",
			script: []ev{C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"), S("-ERR permission denied\r\n")},
			cmds:   []cmdWant{{"APOP", "mrose c******************************b", "-ERR", "permission denied", 1, 2}},
			creds:  []credWant{{mech: "APOP", user: "mrose", accepted: no, packet: 1, replyPacket: 2}},
		},
		{
			name:   "AuthPlainInitialResponse",
			script: []ev{S(greeting), C("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"), S("+OK Logged in.\r\n")},
			cmds:   []cmdWant{{"AUTH", "PLAIN " + record.Mask("AHRpbQB0YW5zdGFhZnRhbnN0YWFm"), "+OK", "Logged in.", 2, 3}},
			creds:  []credWant{{mech: "PLAIN", user: "tim", password: "tanstaaftanstaaf", sasl: true, recoverable: true, accepted: yes, packet: 2, replyPacket: 3}},
			user:   "tim",
		},
		{
			name:   "AuthPlainAfterEmptyContinuation",
			script: []ev{S(greeting), C("AUTH PLAIN\r\n"), S("+ \r\n"), C("AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"), S("-ERR [AUTH] Authentication failed.\r\n")},
			cmds:   []cmdWant{{"AUTH", "PLAIN", "-ERR", "[AUTH] Authentication failed.", 2, 5}},
			creds:  []credWant{{mech: "PLAIN", user: "tim", password: "tanstaaftanstaaf", sasl: true, recoverable: true, accepted: no, packet: 2, replyPacket: 5}},
		},
		{
			name: "AuthLoginContinuations",
			script: []ev{S(greeting), C("AUTH LOGIN\r\n"), S("+ VXNlcm5hbWU6\r\n"), C("dGlt\r\n"), S("+ UGFzc3dvcmQ6\r\n"), C("dGFuc3RhYWY=\r\n"), S("+OK\r\n"),
				C("STAT\r\n"), S("+OK 0 0\r\n")},
			cmds:  []cmdWant{{"AUTH", "LOGIN", "+OK", "", 2, 7}, {"STAT", "", "+OK", "0 0", 8, 9}},
			creds: []credWant{{mech: "LOGIN", user: "tim", password: "tanstaaf", sasl: true, recoverable: true, accepted: yes, packet: 2, replyPacket: 7}},
			user:  "tim",
		},
		{
			name:   "AuthCramMD5",
			script: []ev{S(greeting), C("AUTH CRAM-MD5\r\n"), S("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"), C("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"), S("+OK\r\n")},
			cmds:   []cmdWant{{"AUTH", "CRAM-MD5", "+OK", "", 2, 5}},
			creds: []credWant{{mech: "CRAM-MD5", user: "tim", sasl: true, accepted: yes, packet: 2, replyPacket: 5,
				hash: "$cram_md5$PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+$dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"}},
			user: "tim",
		},
		{
			name:   "AuthXOAuth2ErrorThenEmptyResponse",
			script: []ev{C("AUTH XOAUTH2 dXNlcj1hQGIuYwFhdXRoPUJlYXJlciB0b2sBAQ==\r\n"), S("+ eyJzdGF0dXMiOiI0MDEifQ==\r\n"), C("\r\n"), S("-ERR invalid credentials\r\n")},
			cmds:   []cmdWant{{"AUTH", "XOAUTH2 " + record.Mask("dXNlcj1hQGIuYwFhdXRoPUJlYXJlciB0b2sBAQ=="), "-ERR", "invalid credentials", 1, 4}},
			creds:  []credWant{{mech: "XOAUTH2", user: "a@b.c", password: "tok", sasl: true, recoverable: true, accepted: no, packet: 1, replyPacket: 4}},
		},
		{
			name:   "AuthCanceledByClient",
			script: []ev{S(greeting), C("AUTH LOGIN\r\n"), S("+ VXNlcm5hbWU6\r\n"), C("*\r\n"), S("-ERR canceled\r\n"), C("NOOP\r\n"), S("+OK\r\n")},
			cmds:   []cmdWant{{"AUTH", "LOGIN", "-ERR", "canceled", 2, 5}, {"NOOP", "", "+OK", "", 6, 7}},
		},
		{
			name:   "AuthWithoutMechanismListsThem",
			script: []ev{S(greeting), C("AUTH\r\n"), S("+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n"), C("NOOP\r\n"), S("+OK\r\n")},
			cmds:   []cmdWant{{"AUTH", "", "+OK", "", 2, 3}, {"NOOP", "", "+OK", "", 4, 5}},
		},
		{
			name:   "PipelinedCommandsMatchedInOrder",
			script: []ev{S(greeting), C("STAT\r\nLIST\r\nUIDL 1\r\nNOOP\r\n"), S("+OK 2 320\r\n+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n+OK 1 whqtswO00WBw418f9t5JxYwZ\r\n+OK\r\n")},
			cmds: []cmdWant{{"STAT", "", "+OK", "2 320", 2, 3}, {"LIST", "", "+OK", "2 messages", 2, 3},
				{"UIDL", "1", "+OK", "1 whqtswO00WBw418f9t5JxYwZ", 2, 3}, {"NOOP", "", "+OK", "", 2, 3}},
		},
		{
			name:   "LowerCaseVerbsAndStatus",
			script: []ev{S("+ok hi\r\n"), C("user bob\r\n"), S("+ok\r\n"), C("pass x\r\n"), S("-err no\r\n")},
			cmds:   []cmdWant{{"USER", "bob", "+OK", "", 2, 3}, {"PASS", "*", "-ERR", "no", 4, 5}},
			creds:  []credWant{{mech: "USER", user: "bob", password: "x", recoverable: true, accepted: no, packet: 4, replyPacket: 5}},
		},
		{
			name:   "CommandWithoutReplyAtClose",
			script: []ev{S(greeting), C("USER bob\r\n"), S("+OK\r\n"), C("PASS secret\r\n")},
			cmds:   []cmdWant{{"USER", "bob", "+OK", "", 2, 3}, {"PASS", "******", "", "", 4, 0}},
			creds:  []credWant{{mech: "USER", user: "bob", password: "secret", recoverable: true, packet: 4}},
		},
		{
			name:   "ControlCharactersInReplyReplaced",
			script: []ev{S(greeting), C("NOOP\r\n"), S("+OK a\x1b[31mred\x07\r\n")},
			cmds:   []cmdWant{{"NOOP", "", "+OK", "a\uFFFD[31mred\uFFFD", 2, 3}},
		},
		{
			name:   "GarbageClientLineConsumesItsReply",
			script: []ev{S(greeting), C("\x01\x02\x03\r\n"), S("-ERR unknown command\r\n"), C("NOOP\r\n"), S("+OK\r\n")},
			cmds:   []cmdWant{{"NOOP", "", "+OK", "", 4, 5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := playDefault(tt.script...)
			checkCommands(t, r, tt.cmds)
			checkCredentials(t, r, tt.creds)
			if r.s.AuthUser != tt.user {
				t.Errorf("auth user %q, want %q", r.s.AuthUser, tt.user)
			}
		})
	}
}

// The APOP example of RFC 1939 really is MD5(timestamp + "tanstaaf"):
// the hash form is "digest:salt" for hashcat's md5($salt.$pass).
func TestAPOPHashIsMD5OfTimestampAndPassword(t *testing.T) {
	sum := md5.Sum([]byte("<1896.697170952@dbc.mtview.ca.us>tanstaaf"))
	r := playDefault(S(greeting), C("APOP mrose "+hex.EncodeToString(sum[:])+"\r\n"), S("+OK\r\n"))
	c := r.credentials()[0]
	digest, salt, _ := strings.Cut(c.Hash, ":")
	got := md5.Sum([]byte(salt + "tanstaaf"))
	if digest != hex.EncodeToString(got[:]) || digest != "c4c9334bac560ecc979e58001b3e22fb" {
		t.Fatalf("hash %q does not check", c.Hash)
	}
}

func TestSecretsNeverInCommandArgs(t *testing.T) {
	r := playDefault(S(greeting), C("USER bob\r\n"), S("+OK\r\n"), C("PASS hunter2hunter2\r\n"), S("+OK\r\n"),
		C("AUTH PLAIN AGJvYgBodW50ZXIyaHVudGVyMg==\r\n"), S("-ERR\r\n"), C("AUTH LOGIN\r\n"), S("+ \r\n"), C("Ym9i\r\n"), S("+ \r\n"), C("aHVudGVyMmh1bnRlcjI=\r\n"), S("+OK\r\n"))
	for _, c := range r.commands() {
		if strings.Contains(c.Args, "hunter2") || strings.Contains(c.Args, "aHVudGVy") || strings.Contains(c.Args, "Ym9i") || strings.Contains(c.Args, "AGJvYgBo") {
			t.Errorf("secret in %s args %q", c.Verb, c.Args)
		}
	}
	if n := len(r.commands()); n != 4 {
		t.Errorf("%d commands: SASL responses must not become commands", n)
	}
}

var _ = session.DefaultLimits

// A client line that is no known command may be a SASL response whose
// prompt was lost: it is neither a command record nor quoted in warnings.
func TestUnknownClientLineIsNeverQuoted(t *testing.T) {
	r := playDefault(S(greeting), C("aHVudGVyMg==\r\n"), S("-ERR unknown command\r\n"), C("NOOP\r\n"), S("+OK\r\n"))
	checkCommands(t, r, []cmdWant{{"NOOP", "", "+OK", "", 4, 5}})
	for _, w := range recordtest.Texts(r.s.Warnings) {
		if strings.Contains(w, "aHVud") {
			t.Errorf("warning quotes the line: %s", w)
		}
	}
	if len(r.s.Warnings) != 1 {
		t.Errorf("warnings %v", r.s.Warnings)
	}
}

// A server that answers LIST with one line (suricata bug 7709) must not
// swallow the replies that follow.
func TestListWithoutDotDoesNotSwallowReplies(t *testing.T) {
	r := playDefault(S(greeting), C("LIST\r\n"), S("+OK 4 14971\r\n"), C("STAT\r\n"), S("+OK 4 14971\r\n"))
	checkCommands(t, r, []cmdWant{{"LIST", "", "+OK", "4 14971", 2, 3}, {"STAT", "", "+OK", "4 14971", 4, 5}})
	if len(r.s.Warnings) != 1 {
		t.Errorf("warnings %v", r.s.Warnings)
	}
}
