package imap

import (
	"bytes"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/msgbuf"
)

// Kind is the kind of a token of the IMAP grammar (RFC 9051 §9).
type Kind uint8

const (
	// End means the unit has no more tokens.
	End Kind = iota
	// Atom is a run of atom characters; an atom directly followed by a
	// section ("BODY[HEADER.FIELDS (FROM)]<0.100>") includes it.
	Atom
	// Quoted is a quoted string, with its escapes removed.
	Quoted
	// Literal is a {n}, {n+}, {n-} or ~{n} literal.
	Literal
	LParen
	RParen
	LBracket
	RBracket
)

// Token is one token of a unit. Text is valid as long as the unit.
type Token struct {
	Kind Kind
	// Text is the atom, the unescaped quoted string, or the bytes of a
	// literal that were kept.
	Text []byte
	// Lit describes a literal (nil for other kinds, or when the unit lost
	// the literal's bytes).
	Lit *literal
}

// IsNil reports whether the token is the NIL atom.
func (t Token) IsNil() bool {
	return t.Kind == Atom && len(t.Text) == 3 && bytes.EqualFold(t.Text, []byte("NIL"))
}

// IsString reports whether the token is a string of any form
// (astring: atom, quoted or literal).
func (t Token) IsString() bool {
	return t.Kind == Atom || t.Kind == Quoted || t.Kind == Literal
}

// literal is the content of one literal of a unit.
type literal struct {
	Size    int64      // announced size
	Data    []byte     // the bytes kept (all of them unless Skipped or Missing)
	Skipped bool       // larger than the limit: counted, not kept
	Missing int64      // bytes lost in a capture gap
	Binary  bool       // ~{n}
	Frame   int64      // frame of its first byte
	End     int64      // frame of its last byte
	buf     msgbuf.Buf // holds Data while the unit is read
	// msg analyses a literal that holds a whole message as it arrives,
	// instead of Data; fed counts the bytes it was given.
	msg *message.Stream
	fed int64
	// chunk, when set, is the message or part fetched in chunks whose
	// analysis msg or part is: it outlives the response, and holds what
	// msg keeps in its own reservation.
	chunk *chunked
	// part reads, as it arrives instead of Data, a literal that holds
	// the body of a part named as a file.
	part *message.Part
}

// reader is the reader of a part's body that read the literal as it
// arrived, or nil.
func (l *literal) reader() *message.Part {
	if l == nil {
		return nil
	}
	return l.part
}

// Complete reports whether every byte of the literal was kept (or, for a
// message, analysed).
func (l *literal) Complete() bool {
	if l == nil || l.Skipped || l.Missing > 0 {
		return false
	}
	if l.msg != nil || l.part != nil {
		return l.fed == l.Size
	}
	return int64(len(l.Data)) == l.Size
}

// read reports whether any of the literal's bytes arrived.
func (l *literal) read() bool { return len(l.Data) > 0 || l.fed > 0 }

// Tokenizer splits one unit (a command or a response, its lines joined by
// CRLF after each literal marker, with the literals apart) into tokens.
// It never fails: bytes that fit nowhere become one-byte atoms.
type Tokenizer struct {
	text []byte
	pos  int
	lits []*literal
	next int // index of the next literal
}

// NewTokenizer returns a tokenizer over text whose literal markers take
// their content, in order, from lits.
func NewTokenizer(text []byte, lits []*literal) *Tokenizer {
	return &Tokenizer{text: text, lits: lits}
}

// Next returns the next token, skipping spaces.
func (t *Tokenizer) Next() Token {
	t.skipSpaces()
	if t.pos >= len(t.text) {
		return Token{Kind: End}
	}
	c := t.text[t.pos]
	switch c {
	case '(':
		t.pos++
		return Token{Kind: LParen}
	case ')':
		t.pos++
		return Token{Kind: RParen}
	case '[':
		t.pos++
		return Token{Kind: LBracket}
	case ']':
		t.pos++
		return Token{Kind: RBracket}
	case '"':
		return t.quoted()
	case '{', '~':
		if tok, ok := t.literal(); ok {
			return tok
		}
	}
	return t.atom()
}

// Peek returns the next token without consuming it.
func (t *Tokenizer) Peek() Token {
	pos, next := t.pos, t.next
	tok := t.Next()
	t.pos, t.next = pos, next
	return tok
}

// Rest returns the raw text up to the end of the current line (the free
// text of a response) and consumes it.
func (t *Tokenizer) Rest() []byte {
	t.skipSpaces()
	rest := t.text[t.pos:]
	if i := bytes.Index(rest, []byte("\r\n")); i >= 0 {
		rest = rest[:i]
	}
	t.pos += len(rest)
	return rest
}

