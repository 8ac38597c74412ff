package record

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"testing"
)

// TestKindsListsEveryKind: every type of this package with a Kind method
// is in Kinds, once, and its Kind is unique.
func TestKindsListsEveryKind(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "record.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != "Kind" {
			continue
		}
		if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
			declared = append(declared, star.X.(*ast.Ident).Name)
		}
	}
	var listed []string
	kinds := map[string]bool{}
	for _, r := range Kinds() {
		listed = append(listed, reflect.TypeOf(r).Elem().Name())
		if kinds[r.Kind()] {
			t.Errorf("kind %q listed twice", r.Kind())
		}
		kinds[r.Kind()] = true
	}
	sort.Strings(declared)
	sort.Strings(listed)
	if !reflect.DeepEqual(declared, listed) {
		t.Errorf("types with a Kind method %v, Kinds() lists %v", declared, listed)
	}
}

// TestSharedFields: each kind's shared method points at exactly the
// fields it has: its session (a session's ID), Decrypted, Warnings, and
// the secrets Password and Hash.
func TestSharedFields(t *testing.T) {
	for _, r := range Kinds() {
		v := reflect.ValueOf(r).Elem()
		field := func(name string) any {
			f := v.FieldByName(name)
			if !f.IsValid() {
				return nil
			}
			return f.Addr().Interface()
		}
		sh := r.shared()
		session := field("Session")
		if r.Kind() == "session" {
			session = field("ID")
		}
		check := func(what string, got, want any) {
			t.Helper()
			if !same(got, want) {
				t.Errorf("%s: shared %s points at %v, want the record's field %v", r.Kind(), what, got, want)
			}
		}
		check("session", sh.session, session)
		check("decrypted", sh.decrypted, field("Decrypted"))
		check("warnings", sh.warnings, field("Warnings"))
		var secrets []any
		for _, name := range []string{"Password", "Hash"} {
			if f := field(name); f != nil {
				secrets = append(secrets, f)
			}
		}
		if len(sh.secrets) != len(secrets) {
			t.Errorf("%s: %d secrets shared, %d secret fields", r.Kind(), len(sh.secrets), len(secrets))
			continue
		}
		for i := range secrets {
			check("secret", sh.secrets[i], secrets[i])
		}
	}
}

// same tells whether two pointers (possibly typed nils) are the same.
func same(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	nilA := !va.IsValid() || va.IsNil()
	nilB := !vb.IsValid() || vb.IsNil()
	if nilA || nilB {
		return nilA == nilB
	}
	return va.Pointer() == vb.Pointer() && va.Type() == vb.Type()
}

func TestMarkDecryptedAndSessionRef(t *testing.T) {
	m := &Message{Session: "s1"}
	MarkDecrypted(m)
	*SessionRef(m) = "s2"
	if !m.Decrypted || m.Session != "s2" {
		t.Errorf("message after MarkDecrypted and SessionRef: %+v", m)
	}
	d := &DNS{}
	MarkDecrypted(d) // no such field: nothing to do, no panic
	if SessionRef(d) != nil || SessionRef(&Capture{}) != nil {
		t.Error("kinds without a session have a session ref")
	}
}

func TestSummaryCount(t *testing.T) {
	var s Summary
	for _, r := range []Record{&Session{}, &Session{}, &Credential{}, &Message{}, &Finding{}, &Finding{}, &Finding{},
		&Command{}, &DNS{}, &TLS{}, &Capture{}} {
		s.Count(r)
	}
	if s.Sessions != 2 || s.Credentials != 1 || s.Messages != 1 || s.Findings != 3 {
		t.Errorf("summary totals %+v", s)
	}
}

func TestGroupOf(t *testing.T) {
	s1, s2 := &Session{ID: "1"}, &Session{ID: "2"}
	c1, c2, c3 := &Command{Session: "1", Verb: "a"}, &Command{Session: "2"}, &Command{Session: "1", Verb: "b"}
	f := &Finding{Session: "2"}
	recs := []Record{&Capture{}, s1, c1, &DNS{}, c2, s2, c3, f, &TLS{Session: "1"}, &Summary{}}
	g := GroupOf(recs)
	if len(g.Sessions) != 2 || g.Sessions[0] != s1 || len(g.Commands) != 3 || len(g.DNS) != 1 ||
		len(g.TLS) != 1 || len(g.Findings) != 1 || len(g.Messages) != 0 {
		t.Fatalf("GroupOf = %+v", g)
	}
	by := BySession(g.Commands)
	if len(by) != 2 || len(by["1"]) != 2 || by["1"][0] != c1 || by["1"][1] != c3 || by["2"][0] != c2 {
		t.Errorf("BySession(commands) = %v", by)
	}
	if s := BySession(g.Sessions); s["2"][0] != s2 {
		t.Errorf("BySession(sessions) = %v", s)
	}
}
