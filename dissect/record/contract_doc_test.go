package record_test

import (
	"encoding"
	"encoding/json"
	"fmt"
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
var sectionHead = regexp.MustCompile(`(?m)^#{2,4} .*\(([a-z_]+\.[A-Za-z][A-Za-z0-9]*)\)\s*$`)

// TestDocumentNamesEveryField fails when a JSON field of a struct mailwire
// writes is not named, between backquotes, in the section of
// json-output.md that documents that struct, when a struct has no
// section, or when a section documents a struct mailwire does not write:
// a field added to the code must be added to the contract too.
func TestDocumentNamesEveryField(t *testing.T) {
	for _, p := range undocumented(readDoc(t), documented) {
		t.Error("json-output.md: " + p)
	}
}

// TestDocumentCheckCanFail runs the check on a document that lacks a
// field, a section and has a stale one, so that a broken check cannot
// pass silently.
func TestDocumentCheckCanFail(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
	}
	type outer struct {
		ID     string  `json:"id"`
		Hidden string  `json:"-"`
		Items  []inner `json:"items,omitempty"`
		Count  int     `json:"count"`
	}
	doc := "## Kinds\n\n### `outer` (record_test.outer)\n\n| `id` | `items` |\n\n" +
		"### gone (record_test.gone)\n\n`name`\n"
	got := strings.Join(undocumented(doc, []any{outer{}}), "\n")
	for _, want := range []string{"field `count` is not documented", "no section for record_test.inner",
		"(record_test.gone), which mailwire does not write"} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it said:\n%s", want, got)
		}
	}
	if strings.Contains(got, "`id`") || strings.Contains(got, "Hidden") {
		t.Errorf("the check complained of a documented or hidden field:\n%s", got)
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

// TestDocumentNamesEveryValue fails when a value of a closed set is not in
// the "Closed sets of values" section of json-output.md.
func TestDocumentNamesEveryValue(t *testing.T) {
	text := chapter(t, readDoc(t), "## Closed sets of values")
	var values []string
	for _, v := range record.Protos() {
		values = append(values, string(v))
	}
	for _, v := range record.Securities() {
		values = append(values, string(v))
	}
	for _, v := range record.Directions() {
		values = append(values, string(v))
	}
	for _, v := range record.Severities() {
		values = append(values, string(v))
	}
	for _, v := range values {
		if !strings.Contains(text, "`"+v+"`") {
			t.Errorf("json-output.md, section Closed sets of values: `%s` is not documented", v)
		}
	}
}

// undocumented lists what json-output.md (doc) lacks for the structs of
// roots and the structs they hold, and the sections it has for no struct.
func undocumented(doc string, roots []any) []string {
	var out []string
	sections, problems := docSections(doc)
	out = append(out, problems...)
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
			out = append(out, fmt.Sprintf("no section for %s: add a heading ending in (%s)", name, name))
		}
		for _, f := range jsonFields(typ) {
			if ok && !strings.Contains(text, "`"+f.name+"`") {
				out = append(out, fmt.Sprintf("section (%s): field `%s` is not documented", name, f.name))
			}
			if s := structOf(f.typ); s != nil {
				visit(s)
			}
		}
	}
	for _, v := range roots {
		visit(reflect.TypeOf(v))
	}
	known := map[string]bool{}
	for typ := range seen {
		known[typeName(typ)] = true
	}
	for name := range sections {
		if !known[name] {
			out = append(out, fmt.Sprintf("it documents (%s), which mailwire does not write", name))
		}
	}
	return out
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
func docSections(doc string) (map[string]string, []string) {
	out := map[string]string{}
	var problems []string
	locs := sectionHead.FindAllStringSubmatchIndex(doc, -1)
	if len(locs) == 0 {
		problems = append(problems, "no heading names a Go struct, such as ### `session` (record.Session)")
	}
	for _, l := range locs {
		name := doc[l[2]:l[3]]
		level := strings.IndexByte(doc[l[0]:], ' ')
		body := doc[l[1]:]
		if end := nextHeading(body, level); end >= 0 {
			body = body[:end]
		}
		if _, dup := out[name]; dup {
			problems = append(problems, "two sections for "+name)
		}
		out[name] = body
	}
	return out, problems
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
