package imap

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// chunkedFetch is the dialogue of a client that fetches msg in chunks of
// n bytes, as Thunderbird does for a large message: with RFC822.SIZE in
// the first response when size is set, and the empty range a server
// gives past the end when the last chunk was full.
func chunkedFetch(msg string, n int, size bool) []piece {
	ps := []piece{sv("* OK ready\r\n"), c("s SELECT INBOX\r\n"), sv("* 1 EXISTS\r\ns OK [READ-WRITE] done\r\n")}
	for i, origin := 0, 0; origin <= len(msg); i, origin = i+1, origin+n {
		end := min(origin+n, len(msg))
		ps = append(ps, c(fmt.Sprintf("f%d UID FETCH 7 (UID RFC822.SIZE BODY.PEEK[]<%d.%d>)\r\n", i, origin, n)))
		items := "UID 7 "
		if size && origin == 0 {
			items += fmt.Sprintf("RFC822.SIZE %d ", len(msg))
		}
		if origin == len(msg) {
			ps = append(ps, sv(fmt.Sprintf("* 1 FETCH (%sBODY[]<%d> \"\")\r\nf%d OK done\r\n", items, origin, i)))
			break
		}
		ps = append(ps, sv(fmt.Sprintf("* 1 FETCH (%sBODY[]<%d> %s)\r\nf%d OK done\r\n", items, origin, lit(msg[origin:end]), i)))
		if end == len(msg) && (end-origin < n || size) {
			break
		}
	}
	return append(ps, c("z LOGOUT\r\n"), sv("* BYE\r\nz OK bye\r\n"))
}

// A message fetched in chunks is one message record, the one fetching it
// whole gives, from the first chunk's first byte to the last chunk.
func TestMessageFetchedInChunks(t *testing.T) {
	msg, _ := gifMessage()
	whole := runDefault(t, sv("* OK ready\r\n"), c("s SELECT INBOX\r\n"), sv("* 1 EXISTS\r\ns OK [READ-WRITE] done\r\n"),
		c("f UID FETCH 7 (UID BODY.PEEK[])\r\n"), sv("* 1 FETCH (UID 7 BODY[] "+lit(msg)+")\r\nf OK done\r\n"))
	want := whole.messages()
	if len(want) != 1 || len(want[0].Attachments) != 1 || want[0].Attachments[0].SHA256 == "" {
		t.Fatalf("the whole fetch: %s", whole.dump())
	}
	for _, tt := range []struct {
		name string
		n    int
		size bool
	}{
		{"RFC822.SIZE told", 100, true},
		{"last chunk short", 100, false},
		{"last chunk full, then the empty range", divisor(len(msg)), false},
		{"one chunk holds it all", 1 << 16, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runDefault(t, chunkedFetch(msg, tt.n, tt.size)...)
			got := r.messages()
			if len(got) != 1 {
				t.Fatalf("%d message records: %s", len(got), r.dump())
			}
			g, w := *got[0], *want[0]
			if g.Packet == 0 || g.EndPacket < g.Packet || g.Partial != "" || g.Truncated {
				t.Fatalf("packets %d-%d, partial %q, truncated %v", g.Packet, g.EndPacket, g.Partial, g.Truncated)
			}
			g.Packet, g.EndPacket, w.Packet, w.EndPacket = 0, 0, 0, 0
			if a, b := jsonOf(g), jsonOf(w); a != b {
				t.Fatalf("chunks give\n%s\nwhole gives\n%s", a, b)
			}
		})
	}
}

// A client that reads only the start of a message gives a message record
// of that start, truncated, named by its range.
func TestOnlyTheFirstChunkFetched(t *testing.T) {
	msg, _ := gifMessage()
	r := runDefault(t, sv("* OK ready\r\n"), c("f FETCH 1 (BODY.PEEK[]<0.120>)\r\n"),
		sv("* 1 FETCH (BODY[]<0> "+lit(msg[:120])+")\r\nf OK done\r\n"), c("g NOOP\r\n"), sv("g OK done\r\n"))
	got := r.messages()
	if len(got) != 1 || !got[0].Truncated || got[0].Partial != "BODY[]<0>" || got[0].Size != 120 || got[0].From == "" {
		t.Fatalf("%s", r.dump())
	}
}

// divisor is the largest chunk size under n/3 that divides n: the last
// chunk is then full.
func divisor(n int) int {
	d := n / 3
	for n%d != 0 {
		d--
	}
	return d
}

func jsonOf(m record.Message) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// A part named as a file and fetched in chunks (Thunderbird shows an
// inline image so) is one record, with the size and hash of the part
// fetched whole.
func TestPartFetchedInChunks(t *testing.T) {
	gif := "GIF89a" + strings.Repeat("\x01\x02\x03pixels", 40) + ";"
	sum := sha256.Sum256([]byte(gif))
	b64part := base64.StdEncoding.EncodeToString([]byte(gif)) + "\r\n"
	bs := `(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL)` +
		`("IMAGE" "GIF" ("NAME" "tp4.gif") NIL NIL "BASE64" ` + itoa(int64(len(b64part))) + ` NIL ("INLINE" NIL) NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)`
	for _, n := range []int{64, len(b64part) / 2, len(b64part)} {
		t.Run(fmt.Sprintf("chunks of %d", n), func(t *testing.T) {
			ps := []piece{c("a SELECT INBOX\r\n"), sv("* 1 EXISTS\r\na OK done\r\n"),
				c("b UID FETCH 7 (UID BODYSTRUCTURE)\r\n"), sv("* 1 FETCH (UID 7 BODYSTRUCTURE " + bs + ")\r\nb OK done\r\n")}
			for i, origin := 0, 0; origin < len(b64part); i, origin = i+1, origin+n {
				ps = append(ps, c(fmt.Sprintf("c%d UID FETCH 7 (UID BODY.PEEK[2]<%d.%d>)\r\n", i, origin, n)),
					sv(fmt.Sprintf("* 1 FETCH (UID 7 BODY[2]<%d> %s)\r\nc%d OK done\r\n", origin, lit(b64part[origin:min(origin+n, len(b64part))]), i)))
			}
			r := runDefault(t, ps...)
			m := r.messages()
			if len(m) != 2 || m[1].Partial != "BODY[2]" || len(m[1].Attachments) != 1 {
				t.Fatalf("%s", r.dump())
			}
			a := m[1].Attachments[0]
			if a.Filename != "tp4.gif" || a.Size != int64(len(gif)) || a.SHA256 != hex.EncodeToString(sum[:]) || a.Truncated {
				t.Fatalf("%+v", a)
			}
			// The client stops after the first chunk: the start of the
			// part is reported, truncated.
			if n < len(b64part) {
				r := runDefault(t, ps[:6]...)
				if m := r.messages(); len(m) != 2 || len(m[1].Attachments) != 1 || !m[1].Attachments[0].Truncated {
					t.Fatalf("only the first chunk: %s", r.dump())
				}
			}
		})
	}
}