// AtEnd reports whether only spaces are left.
func (t *Tokenizer) AtEnd() bool {
	t.skipSpaces()
	return t.pos >= len(t.text)
}

func (t *Tokenizer) skipSpaces() {
	for t.pos < len(t.text) && (t.text[t.pos] == ' ' || t.text[t.pos] == '\t') {
		t.pos++
	}
}

// quoted reads a quoted string; an unterminated one ends with the line.
func (t *Tokenizer) quoted() Token {
	t.pos++ // opening quote
	start := t.pos
	var out []byte // allocated only when an escape is met
	for t.pos < len(t.text) {
		c := t.text[t.pos]
		switch {
		case c == '"':
			s := t.text[start:t.pos]
			if out != nil {
				s = out
			}
			t.pos++
			return Token{Kind: Quoted, Text: s}
		case c == '\\' && t.pos+1 < len(t.text):
			if out == nil {
				out = append([]byte(nil), t.text[start:t.pos]...)
			}
			out = append(out, t.text[t.pos+1])
			t.pos += 2
			continue
		case c == '\r' || c == '\n':
			s := t.text[start:t.pos]
			if out != nil {
				s = out
			}
			return Token{Kind: Quoted, Text: s}
		}
		if out != nil {
			out = append(out, c)
		}
		t.pos++
	}
	if out != nil {
		return Token{Kind: Quoted, Text: out}
	}
	return Token{Kind: Quoted, Text: t.text[start:]}
}

// literal reads a literal marker at the end of a line and the CRLF after
// it, and returns the literal's content.
func (t *Tokenizer) literal() (Token, bool) {
	n, size, binary, ok := markerAt(t.text[t.pos:])
	if !ok {
		return Token{}, false
	}
	_ = size
	_ = binary
	t.pos += n
	var lit *literal
	if t.next < len(t.lits) {
		lit = t.lits[t.next]
		t.next++
	}
	if lit == nil {
		return Token{Kind: Literal}, true
	}
	return Token{Kind: Literal, Text: lit.Data, Lit: lit}, true
}

// markerAt recognises a literal marker ("{12}", "{12+}", "~{12}") at the
// start of b, followed by CRLF or the end of the text; it returns the bytes
// the marker and its line end take.
func markerAt(b []byte) (n int, size int64, binary, ok bool) {
	i := 0
	if i < len(b) && b[i] == '~' {
		binary = true
		i++
	}
	if i >= len(b) || b[i] != '{' {
		return 0, 0, false, false
	}
	i++
	size, j, ok := number(b[i:])
	if !ok {
		return 0, 0, false, false
	}
	i += j
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	if i >= len(b) || b[i] != '}' {
		return 0, 0, false, false
	}
	i++
	switch {
	case i == len(b):
	case bytes.HasPrefix(b[i:], []byte("\r\n")):
		i += 2
	default:
		return 0, 0, false, false
	}
	return i, size, binary, true
}

// number reads decimal digits, saturating instead of overflowing.
func number(b []byte) (v int64, n int, ok bool) {
	const max = 1<<62 - 1
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		if v < max/10 {
			v = v*10 + int64(b[n]-'0')
		} else {
			v = max
		}
		n++
	}
	return v, n, n > 0
}

// atomEnd reports the bytes that end an atom.
func atomEnd(c byte) bool {
	switch c {
	case ' ', '\t', '(', ')', '{', '"', ']', '\r', '\n':
		return true
	}
	return false
}

// atom reads an atom, with the section and partial range that may follow
// a fetch attribute name, and ']' inside a response code kept apart. A
// byte that starts no token becomes a one-byte atom so that the tokenizer
// always moves on.
func (t *Tokenizer) atom() Token {
	start := t.pos
	for t.pos < len(t.text) {
		c := t.text[t.pos]
		if c == '[' {
			if t.pos == start {
				break
			}
			t.section()
			continue
		}
		if atomEnd(c) {
			break
		}
		t.pos++
	}
	if t.pos == start {
		t.pos++
	}
	return Token{Kind: Atom, Text: t.text[start:t.pos]}
}

// section skips a bracketed section ("[HEADER.FIELDS (A B)]") and an
// optional partial range ("<0.100>") inside an atom. It stops at a line end.
func (t *Tokenizer) section() {
	depth := 0
	for t.pos < len(t.text) {
		c := t.text[t.pos]
		if c == '\r' || c == '\n' {
			return
		}
		t.pos++
		if c == '[' {
			depth++
		}
		if c == ']' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if t.pos < len(t.text) && t.text[t.pos] == '<' {
		for t.pos < len(t.text) && t.text[t.pos] != '>' && !atomEnd(t.text[t.pos]) {
			t.pos++
		}
		if t.pos < len(t.text) && t.text[t.pos] == '>' {
			t.pos++
		}
	}
}
