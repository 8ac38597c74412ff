package imap

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxText bounds the strings copied from the wire into records.
const maxText = 512

// clean turns wire bytes into a string fit for a record: valid UTF-8, no
// control characters, at most maxText bytes.
func clean(b []byte) string {
	if len(b) > maxText {
		b = b[:maxText]
	}
	if plainASCII(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n <= 1:
			sb.WriteRune(utf8.RuneError)
		case r == '\t':
			sb.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			sb.WriteRune(utf8.RuneError)
		default:
			sb.WriteRune(r)
		}
		b = b[n:]
	}
	return sb.String()
}

// plainASCII reports whether b is printable ASCII only, the common case
// that needs no rewriting.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// upper returns an atom in upper case, cleaned and bounded.
func upper(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return strings.ToUpper(clean(b))
}

// printable reports whether b can be shown as a quoted string.
func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return utf8.Valid(b)
}

// argWriter renders the arguments of a command for its record, with
// literals shown as their content when short and printable.
type argWriter struct {
	sb strings.Builder
}

func (w *argWriter) space() {
	if w.sb.Len() > 0 {
		w.sb.WriteByte(' ')
	}
}

// raw writes text as it is (already clean).
func (w *argWriter) raw(s string) {
	if w.sb.Len() >= maxText {
		return
	}
	w.space()
	w.sb.WriteString(s)
}

// value writes one value in IMAP syntax.
func (w *argWriter) value(v Value) {
	if w.sb.Len() >= maxText {
		return
	}
	if v.IsList {
		w.space()
		w.sb.WriteByte('(')
		inner := argWriter{}
		for _, x := range v.List {
			inner.value(x)
		}
		w.sb.WriteString(inner.sb.String())
		w.sb.WriteByte(')')
		return
	}
	w.token(v.Token)
}

func (w *argWriter) token(t Token) {
	switch t.Kind {
	case Atom:
		w.raw(clean(t.Text))
	case Quoted:
		w.raw(quote(clean(t.Text)))
	case Literal:
		switch {
		case t.Lit == nil:
			w.raw("{?}")
		case len(t.Text) <= 200 && t.Lit.Complete() && printable(t.Text):
			w.raw(quote(string(t.Text)))
		default:
			w.raw("{" + strconv.FormatInt(t.Lit.Size, 10) + "}")
		}
	case LBracket:
		w.raw("[")
	case RBracket:
		w.raw("]")
	}
}

// rest writes every value left in the tokenizer.
func (w *argWriter) rest(t *Tokenizer) {
	for {
		tok := t.Next()
		switch tok.Kind {
		case End:
			return
		case LParen:
			w.value(Value{IsList: true, List: t.readList(1)})
		case RParen:
			w.raw(")")
		default:
			w.token(tok)
		}
	}
}

func (w *argWriter) String() string {
	s := w.sb.String()
	if len(s) > maxText {
		s = strings.ToValidUTF8(s[:maxText], "")
	}
	return s
}

// quote returns s as an IMAP quoted string.
func quote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
