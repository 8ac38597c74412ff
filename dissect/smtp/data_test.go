package smtp

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/lines/dottest"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
)

func TestMessages(t *testing.T) {
	type want struct {
		raw         string
		from        string
		to          []string
		packet, end int64
		truncated   bool
		size        int64
		warning     string // a substring of one of its warnings
		authUser    string
	}
	envelope := []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<b@y.org>\r\n"), s("250 ok\r\n")}
	with := func(more ...step) []step { return append(append([]step{}, envelope...), more...) }
	tests := []struct {
		name  string
		steps []step
		want  []want
	}{
		{"DataDotUnstuffed", with(c("DATA\r\n"), s("354 go\r\n"), c("Subject: hi\r\n\r\n..leading dot\r\n.\r\n"), s("250 queued\r\n")),
			[]want{{raw: "Subject: hi\r\n\r\n.leading dot\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 10, size: 29}}},
		{"DataBodyOverSeveralSegments", with(c("DATA\r\n"), s("354 go\r\n"), c("Subject: hi\r\n"), c("\r\nline\r\n"), c(".\r\n"), s("250 queued\r\n")),
			[]want{{raw: "Subject: hi\r\n\r\nline\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 12, size: 21}}},
		{"RefusedRecipientNotInEnvelope", with(c("RCPT TO:<c@z.org>\r\n"), s("550 5.1.1 unknown\r\n"), c("DATA\r\n"), s("354 go\r\n"), c("x\r\n.\r\n"), s("250 ok\r\n")),
			[]want{{raw: "x\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 12, end: 12, size: 3}}},
		{"RefusedMessageWarns", with(c("DATA\r\n"), s("354 go\r\n"), c("x\r\n.\r\n"), s("554 5.7.1 rejected\r\n")),
			[]want{{raw: "x\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 10, size: 3, warning: "554 5.7.1 rejected"}}},
		{"DataRefusedNoBody", with(c("DATA\r\n"), s("554 5.5.1 no valid recipients\r\n"), c("QUIT\r\n"), s("221 bye\r\n")),
			nil},
		{"TwoTransactions", with(c("DATA\r\n"), s("354 go\r\n"), c("one\r\n.\r\n"), s("250 ok\r\n"),
			c("MAIL FROM:<c@x.org>\r\nRCPT TO:<d@y.org>\r\nDATA\r\n"), s("250 ok\r\n250 ok\r\n354 go\r\n"), c("two\r\n.\r\nQUIT\r\n"), s("250 ok\r\n221 bye\r\n")),
			[]want{{raw: "one\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 10, size: 5},
				{raw: "two\r\n", from: "c@x.org", to: []string{"d@y.org"}, packet: 14, end: 14, size: 5}}},
		{"RsetClearsEnvelope", with(c("RSET\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"), c("x\r\n.\r\n"), s("250 ok\r\n")),
			[]want{{raw: "x\r\n", packet: 12, end: 12, size: 3}}},
		{"BDATChunksCountedNotUnstuffed", with(c("BDAT 9\r\nline\r\n..\r"), s("250 9 octets\r\n"), c("BDAT 9 LAST\r\n\n.\r\nend\r\n"), s("250 queued\r\n")),
			[]want{{raw: "line\r\n..\r\n.\r\nend\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 8, end: 10, size: 18}}},
		{"BDATPipelinedWithEnvelope", []step{s(greeting), c("EHLO me\r\n"), s(ehloReply), c("MAIL FROM:<a@x.org>\r\nRCPT TO:<b@y.org>\r\nBDAT 3 LAST\r\nabc"), s("250 ok\r\n250 ok\r\n250 queued\r\n")},
			[]want{{raw: "abc", from: "a@x.org", to: []string{"b@y.org"}, packet: 4, end: 4, size: 3}}},
		{"BDATChunkSplitAcrossSegments", with(c("BDAT 6 LAST\r\nab"), c("cd"), c("ef"), s("250 ok\r\n")),
			[]want{{raw: "abcdef", from: "a@x.org", to: []string{"b@y.org"}, packet: 8, end: 10, size: 6}}},
		{"GapMidDataMarksTruncated", with(c("DATA\r\n"), s("354 go\r\n"), c("Subject: hi\r\n"), cgap(500, "rest of a line\r\nlast\r\n.\r\nQUIT\r\n"), s("250 ok\r\n221 bye\r\n")),
			[]want{{raw: "Subject: hi\r\nrest of a line\r\nlast\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 11, truncated: true, size: 35, warning: "missing"}}},
		{"LostDotEndsAtServerReply", with(c("DATA\r\n"), s("354 go\r\n"), c("Subject: hi\r\n"), cgap(5, ""), s("250 ok\r\n"), c("QUIT\r\n"), s("221 bye\r\n")),
			[]want{{raw: "Subject: hi\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 10, truncated: true, size: 13, warning: "missing"}}},
		{"EndedInsideMessage", with(c("DATA\r\n"), s("354 go\r\n"), c("Subject: hi\r\n")),
			[]want{{raw: "Subject: hi\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 10, truncated: true, size: 13, warning: "not seen"}}},
		{"AuthUserRecorded", []step{s(greeting), c("AUTH PLAIN " + b64("\x00tim\x00pw") + "\r\n"), s("235 ok\r\n"), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<b@y.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"), c("x\r\n.\r\n"), s("250 ok\r\n")},
			[]want{{raw: "x\r\n", from: "a@x.org", to: []string{"b@y.org"}, packet: 10, end: 10, size: 3, authUser: "tim"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.steps)
			got := r.messages()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d messages, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				m := got[i]
				if string(m.Raw) != w.raw {
					t.Errorf("raw = %q, want %q", m.Raw, w.raw)
				}
				if m.Session != "s1" || m.Proto != "smtp" || m.Direction != "sent" || m.EnvelopeFrom != w.from || strings.Join(m.EnvelopeTo, ",") != strings.Join(w.to, ",") ||
					m.Packet != w.packet || m.EndPacket != w.end || m.Truncated != w.truncated || m.Size != w.size || m.AuthUser != w.authUser {
					t.Errorf("message = %+v, want %+v", m, w)
				}
				if w.warning != "" && !strings.Contains(strings.Join(recordtest.Texts(m.Warnings), "|"), w.warning) {
					t.Errorf("warnings %q lack %q", m.Warnings, w.warning)
				}
			}
		})
	}
}

func TestMessageLimitKeepsStart(t *testing.T) {
	lim := session.DefaultLimits()
	lim.MaxMessage = 10
	r := runWith(t, lim, []step{s(greeting), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"), c("0123456789abcdef\r\n.\r\n"), s("250 ok\r\n")})
	m := r.messages()
	if len(m) != 1 || string(m[0].Raw) != "0123456789" || !m[0].Truncated || m[0].Size != 18 {
		t.Fatalf("messages = %+v", m)
	}
	if len(r.s.Warnings) == 0 || !strings.Contains(recordtest.Texts(r.s.Warnings)[0], "larger than 10") {
		t.Errorf("warnings = %q", r.s.Warnings)
	}
}

func TestHugeLineIsCutNotKept(t *testing.T) {
	huge := strings.Repeat("A", 10<<20)
	r := run(t, []step{s(greeting), c("NOOP " + huge[:5<<20]), c(huge[5<<20:] + "\r\nQUIT\r\n"), s("250 ok\r\n221 bye\r\n")})
	if got := r.verbs(); got != "NOOP 250,QUIT 221" {
		t.Errorf("commands = %q", got)
	}
	if a := r.commands()[0].Args; len(a) > maxArgs {
		t.Errorf("args kept %d bytes", len(a))
	}
	if !strings.Contains(strings.Join(recordtest.Texts(r.s.Warnings), "|"), "cut") {
		t.Errorf("warnings = %q", r.s.Warnings)
	}
}

func TestBinaryGarbageDoesNotCrash(t *testing.T) {
	junk := string([]byte{0, 1, 2, 0xff, 0xfe, '\r', '\n', 0x16, 3, 1, '\n', '.', '\r', '\n'})
	r := run(t, []step{c(junk), s(junk), c("BDAT 99999999999999999999 LAST\r\n"), c("BDAT 5\r\n"), s(junk), c(junk + junk)})
	_ = r.records
}

func TestRsetDropsUnfinishedChunks(t *testing.T) {
	r := run(t, []step{s(greeting), c("MAIL FROM:<a@x.org>\r\nBDAT 3\r\nabc"), s("250 ok\r\n250 ok\r\n"), c("RSET\r\n"), s("250 ok\r\n"),
		c("MAIL FROM:<b@x.org>\r\nBDAT 3 LAST\r\ndef"), s("250 ok\r\n250 ok\r\n")})
	m := r.messages()
	if len(m) != 1 || string(m[0].Raw) != "def" || m[0].EnvelopeFrom != "b@x.org" {
		t.Fatalf("messages = %+v", m)
	}
}

// Past the capture's budget a message keeps what it had, is marked
// truncated with its size counted whole, the session is warned once, and
// every byte is given back: by a message analysed, by BDAT chunks that
// RSET dropped, by a BDAT LAST whose reply came before its bytes.
func TestMessagesOverTheBudget(t *testing.T) {
	tests := []struct {
		name      string
		steps     []step
		raw       []string
		truncated []bool
		warned    int
	}{
		{"DATA", []step{s(greeting), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"),
			c("0123456789\r\n"), c("abcdefghij\r\n"), c("klmnopqrst\r\n.\r\n"), s("250 ok\r\n"),
			c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"), c("short\r\n.\r\n"), s("250 ok\r\n")},
			// Kept for extraction, a header line is held twice until the
			// header ends: as it came, and for the analysis.
			[]string{"0123456789\r\n", "short\r\n"}, []bool{true, false}, 1},
		{"BDAT dropped by RSET", []step{s(greeting), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("BDAT 20\r\n01234567890123456789"), s("250 ok\r\n"),
			c("RSET\r\n"), s("250 ok\r\n"), c("EHLO me\r\n"), s("250 ok\r\n"),
			c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("BDAT 25 LAST\r\n0123456789012345678901234"), s("250 ok\r\n")},
			[]string{"0123456789012345678901234"}, []bool{false}, 0},
		{"BDAT LAST answered early", []step{s(greeting), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("BDAT 20 LAST\r\n"), s("250 ok\r\n"),
			c("01234567890123456789"), c("QUIT\r\n"), s("221 bye\r\n")},
			nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := session.DefaultLimits()
			lim.Held = session.NewBudget(30)
			r := runWith(t, lim, tt.steps)
			m := r.messages()
			if tt.raw != nil && len(m) != len(tt.raw) {
				t.Fatalf("%d messages, want %d", len(m), len(tt.raw))
			}
			for i := range tt.raw {
				if string(m[i].Raw) != tt.raw[i] || m[i].Truncated != tt.truncated[i] {
					t.Errorf("message %d: raw %q truncated %v, want %q %v", i, m[i].Raw, m[i].Truncated, tt.raw[i], tt.truncated[i])
				}
			}
			if tt.raw != nil && tt.truncated[0] && m[0].Size != 36 {
				t.Errorf("size %d, want the whole 36", m[0].Size)
			}
			n := 0
			for _, w := range r.s.Warnings {
				switch w.ID {
				case record.WarnSessionHeldBudget:
					n++
				case record.WarnSMTPMessageTooLarge:
					t.Errorf("the budget is not the message's size limit: %v", w)
				}
			}
			if n != tt.warned {
				t.Errorf("%d budget warnings, want %d: %v", n, tt.warned, r.s.Warnings)
			}
			if held := lim.Held.Held(); held != 0 {
				t.Errorf("%d bytes still held", held)
			}
		})
	}
}

// A DATA body cut in any segments, with stuffed dots, bare LFs and a
// message limit that falls anywhere, is kept as a dot-unstuffed copy with
// CRLF line ends, the frames of its first byte and of the final dot, and
// its size.
func TestDataBodiesInAnySegmentation(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 300; round++ {
		body := dottest.Random(rnd)
		steps := []step{s(greeting), c("MAIL FROM:<a@x.org>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n")}
		segs, pieceOf := dottest.Segments(rnd, body.Wire)
		frameOf := func(off int) int64 { return int64(len(steps) + 1 + pieceOf[off]) }
		first, last := frameOf(0), frameOf(body.FinalDot())
		for _, seg := range segs {
			steps = append(steps, c(seg))
		}
		steps = append(steps, s("250 queued\r\n"))
		full := body.Kept()
		lim := session.DefaultLimits()
		kept := full
		if round%3 == 0 {
			lim.MaxMessage = int64(1 + rnd.IntN(len(full)))
			kept = full[:lim.MaxMessage]
		}
		m := runWith(t, lim, steps).messages()
		if len(m) != 1 {
			t.Fatalf("body %q: %d messages", body.Wire, len(m))
		}
		if string(m[0].Raw) != kept || m[0].Size != int64(len(full)) || m[0].Packet != first || m[0].EndPacket != last ||
			m[0].Truncated != (len(kept) < len(full)) {
			t.Fatalf("body %q (limit %d):\n raw %q size %d frames %d..%d truncated %v\nwant %q size %d frames %d..%d",
				body.Wire, lim.MaxMessage, m[0].Raw, m[0].Size, m[0].Packet, m[0].EndPacket, m[0].Truncated, kept, len(full), first, last)
		}
	}
}
