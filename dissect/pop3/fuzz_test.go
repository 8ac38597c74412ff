package pop3

import (
	"bytes"
	"testing"
	"unicode"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

// encode turns a script into fuzz input: events separated by NUL, the
// first byte of each saying its direction ('C', 'S') or a gap ('G').
func encode(script ...ev) []byte {
	var b []byte
	for _, e := range script {
		dir := e.dir
		if e.gap > 0 {
			dir = 'G'
		}
		b = append(b, dir)
		b = append(b, e.data...)
		b = append(b, 0)
	}
	return b
}

func decode(data []byte) []ev {
	var script []ev
	for _, part := range bytes.Split(data, []byte{0}) {
		if len(part) == 0 {
			continue
		}
		switch part[0] {
		case 'C':
			script = append(script, C(string(part[1:])))
		case 'G':
			script = append(script, GapData('S', 100, string(part[1:])))
		case 'g':
			script = append(script, GapData('C', 100, string(part[1:])))
		default:
			script = append(script, S(string(part[1:])))
		}
	}
	return script
}

// FuzzPOP3 plays arbitrary conversations, both directions and gaps, with
// small limits: nothing may panic, and no string field may carry a raw
// control character.
func FuzzPOP3(f *testing.F) {
	seeds := [][]ev{
		{S(greeting), C("USER alice\r\n"), S("+OK\r\n"), C("PASS wonderland\r\n"), S("+OK\r\n"), C("QUIT\r\n"), S("+OK\r\n")},
		{S(greeting), C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"), S("+OK\r\n")},
		{S(greeting), C("AUTH LOGIN\r\n"), S("+ VXNlcm5hbWU6\r\n"), C("dGlt\r\n"), S("+ UGFzc3dvcmQ6\r\n"), C("dGFuc3RhYWY=\r\n"), S("+OK\r\n")},
		{S(greeting), C("AUTH CRAM-MD5\r\n"), S("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"), C("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"), S("+OK\r\n")},
		{S(greeting), C("CAPA\r\n"), S(capaSTLS), C("STLS\r\nUSER x\r\n"), S("+OK\r\n+OK x\r\n"), C(clientHello), S(serverHello)},
		{S(greeting), C("STAT\r\nLIST\r\nUIDL 1\r\n"), S("+OK 2 320\r\n+OK\r\n1 120\r\n.\r\n+OK 1 x\r\n")},
		{S(greeting), C("RETR 1\r\n"), S("+OK\r\n" + mail1), GapData('S', 10, "x\r\n.\r\n"), C("DELE 1\r\nQUIT\r\n"), S("+OK\r\n+OK\r\n")},
		{S("+OK 120 octets\r\n" + mail1 + ".\r\n"), C("TOP 1 0\r\n"), S("+OK\r\nSubject: a\r\n\r\n.\r\n")},
	}
	for _, s := range seeds {
		f.Add(encode(s...))
	}
	lim := session.DefaultLimits()
	lim.MaxLine, lim.MaxMessage, lim.MaxWarnings = 64, 256, 10
	f.Fuzz(func(t *testing.T, data []byte) {
		evs := events(decode(data))
		r := playEvents(lim, false, evs)
		// Where TCP cut the bytes must not matter: the same events in
		// 3-byte pieces of the same frames give the same records, and
		// the same bytes to TLS.
		pieces := playEvents(lim, false, streamtest.Pieces(evs, 3))
		if a, b := recordtest.JSONL(t, r.records), recordtest.JSONL(t, pieces.records); string(a) != string(b) {
			t.Fatalf("records depend on where segments end:\nwhole events:\n%s\n3-byte pieces:\n%s", a, b)
		}
		if a, b := r.tls.bytes(), pieces.tls.bytes(); a != b {
			t.Fatalf("TLS got %q from whole events, %q from pieces", a, b)
		}
		for _, rec := range r.records {
			for _, s := range stringsOf(rec) {
				for _, c := range s {
					if unicode.IsControl(c) {
						t.Fatalf("control character in %s field %q", rec.Kind(), s)
					}
				}
			}
		}
		if len(r.s.Warnings) > lim.MaxWarnings+1 {
			t.Fatalf("%d warnings", len(r.s.Warnings))
		}
	})
}

// stringsOf lists the string fields this package fills from the wire.
func stringsOf(r record.Record) []string {
	switch v := r.(type) {
	case *record.Command:
		return []string{v.Verb, v.Args, v.Status, v.Reply}
	case *record.Credential:
		return []string{v.Mechanism, v.Username, v.Authzid, v.Domain, v.Workstation, v.Hash, v.Reply, v.PasswordMasked}
	case *record.StartTLS:
		return []string{v.Reply, v.PlaintextInjection}
	case *record.Mailbox:
		return v.Events
	case *record.Message:
		return []string{v.Partial}
	}
	return nil
}
