package imap

import (
	"strings"
	"testing"
)

// tokens renders every token of a unit as "kind:text".
func tokens(text string, lits ...string) []string {
	var ls []*literal
	for _, l := range lits {
		ls = append(ls, &literal{Size: int64(len(l)), Data: []byte(l)})
	}
	t := NewTokenizer([]byte(text), ls)
	var out []string
	for {
		tok := t.Next()
		if tok.Kind == End {
			return out
		}
		if tok.Kind == Atom || tok.Kind == Quoted || tok.Kind == Literal {
			out = append(out, kindName[tok.Kind]+":"+string(tok.Text))
		} else {
			out = append(out, kindName[tok.Kind])
		}
	}
}

var kindName = map[Kind]string{Atom: "atom", Quoted: "quoted", Literal: "lit", LParen: "(", RParen: ")", LBracket: "[", RBracket: "]"}

func TestTokenizer(t *testing.T) {
	tests := []struct {
		name string
		text string
		lits []string
		want string
	}{
		{"AtomsAndSpaces", "a1  LOGIN\tbob", nil, "atom:a1 atom:LOGIN atom:bob"},
		{"QuotedWithEscapes", `a LOGIN "b\"o\\b" "p w"`, nil, `atom:a atom:LOGIN quoted:b"o\b quoted:p w`},
		{"UnterminatedQuotedEndsWithText", `a LOGIN "bob`, nil, "atom:a atom:LOGIN quoted:bob"},
		{"SynchronisingLiteral", "a LOGIN {3}\r\n {2}\r\n", []string{"bob", "pw"}, "atom:a atom:LOGIN lit:bob lit:pw"},
		{"NonSynchronisingLiterals", "a LOGIN {3+}\r\n {2-}\r\n", []string{"bob", "pw"}, "atom:a atom:LOGIN lit:bob lit:pw"},
		{"BinaryLiteral", "a APPEND x ~{3}\r\n", []string{"\x00\x01\x02"}, "atom:a atom:APPEND atom:x lit:\x00\x01\x02"},
		{"LiteralWithoutContentStillALiteral", "a LOGIN {3}\r\n", nil, "atom:a atom:LOGIN lit:"},
		{"BraceNotAMarkerIsAnAtom", "a X {x}", nil, "atom:a atom:X atom:{ atom:x}"},
		{"ListsAndNil", `* 1 FETCH (FLAGS (\Seen \Deleted) X NIL)`, nil, `atom:* atom:1 atom:FETCH ( atom:FLAGS ( atom:\Seen atom:\Deleted ) atom:X atom:NIL )`},
		{"ResponseCode", "* OK [UIDVALIDITY 42] ok", nil, "atom:* atom:OK [ atom:UIDVALIDITY atom:42 ] atom:ok"},
		{"PermanentFlagsCode", `* OK [PERMANENTFLAGS (\Seen \*)] x`, nil, `atom:* atom:OK [ atom:PERMANENTFLAGS ( atom:\Seen atom:\* ) ] atom:x`},
		{"SectionInsideAtom", "BODY[HEADER.FIELDS (FROM TO)]<0.100> {5}\r\n", []string{"hello"}, "atom:BODY[HEADER.FIELDS (FROM TO)]<0.100> lit:hello"},
		{"PeekSection", "a FETCH 1:* (BODY.PEEK[])", nil, "atom:a atom:FETCH atom:1:* ( atom:BODY.PEEK[] )"},
		{"ControlBytesAreAtoms", "\x00\x01 x", nil, "atom:\x00\x01 atom:x"},
		{"UnclosedSectionStopsAtLineEnd", "BODY[HEADER\r\n", nil, "atom:BODY[HEADER atom:\r atom:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(tokens(tt.text, tt.lits...), " ")
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestTokenizerRestIsRawText(t *testing.T) {
	tk := NewTokenizer([]byte(`a OK [ALERT] "odd ( text`), nil)
	tk.Next()
	st := readStatus(tk)
	if st.word != "OK" || st.code != "ALERT" || st.reply != `[ALERT] "odd ( text` {
		t.Fatalf("status %+v", st)
	}
}

func TestLiteralAtEnd(t *testing.T) {
	tests := []struct {
		line   string
		size   int64
		binary bool
		ok     bool
	}{
		{"a LOGIN {5}", 5, false, true},
		{"a LOGIN {5+}", 5, false, true},
		{"a LOGIN {5-}", 5, false, true},
		{"a APPEND x ~{12}", 12, true, true},
		{"* 1 FETCH (BODY[] {4294967295}", 4294967295, false, true},
		{"x {99999999999999999999999999}", 1<<62 - 1, false, true},
		{"a LOGIN {}", 0, false, false},
		{"a LOGIN {5", 0, false, false},
		{"a LOGIN 5}", 0, false, false},
		{"a LOGIN {5 }", 0, false, false},
		{"}", 0, false, false},
	}
	for _, tt := range tests {
		size, binary, ok := literalAtEnd([]byte(tt.line))
		if size != tt.size || binary != tt.binary || ok != tt.ok {
			t.Errorf("%q: got %d %v %v", tt.line, size, binary, ok)
		}
	}
}
