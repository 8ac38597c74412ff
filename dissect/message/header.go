package message

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/mailwire/mailwire/dissect/record"
)

// field is one header field, its name lower-cased and its value unfolded.
type field struct {
	name  string
	value string
}

// header is the fields of one entity in the order they appeared.
type header []field

// maxFields bounds how many fields of one header are kept.
const maxFields = 1000

// get returns the first value of the named field (lower-case name).
func (h header) get(name string) string {
	for _, f := range h {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

// values returns every value of the named field, in order.
func (h header) values(name string) []string {
	var v []string
	for _, f := range h {
		if f.name == name {
			v = append(v, f.value)
		}
	}
	return v
}

// splitHeader reads the header of an entity and returns it with the body
// that follows the blank line. Unlike textproto readers it never stops at
// a malformed line: the line is skipped with a warning so that the fields
// after it are still shown. A header without a blank line has no body; an
// entity whose first line is no field has no header (its text is body).
func splitHeader(b []byte, w *warnings) (header, []byte) {
	b = skipMboxLine(b, w)
	if first, _ := cutLine(b); len(first) > 0 && first[0] != ' ' && first[0] != '\t' {
		if _, ok := parseField(first); !ok {
			w.add(record.WarnMIMENoHeader, "text", record.Quote(clip(string(first), 40)))
			return nil, b
		}
	}
	var h header
	var cur []byte // the field being unfolded
	dropped, latin := 0, false
	var important map[string]int // fields of each name kept past the cap
	flush := func() {
		if cur == nil {
			return
		}
		f, ok := parseField(cur)
		if ok {
			var utf bool
			if f.value, utf = fromRaw8bit(f.value); !utf && !latin {
				latin = true
				w.add(record.WarnMIMEHeaderWindows1252, "field", f.name)
			}
		}
		switch {
		case !ok:
			w.add(record.WarnMIMEMalformedHeader, "line", record.Quote(clip(string(cur), 60)))
		case len(h) < maxFields:
			h = append(h, f)
		case importantFields[f.name] && important[f.name] < maxImportant:
			// Past the cap, the fields that matter are still read.
			if important == nil {
				important = map[string]int{}
			}
			important[f.name]++
			h = append(h, f)
		default:
			if dropped == 0 {
				w.add(record.WarnMIMETooManyFields, "max", maxFields)
			}
			dropped++
		}
		cur = nil
	}
	for len(b) > 0 {
		line, rest := cutLine(b)
		if len(line) == 0 {
			flush()
			return h, rest
		}
		switch {
		case line[0] == ' ' || line[0] == '\t':
			if cur != nil {
				cur = append(cur, line...)
			} else {
				w.add(record.WarnMIMEOrphanContinuation, "line", record.Quote(clip(string(line), 60)))
			}
		case unindented(cur, line):
			w.add(record.WarnMIMEUnindentedContinuation, "line", record.Quote(clip(string(line), 40)))
			cur = append(append(cur, ' '), line...)
		default:
			flush()
			cur = append(make([]byte, 0, len(line)), line...)
		}
		b = rest
	}
	flush()
	return h, nil
}

// unindented tells whether line is the rest of a parameter list that a
// broken client folded without indentation ("Content-Type: text/html;"
// then "charset=utf-8" on its own line).
func unindented(cur, line []byte) bool {
	if cur == nil || !bytes.HasSuffix(bytes.TrimRight(cur, " \t"), []byte(";")) {
		return false
	}
	_, ok := parseField(line)
	return !ok
}

// skipMboxLine drops the "From sender date" line that starts a message
// stored in an mbox file.
func skipMboxLine(b []byte, w *warnings) []byte {
	if !bytes.HasPrefix(b, []byte("From ")) {
		return b
	}
	line, rest := cutLine(b)
	w.add(record.WarnMIMEMboxSeparator, "line", record.Quote(clip(string(line), 60)))
	return rest
}

// cutLine returns the first line of b without its CRLF or bare LF, and the
// bytes after it.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte("\r")), nil
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:]
}

// parseField splits "Name: value" into a field; the name must be printable
// ASCII without spaces, as RFC 5322 says.
func parseField(b []byte) (field, bool) {
	i := bytes.IndexByte(b, ':')
	if i <= 0 {
		return field{}, false
	}
	name := bytes.TrimRight(b[:i], " \t")
	if len(name) == 0 {
		return field{}, false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return field{}, false
		}
	}
	return field{name: strings.ToLower(string(name)), value: strings.TrimSpace(string(b[i+1:]))}, true
}

// clip shortens s to at most n bytes, on a character boundary, and says
// so with "...".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
