package pop3

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/lines/dottest"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
)

const mail1 = "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: hello\r\n\r\nline one\r\n..dot line\r\n"

// msgWant is what a case expects of one fetched message.
type msgWant struct {
	subject        string
	packet, end    int64
	truncated      bool
	partial        string
	raw            string
	size           int64 // when not len(raw): the message was cut
	warnings       bool  // the message carries a warning of its own
	sessionWarning bool  // the session was warned
}

func TestFetchedMessages(t *testing.T) {
	small := session.DefaultLimits()
	small.MaxMessage = 60
	tests := []struct {
		name   string
		limits session.Limits
		script []ev
		want   []msgWant
	}{
		{
			name:   "RetrDotUnstuffed",
			script: []ev{S(greeting), C("RETR 1\r\n"), S("+OK 80 octets\r\n"), S(mail1), S(".\r\n")},
			want:   []msgWant{{subject: "hello", packet: 4, end: 5, raw: strings.Replace(mail1, "..dot", ".dot", 1)}},
		},
		{
			name:   "RetrInOneSegment",
			script: []ev{S(greeting), C("RETR 1\r\n"), S("+OK\r\n" + mail1 + ".\r\n")},
			want:   []msgWant{{subject: "hello", packet: 3, end: 3, raw: strings.Replace(mail1, "..dot", ".dot", 1)}},
		},
		{
			name:   "TopIsPartial",
			script: []ev{S(greeting), C("TOP 1 0\r\n"), S("+OK\r\nSubject: head only\r\n\r\n.\r\n")},
			want:   []msgWant{{subject: "head only", packet: 3, end: 3, partial: "TOP 0", raw: "Subject: head only\r\n\r\n"}},
		},
		{
			name:   "RetrRefusedHasNoMessage",
			script: []ev{S(greeting), C("RETR 9\r\n"), S("-ERR no such message\r\n")},
		},
		{
			name:   "GapInsideRetrTruncates",
			script: []ev{S(greeting), C("RETR 1\r\n"), S("+OK\r\nSubject: gap\r\n\r\nbody\r\n"), GapData('S', 500, "tail of a line\r\nlast line\r\n.\r\n"), C("QUIT\r\n"), S("+OK\r\n")},
			want:   []msgWant{{subject: "gap", packet: 3, end: 4, truncated: true, raw: "Subject: gap\r\n\r\nbody\r\ntail of a line\r\nlast line\r\n", sessionWarning: true}},
		},
		{
			name:   "MessageLimitTruncates",
			limits: small,
			script: []ev{S(greeting), C("RETR 1\r\n"), S("+OK\r\n" + mail1 + "more text that does not fit\r\n.\r\n")},
			want: []msgWant{{subject: "", packet: 3, end: 3, truncated: true, raw: "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\n",
				size: int64(len(strings.Replace(mail1, "..dot", ".dot", 1) + "more text that does not fit\r\n")), sessionWarning: true}},
		},
		{
			name:   "EndOfConversationInsideRetr",
			script: []ev{S(greeting), C("RETR 1\r\n"), S("+OK\r\nSubject: cut\r\n\r\nbody\r\n")},
			want:   []msgWant{{subject: "cut", packet: 3, end: 4, truncated: true, raw: "Subject: cut\r\n\r\nbody\r\n", sessionWarning: true}},
		},
		{
			name:   "MidStreamReplyWithoutCommand",
			script: []ev{S("+OK 120 octets\r\n"), S(mail1 + ".\r\n"), C("QUIT\r\n"), S("+OK\r\n")},
			want:   []msgWant{{subject: "hello", packet: 2, end: 2, raw: strings.Replace(mail1, "..dot", ".dot", 1), warnings: true}},
		},
		{
			name:   "MidStreamInsideHeaders",
			script: []ev{S("Subject: late\r\n\r\nbody\r\n.\r\n+OK\r\n")},
			want:   []msgWant{{subject: "late", packet: 1, end: 1, truncated: true, raw: "Subject: late\r\n\r\nbody\r\n", warnings: true}},
		},
		{
			name:   "GapLostTheOKOfRetr",
			script: []ev{S(greeting), C("RETR 1\r\n"), GapData('S', 300, "middle\r\nend\r\n.\r\n"), C("NOOP\r\n"), S("+OK\r\n")},
			want:   []msgWant{{packet: 3, end: 3, truncated: true, raw: "middle\r\nend\r\n", warnings: true, sessionWarning: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.limits
			if lim.MaxLine == 0 {
				lim = session.DefaultLimits()
			}
			r := play(lim, true, tt.script)
			got := r.messages()
			if len(got) != len(tt.want) {
				t.Fatalf("%d messages, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				m := got[i]
				if m.Subject != w.subject || m.Packet != w.packet || m.EndPacket != w.end || m.Truncated != w.truncated ||
					m.Partial != w.partial || string(m.Raw) != w.raw || m.Direction != "fetched" || m.Proto != "pop3" || m.Session != "s1" {
					t.Errorf("message %d = subject %q packet %d end %d truncated %v partial %q direction %q raw %q\nwant %+v",
						i, m.Subject, m.Packet, m.EndPacket, m.Truncated, m.Partial, m.Direction, m.Raw, w)
				}
				if size := cmp.Or(w.size, int64(len(w.raw))); m.Size != size {
					t.Errorf("size %d, want %d", m.Size, size)
				}
				if (len(m.Warnings) > 0) != w.warnings {
					t.Errorf("message warnings %v", m.Warnings)
				}
				if (len(r.s.Warnings) > 0) != w.sessionWarning {
					t.Errorf("session warnings %v", r.s.Warnings)
				}
			}
		})
	}
}

func TestFetchedMessageCarriesAuthUser(t *testing.T) {
	r := playDefault(S(greeting), C("USER bob\r\n"), S("+OK\r\n"), C("PASS x\r\n"), S("+OK\r\n"), C("RETR 1\r\n"), S("+OK\r\n"+mail1+".\r\n"))
	if m := r.messages(); len(m) != 1 || m[0].AuthUser != "bob" {
		t.Fatalf("messages %+v", m)
	}
}

func TestMailbox(t *testing.T) {
	tests := []struct {
		name   string
		script []ev
		exists *int64
		events []string
		packet int64
	}{
		{
			name:   "DeleCommittedAtQuit",
			script: []ev{S(greeting), C("STAT\r\n"), S("+OK 2 320\r\n"), C("DELE 1\r\n"), S("+OK message 1 deleted\r\n"), C("QUIT\r\n"), S("+OK bye\r\n")},
			exists: ptr(2), events: []string{"DELE 1 (removed at QUIT)", "QUIT: deletions committed"}, packet: 3,
		},
		{
			name:   "DeleNotCommittedWithoutQuit",
			script: []ev{S(greeting), C("DELE 2\r\n"), S("+OK\r\n")},
			events: []string{"DELE 2 (removed at QUIT)", "session ended without QUIT: deletions not committed"}, packet: 3,
		},
		{
			name:   "RsetUndoesDeletions",
			script: []ev{S(greeting), C("DELE 1\r\n"), S("+OK\r\n"), C("RSET\r\n"), S("+OK\r\n"), C("QUIT\r\n"), S("+OK\r\n")},
			events: []string{"DELE 1 (removed at QUIT)", "RSET: deletions undone"}, packet: 3,
		},
		{
			name:   "RefusedDeleIsNoEvent",
			script: []ev{S(greeting), C("DELE 7\r\n"), S("-ERR no such message\r\n"), C("QUIT\r\n"), S("+OK\r\n")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := playDefault(tt.script...)
			boxes := r.mailboxes()
			if tt.events == nil && tt.exists == nil {
				if len(boxes) != 0 {
					t.Fatalf("unexpected mailbox %+v", *boxes[0])
				}
				return
			}
			if len(boxes) != 1 {
				t.Fatalf("%d mailboxes", len(boxes))
			}
			b := boxes[0]
			if b.Name != "INBOX" || b.Session != "s1" || b.Packet != tt.packet || !reflect.DeepEqual(b.Exists, tt.exists) || !reflect.DeepEqual(b.Events, tt.events) {
				t.Errorf("mailbox %+v exists %v", *b, b.Exists)
			}
		})
	}
}

func TestDeleReplySaysItWaitsForQuit(t *testing.T) {
	r := playDefault(S(greeting), C("DELE 1\r\n"), S("+OK message 1 deleted\r\n"))
	if c := r.commands()[0]; c.Reply != "message 1 deleted (the message is removed only at QUIT)" {
		t.Fatalf("reply %q", c.Reply)
	}
}

func ptr(n int64) *int64 { return &n }

// The fetching user is not the sender: only the message's own headers are
// checked for spoofing.
// Who sent a message is decided over the whole capture (report/lab): the
// dissector raises no sender finding, even for a Reply-To elsewhere.
func TestFetchedMessageRaisesNoSenderFinding(t *testing.T) {
	plain := "From: alice@example.org\r\nSubject: x\r\n\r\nhi\r\n.\r\n"
	replyTo := "From: alice@example.org\r\nReply-To: mallory@evil.example\r\nSubject: x\r\n\r\nhi\r\n.\r\n"
	login := []ev{S(greeting), C("USER bob\r\n"), S("+OK\r\n"), C("PASS x\r\n"), S("+OK\r\n"), C("RETR 1\r\n")}
	if r := playDefault(append(login, S("+OK\r\n"+plain))...); len(r.findings()) != 0 {
		t.Errorf("findings on an ordinary fetched message: %v", r.findingIDs())
	}
	r := playDefault(append(login, S("+OK\r\n"+replyTo))...)
	if ids := r.findingIDs(); len(ids) != 0 || r.messages()[0].ReplyTo == "" {
		t.Errorf("findings %v", ids)
	}
}

// A message retrieved while the capture's budget is spent is cut where
// the budget ran out, its size counted whole; the bytes are given back
// once it is analysed.
func TestFetchedMessageOverTheBudget(t *testing.T) {
	lim := session.DefaultLimits()
	lim.Held = session.NewBudget(40)
	r := play(lim, true, []ev{S(greeting), C("RETR 1\r\n"), S("+OK\r\n" + mail1 + ".\r\n")})
	got := r.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	m := got[0]
	whole := strings.ReplaceAll(mail1, "\n..", "\n.") // dot-unstuffed
	if !m.Truncated || m.Size != int64(len(whole)) || len(m.Raw) > 40 || !strings.HasPrefix(whole, string(m.Raw)) {
		t.Errorf("truncated %v, size %d, raw %q; want the first bytes of %d", m.Truncated, m.Size, m.Raw, len(whole))
	}
	n := 0
	for _, w := range r.s.Warnings {
		if w.ID == record.WarnSessionHeldBudget {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d budget warnings: %v", n, r.s.Warnings)
	}
	if held := lim.Held.Held(); held != 0 {
		t.Errorf("%d bytes still held after the message", held)
	}
}

// A retrieved message cut in any segments, with stuffed dots, bare LFs and
// a message limit that falls anywhere, is kept as a dot-unstuffed copy
// with CRLF line ends (whole lines up to the limit), the frames of its
// first line and of the final dot, and its whole size.
func TestRetrievedMessagesInAnySegmentation(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	for round := 0; round < 300; round++ {
		body := dottest.Random(rnd)
		script := []ev{S(greeting), C("RETR 1\r\n"), S("+OK\r\n")}
		segs, pieceOf := dottest.Segments(rnd, body.Wire)
		frameOf := func(off int) int64 { return int64(len(script) + 1 + pieceOf[off]) }
		first, last := frameOf(0), frameOf(body.FinalDot())
		for _, seg := range segs {
			script = append(script, S(seg))
		}
		full := body.Kept()
		lim := session.DefaultLimits()
		kept := full
		if round%3 == 0 {
			lim.MaxMessage = int64(1 + rnd.IntN(len(full)))
			kept = ""
			for _, l := range body.Lines {
				if int64(len(kept)+len(l)) > lim.MaxMessage {
					break
				}
				kept += l
			}
		}
		m := play(lim, true, script).messages()
		if len(m) != 1 {
			t.Fatalf("body %q: %d messages", body.Wire, len(m))
		}
		if string(m[0].Raw) != kept || m[0].Packet != first || m[0].EndPacket != last || m[0].Truncated != (kept != full) ||
			m[0].Size != int64(len(full)) {
			t.Fatalf("body %q (limit %d):\n raw %q size %d frames %d..%d truncated %v\nwant %q size %d frames %d..%d",
				body.Wire, lim.MaxMessage, m[0].Raw, m[0].Size, m[0].Packet, m[0].EndPacket, m[0].Truncated, kept, len(full), first, last)
		}
	}
}
