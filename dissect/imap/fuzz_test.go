package imap

import (
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/reassembly/stream/streamtest"
)

func FuzzTokenizer(f *testing.F) {
	f.Add([]byte(`* 1 FETCH (UID 5 FLAGS (\Seen) BODY[HEADER.FIELDS (FROM)]<0.10> {5}`+"\r\n"+`) ENVELOPE ("d" "s" NIL NIL NIL NIL NIL NIL NIL "<i>"))`), []byte("hello"))
	f.Add([]byte(`a LOGIN "b\"o\\b" ~{3}`+"\r\n"+` {2+}`+"\r\n"), []byte("pw"))
	f.Add([]byte(`* OK [PERMANENTFLAGS (\Seen \*)] x`), []byte(nil))
	f.Add([]byte(`((((((((((((((((((((((((((((((((((((((((((x`), []byte(nil))
	f.Add([]byte(`BODY[[[]]<<>"`), []byte(nil))
	f.Fuzz(func(t *testing.T, text, lit1 []byte) {
		lits := []*literal{{Size: int64(len(lit1)), Data: lit1}, {Size: 3}}
		tk := NewTokenizer(text, lits)
		for i := 0; ; i++ {
			if i > len(text)+4 {
				t.Fatalf("tokenizer does not advance on %q", text)
			}
			if tk.Next().Kind == End {
				break
			}
		}
		tk = NewTokenizer(text, lits)
		for i := 0; i <= len(text)+4; i++ {
			if _, ok := tk.ReadValue(); !ok && tk.AtEnd() {
				break
			}
		}
		readStatus(NewTokenizer(text, lits))
	})
}

// conversation turns two byte strings into interleaved events: chunks of
// a size taken from shape, and a gap now and then when shape's high bit
// is set.
func conversation(client, server []byte, shape uint8) []stream.Event {
	size := int(shape&0x3f) + 1
	var evs []stream.Event
	frame := int64(1)
	for len(client) > 0 || len(server) > 0 {
		for _, side := range []struct {
			dir stream.Direction
			b   *[]byte
		}{{stream.ServerToClient, &server}, {stream.ClientToServer, &client}} {
			n := min(size, len(*side.b))
			if n == 0 {
				continue
			}
			ev := stream.Event{Dir: side.dir, Data: (*side.b)[:n], Frame: frame}
			if shape&0x80 != 0 && frame%7 == 0 {
				ev.Gap = int(frame)
			}
			evs = append(evs, ev)
			*side.b = (*side.b)[n:]
			frame++
		}
	}
	return evs
}

func joinSide(pieces []piece, dir stream.Direction) []byte {
	var b []byte
	for _, p := range pieces {
		if p.dir == dir {
			b = append(b, p.data...)
		}
	}
	return b
}

func FuzzIMAP(f *testing.F) {
	seeds := [][]piece{labSession}
	msg, _ := gifMessage()
	seeds = append(seeds, []piece{
		sv("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"), c("a STARTTLS\r\nb LOGIN x y\r\n"),
		sv("a OK go\r\n* CAPABILITY X\r\n"), c(clientHello),
	}, []piece{
		c("a AUTHENTICATE PLAIN\r\n"), sv("+ \r\n"), c(b64("\x00alice\x00pw") + "\r\n"), sv("a OK done\r\n"),
		c("b FETCH 1 (BODY[] ENVELOPE BODYSTRUCTURE)\r\n"), sv("* 1 FETCH (BODY[] " + lit(msg) + ")\r\nb OK done\r\n"),
		c("c APPEND x {5}\r\n"), sv("+ ok\r\n"), c("hello\r\n"), sv("c OK done\r\n"),
		c("d COMPRESS DEFLATE\r\n"), sv("d OK on\r\n\x02\x00\x00\xff\xff"),
	}, []piece{
		c("a LOGIN {5}\r\n"), sv("a NO nope\r\n"), sv("* 1 FETCH (BODY[] {4294967295}\r\nSubject: x\r\n"),
	}, []piece{
		c("b FETCH 1 (BODYSTRUCTURE ENVELOPE)\r\n"),
		sv(`* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL)("IMAGE" "GIF" ("NAME" "a.gif") NIL NIL "BASE64" 8 NIL ("ATTACHMENT" ("FILENAME*" "utf-8''%C3%A9.gif")) NIL NIL) "MIXED" NIL NIL NIL NIL) ENVELOPE (NIL "=?utf-8?q?s?=" (("A" NIL "a" "b")) NIL NIL NIL NIL NIL NIL NIL))` + "\r\nb OK done\r\n"),
		c("c FETCH 1 BODY[2]\r\n"), sv("* 1 FETCH (BODY[2] {8}\r\nR0lGODlh)\r\nc OK done\r\n"),
		c("d STATUS x (MESSAGES 1)\r\ne SEARCH RETURN (COUNT) UNSEEN\r\n"), sv("* STATUS x (MESSAGES 3)\r\n* ESEARCH (TAG \"e\") COUNT 2\r\nd OK\r\ne OK\r\n"),
	})
	seeds = append(seeds, chunkedFetch(msg, 100, false), []piece{
		c("b FETCH 1 BODYSTRUCTURE\r\n"), sv(`* 1 FETCH (BODYSTRUCTURE ("IMAGE" "GIF" NIL NIL NIL "BASE64" 12 NIL ("INLINE" NIL) NIL NIL))` + "\r\nb OK done\r\n"),
		c("c FETCH 1 BODY.PEEK[1]<0.8>\r\n"), sv("* 1 FETCH (BODY[1]<0> {8}\r\nR0lGODlh)\r\nc OK done\r\n"),
		c("d FETCH 1 BODY.PEEK[1]<8.8>\r\n"), sv("* 1 FETCH (BODY[1]<8> {4}\r\nAQAB)\r\nd OK done\r\n"),
	})
	for i, s := range seeds {
		f.Add(joinSide(s, stream.ClientToServer), joinSide(s, stream.ServerToClient), uint8(i*37))
	}
	f.Fuzz(func(t *testing.T, client, server []byte, shape uint8) {
		evs := conversation(client, server, shape)
		// Where TCP cut the bytes must not matter: the same events in
		// 2-byte pieces of the same frames give the same records.
		if a, b := fuzzRun(t, evs), fuzzRun(t, streamtest.Pieces(evs, 2)); a != b {
			t.Fatalf("records depend on where segments end:\nwhole events:\n%s\n2-byte pieces:\n%s", a, b)
		}
	})
}

// fuzzRun reads evs with small limits and gives the records as JSON
// Lines.
func fuzzRun(t *testing.T, evs []stream.Event) string {
	lim := session.DefaultLimits()
	lim.MaxLine = 256
	lim.MaxLiteral = 1024
	lim.MaxMessage = 4096
	var recs []record.Record
	s := session.New("f", stream.Flow{}, lim, func(r record.Record) { recs = append(recs, r) }, nil)
	h := New(s)
	for i := range evs {
		h.Handle(&evs[i])
	}
	h.Close(time.Time{}, 0)
	return string(recordtest.JSONL(t, recs))
}
