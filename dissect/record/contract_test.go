package record_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// root is the repository, seen from this package.
const root = "../.."

// owners may spell the contract's values: this package defines them and
// the catalogue translates them (its keys embed the ids).
var owners = []string{"dissect/record", "report/i18n"}

// TestNoContractLiterals parses every Go source file outside the owners
// and fails on a string literal that spells a finding id, a severity, a
// security value or a warning id, on a literal compared with or assigned
// to a Proto or Direction field, and on a warning given as a literal
// (an English sentence) instead of a WarningID: those are named by their
// constants in dissect/record, so that each value is written once and
// every sentence lives in the catalogue.
func TestNoContractLiterals(t *testing.T) {
	values := map[string]string{}
	for _, v := range record.FindingIDs() {
		values[string(v)] = "finding id"
	}
	for _, v := range record.Severities() {
		values[string(v)] = "severity"
	}
	for _, v := range record.Securities() {
		values[string(v)] = "security"
	}
	for _, v := range record.WarningIDs() {
		values[string(v)] = "warning id"
	}
	fields := map[string]map[string]bool{"Proto": {}, "Direction": {}}
	for _, v := range record.Protos() {
		fields["Proto"][string(v)] = true
	}
	for _, v := range record.Directions() {
		fields["Direction"][string(v)] = true
	}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+"/"))
		if d.IsDir() {
			if d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root || isOwner(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		for _, l := range literals(t, path, fields) {
			what, ok := values[l.value]
			if l.field != "" {
				what, ok = "value of "+l.field, true
			}
			if l.warning {
				what, ok = "warning", true
			}
			if !ok || l.flag {
				continue
			}
			t.Errorf("%s:%d: %s %q spelled as a literal; use its constant from dissect/record", rel, l.line, what, l.value)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("only %d Go files found under %s: the walk is broken", files, root)
	}
}

func isOwner(rel string) bool {
	for _, o := range owners {
		if rel == o {
			return true
		}
	}
	return false
}

type literal struct {
	value   string
	line    int
	field   string // Proto or Direction when compared with or assigned to one
	warning bool   // where a warning's id goes
	flag    bool   // the name of a command-line flag (--starttls)
}

// warningID is the position of the WarningID in the calls that make a
// warning: Session.Warn(frame, id, ...), record.NewWarning(frame, id, ...)
// and the dissectors' own helpers.
var warningID = map[string]int{"Warn": 1, "NewWarning": 1, "warn": 2, "add": 0}

// literals lists the string literals of a file; those next to a Proto or
// Direction field (==, !=, =, key: value) carry the field's name.
func literals(t *testing.T, path string, fields map[string]map[string]bool) []literal {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	next := map[*ast.BasicLit]string{}
	warn := map[*ast.BasicLit]bool{}
	flagName := map[*ast.BasicLit]bool{}
	pair := func(field, lit ast.Expr) {
		b, ok := lit.(*ast.BasicLit)
		name := fieldName(field)
		if ok && fields[name] != nil {
			if s, err := strconv.Unquote(b.Value); err == nil && fields[name][s] {
				next[b] = name
			}
		}
	}
	var out []literal
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BinaryExpr:
			if x.Op == token.EQL || x.Op == token.NEQ {
				pair(x.X, x.Y)
				pair(x.Y, x.X)
			}
		case *ast.AssignStmt:
			for i := range x.Lhs {
				if i < len(x.Rhs) {
					pair(x.Lhs[i], x.Rhs[i])
				}
			}
		case *ast.KeyValueExpr:
			pair(x.Key, x.Value)
		case *ast.CallExpr:
			if i := flagNameArg(x); i >= 0 {
				if b, ok := x.Args[i].(*ast.BasicLit); ok {
					flagName[b] = true
				}
			}
			if i, ok := warningID[fieldName(x.Fun)]; ok && i < len(x.Args) && isWarnings(path, fieldName(x.Fun)) {
				if b, ok := x.Args[i].(*ast.BasicLit); ok {
					warn[b] = true
				}
			}
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				if s, err := strconv.Unquote(x.Value); err == nil {
					out = append(out, literal{value: s, line: fset.Position(x.Pos()).Line, field: next[x], warning: warn[x], flag: flagName[x]})
				}
			}
		}
		return true
	})
	return out
}

// flagNameArg is the position of the flag's name in a call that defines a
// command-line flag (flag.Bool("x", …), fs.StringVar(&v, "x", …)), or -1.
func flagNameArg(c *ast.CallExpr) int {
	at := -1
	switch fieldName(c.Fun) {
	case "Bool", "String", "Int", "Int64", "Uint", "Uint64", "Float64", "Duration", "Func", "BoolFunc":
		at = 0
	case "BoolVar", "StringVar", "IntVar", "Int64Var", "UintVar", "Uint64Var", "Float64Var", "DurationVar", "Var", "TextVar":
		at = 1
	}
	if at >= len(c.Args) {
		return -1
	}
	return at
}

// isWarnings tells whether a call named name makes a warning in this
// file: add is the message package's warning helper only.
func isWarnings(path, name string) bool {
	return name != "add" || strings.Contains(filepath.ToSlash(path), "dissect/message/")
}

// fieldName is the name a Proto or Direction field goes by in an
// expression: s.Proto, Proto: in a composite literal.
func fieldName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// TestContractJSON: the typed values are plain strings in JSON, as the
// contract (json-output.md) says.
func TestContractJSON(t *testing.T) {
	f := &record.Finding{ID: record.FindingSpoofedSender, Severity: record.SeverityHigh}
	s := &record.Session{Proto: record.ProtoIMAP, Security: record.SecurityStartTLSFailed}
	m := &record.Message{Proto: record.ProtoSMTP, Direction: record.DirectionSent}
	for _, tt := range []struct {
		r    any
		want []string
	}{
		{f, []string{`"id":"spoofed-sender"`, `"severity":"high"`}},
		{s, []string{`"proto":"imap"`, `"security":"starttls-failed"`}},
		{m, []string{`"proto":"smtp"`, `"direction":"sent"`}},
	} {
		b, err := json.Marshal(tt.r)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %s", b, w)
			}
		}
	}
}

func TestSeverityOrder(t *testing.T) {
	all := record.Severities()
	for i := range all {
		if all[i].Rank() != i {
			t.Errorf("%s ranks %d, want %d", all[i], all[i].Rank(), i)
		}
		if i > 0 && (!all[i].AtLeast(all[i-1]) || all[i-1].AtLeast(all[i])) {
			t.Errorf("%s and %s out of order", all[i-1], all[i])
		}
	}
	if record.Severity("critical").Valid() || record.Severity("").Rank() >= 0 {
		t.Error("a value that is no severity ranks as one")
	}
	all[0] = record.SeverityHigh
	if record.Severities()[0] != record.SeverityInfo {
		t.Error("a caller changed the order of severities for everyone")
	}
}

func TestFindingIDsUnique(t *testing.T) {
	seen := map[record.FindingID]bool{}
	for _, id := range record.FindingIDs() {
		if seen[id] || id == "" || strings.ToLower(string(id)) != string(id) {
			t.Errorf("finding id %q repeated, empty or not a lower-case slug", id)
		}
		seen[id] = true
	}
}
