package record_test

import (
	"encoding"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/certreport"
)

// documented lists the objects mailwire writes as JSON: every record kind,
// and the certificate objects of `mailwire cert --json`. The structs they
// hold (attachments, signer, tunnel...) are reached from them.
var documented = []any{
	record.Capture{}, record.Session{}, record.Command{}, record.Credential{},
	record.StartTLS{}, record.TLS{}, record.Message{}, record.Mailbox{},
	record.DNS{}, record.Finding{}, record.Summary{},
	certreport.Cert{},
}

// sectionHead matches a heading of json-output.md that documents one Go
// struct: "### `session` (record.Session)".
var sectionHead = regexp.MustCompile(`(?m)^#{2,4} .*\(([a-z]+\.[A-Z][A-Za-z0-9]*)\)\s*$`)

// TestDocumentNamesEveryField fails when a JSON field of a struct mailwire
// writes is not named, between backquotes, in the section of
// json-output.md that documents that struct, or when a struct has no
// section: a field added to the code must be added to the contract too.
func TestDocumentNamesEveryField(t *testing.T) {
	sections := docSections(t, readDoc(t))
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		name := typeName(typ)
		text, ok := sections[name]
		if !ok {
			t.Errorf("json-output.md has no section for %s: add a heading ending in (%s)", name, name)
		}
		for _, f := range jsonFields(typ) {
			if ok && !strings.Contains(text, "`"+f.name+"`") {
				t.Errorf("json-output.md, section (%s): field `%s` is not documented", name, f.name)
			}
			if s := structOf(f.typ); s != nil {
				visit(s)
			}
		}
	}
	for _, v := range documented {
		visit(reflect.TypeOf(v))
	}
	if len(seen) < len(documented)+5 {
		t.Fatalf("only %d structs reached: the walk over nested structs is broken", len(seen))
	}
}

// TestDocumentNamesEveryFinding fails when a finding id is not in the
// Findings section of json-output.md.
func TestDocumentNamesEveryFinding(t *testing.T) {
	text := chapter(t, readDoc(t), "## Findings")
	for _, id := range record.FindingIDs() {
		if !strings.Contains(text, "`"+string(id)+"`") {
			t.Errorf("json-output.md, section Findings: finding id `%s` is not documented", id)
		}
	}
}

// TestDocumentSectionsExist keeps the section check honest: a heading
// the test does not recognise would make every field look undocumented,
// and a section for a struct that no longer exists is stale.
func TestDocumentSectionsExist(t *testing.T) {
	known := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		known[typeName(typ)] = true
		for _, f := range jsonFields(typ) {
			if s := structOf(f.typ); s != nil {
				visit(s)
			}
		}
	}
	for _, v := range documented {
		visit(reflect.TypeOf(v))
	}
	for name := range docSections(t, readDoc(t)) {
		if !known[name] {
			t.Errorf("json-output.md documents (%s), which mailwire does not write", name)
		}
	}
}

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("json-output.md")
	if err != nil {
		t.Fatalf("the JSON contract must sit next to this package: %v", err)
	}
	return string(b)
}

// docSections maps "record.Session" to the text of its section, up to the
// next heading of the same or a higher level.
func docSections(t *testing.T, doc string) map[string]string {
	t.Helper()
	out := map[string]string{}
	locs := sectionHead.FindAllStringSubmatchIndex(doc, -1)
	if len(locs) == 0 {
		t.Fatal("json-output.md has no heading naming a Go struct, such as ### `session` (record.Session)")
	}
	for _, l := range locs {
		name := doc[l[2]:l[3]]
		level := strings.IndexByte(doc[l[0]:], ' ')
		body := doc[l[1]:]
		if end := nextHeading(body, level); end >= 0 {
			body = body[:end]
		}
		if _, dup := out[name]; dup {
			t.Errorf("json-output.md has two sections for %s", name)
		}
		out[name] = body
	}
	return out
}

// nextHeading finds the next heading of level or higher in s, or -1.
func nextHeading(s string, level int) int {
	for i := 0; i < len(s); {
		if i == 0 || s[i-1] == '\n' {
			n := 0
			for n < len(s)-i && s[i+n] == '#' {
				n++
			}
			if n > 0 && n <= level && n < len(s)-i && s[i+n] == ' ' {
				return i
			}
		}
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
	}
	return -1
}

// chapter is the text under the heading head, up to the next heading of
// its level.
func chapter(t *testing.T, doc, head string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+head+"\n")
	if i < 0 {
		t.Fatalf("json-output.md has no %q heading", head)
	}
	body := doc[i+len(head)+2:]
	if end := nextHeading(body, strings.IndexByte(head, ' ')); end >= 0 {
		body = body[:end]
	}
	return body
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the fields encoding/json writes for typ.
func jsonFields(typ reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, f.Type})
	}
	return out
}

var (
	marshaler     = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// structOf is the struct a field holds, through pointers, slices and
// arrays, or nil when the field is written as one value (a string, a
// time, a type with its own JSON form such as record.Warning).
func structOf(typ reflect.Type) reflect.Type {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || typ.Implements(marshaler) || reflect.PointerTo(typ).Implements(marshaler) ||
		typ.Implements(textMarshaler) || reflect.PointerTo(typ).Implements(textMarshaler) {
		return nil
	}
	return typ
}

// typeName is "record.Session", "certreport.Cert".
func typeName(typ reflect.Type) string {
	pkg := typ.PkgPath()
	return pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + typ.Name()
}
