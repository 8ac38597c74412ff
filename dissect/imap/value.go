package imap

// maxDepth bounds the nesting of parenthesised lists (BODYSTRUCTURE of a
// deeply nested message); deeper lists are read flat so that garbage like
// "((((((((" costs no stack.
const maxDepth = 32

// maxItems bounds the items kept in one list.
const maxItems = 4096

// Value is a token or a parenthesised list of values.
type Value struct {
	Token
	List   []Value
	IsList bool
}

// ReadValue reads one value: a token or a whole parenthesised list.
// It returns false at the end of the unit or on a closing parenthesis.
func (t *Tokenizer) ReadValue() (Value, bool) {
	return t.readValue(0)
}

func (t *Tokenizer) readValue(depth int) (Value, bool) {
	tok := t.Next()
	switch tok.Kind {
	case End, RParen:
		return Value{}, false
	case LParen:
		return Value{IsList: true, List: t.readList(depth + 1)}, true
	}
	return Value{Token: tok}, true
}

// readList reads values up to the matching ')' or the end of the unit.
func (t *Tokenizer) readList(depth int) []Value {
	var list []Value
	for {
		if depth > maxDepth {
			// Too deep: drop the inner structure up to this list's end.
			t.skipList()
			return list
		}
		v, ok := t.readValue(depth)
		if !ok {
			return list
		}
		if len(list) < maxItems {
			list = append(list, v)
		}
	}
}

// skipList consumes tokens up to the ')' closing the current list.
func (t *Tokenizer) skipList() {
	depth := 0
	for {
		switch t.Next().Kind {
		case End:
			return
		case LParen:
			depth++
		case RParen:
			if depth == 0 {
				return
			}
			depth--
		}
	}
}

// String returns the value's text as a string (atoms, quoted strings and
// literals); NIL and lists give "".
func (v Value) String() string {
	if v.IsList || v.IsNil() {
		return ""
	}
	return string(v.Text)
}

// Item returns the i-th element of a list value, or an empty value.
func (v Value) Item(i int) Value {
	if !v.IsList || i < 0 || i >= len(v.List) {
		return Value{}
	}
	return v.List[i]
}
