package grade

import (
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Cond is a condition over a student's records. It is either a
// combination (All, Any or Sequence of sub-conditions) or a record
// matcher: a kind and tests on the record's JSON fields, met when at
// least CountAtLeast records pass every test.
type Cond struct {
	Line         int
	All          []*Cond
	Any          []*Cond
	Sequence     []*Cond
	Kind         string
	Tests        []*Test
	CountAtLeast int
}

// Test compares one field of a record, named by its JSON path
// ("verb", "attachments.content_type").
type Test struct {
	Line   int
	Path   []string
	Op     string // "eq", "in" or "match"
	Values []any  // string, bool, float64 or nil
	Re     *regexp.Regexp
}

func parseCond(n *yaml.Node) (*Cond, error) {
	if n.Kind != yaml.MappingNode {
		return nil, lineError(n, "a condition must be a mapping (kind and fields, or all/any/sequence)")
	}
	c := &Cond{Line: n.Line, CountAtLeast: 1}
	var fields []*yaml.Node
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "all":
			c.All, err = parseConds(k, v)
		case "any":
			c.Any, err = parseConds(k, v)
		case "sequence":
			c.Sequence, err = parseConds(k, v)
		case "kind":
			c.Kind = v.Value
			if _, ok := kindFields[c.Kind]; !ok {
				err = lineError(v, "unknown record kind %q (expected one of %s)", c.Kind, strings.Join(kindNames(), ", "))
			}
		case "count_at_least":
			if v.Decode(&c.CountAtLeast) != nil || c.CountAtLeast < 1 {
				err = lineError(v, "count_at_least must be a whole number >= 1, not %q", v.Value)
			}
		default:
			fields = append(fields, k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	combos := btoi(c.All != nil) + btoi(c.Any != nil) + btoi(c.Sequence != nil)
	matcher := c.Kind != "" || len(fields) > 0
	switch {
	case combos > 1 || combos == 1 && matcher:
		return nil, lineError(n, "a condition is either one of all, any, sequence, or a record matcher (kind and fields), not both")
	case combos == 0 && !matcher:
		return nil, lineError(n, "empty condition: give a kind and fields, or all/any/sequence")
	}
	for _, step := range c.Sequence {
		if step.Kind == "" && len(step.Tests) == 0 || step.CountAtLeast != 1 {
			return nil, lineError(n, "each step of a sequence must be a record matcher (kind and fields) without count_at_least")
		}
	}
	for i := 0; i < len(fields); i += 2 {
		t, err := parseTest(c.Kind, fields[i], fields[i+1])
		if err != nil {
			return nil, err
		}
		c.Tests = append(c.Tests, t)
	}
	return c, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseConds(k, v *yaml.Node) ([]*Cond, error) {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, lineError(v, "%s needs a non-empty list of conditions", k.Value)
	}
	var out []*Cond
	for _, n := range v.Content {
		c, err := parseCond(n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// parseTest reads "field: value", "field_in: [values]" or
// "field_match: regexp". A field that exists under its full name wins
// over a suffix, so a future field ending in _in stays reachable.
func parseTest(kind string, k, v *yaml.Node) (*Test, error) {
	t := &Test{Line: k.Line, Op: "eq"}
	name := k.Value
	if !knownField(kind, name) {
		switch {
		case strings.HasSuffix(name, "_match"):
			t.Op, name = "match", strings.TrimSuffix(name, "_match")
		case strings.HasSuffix(name, "_in"):
			t.Op, name = "in", strings.TrimSuffix(name, "_in")
		}
	}
	if secretFields[lastPart(name)] {
		return nil, lineError(k, "field %q holds a secret: grading never looks at it", name)
	}
	if !knownField(kind, name) {
		return nil, lineError(k, "%q is not a field of %s records (fields: %s)", k.Value, kindOrAny(kind), strings.Join(fieldNames(kind), ", "))
	}
	t.Path = strings.Split(name, ".")
	switch t.Op {
	case "match":
		if v.Kind != yaml.ScalarNode {
			return nil, lineError(v, "%s needs a regular expression", k.Value)
		}
		re, err := regexp.Compile(v.Value)
		if err != nil {
			return nil, lineError(v, "bad regular expression in %s: %v", k.Value, err)
		}
		t.Re = re
	case "in":
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return nil, lineError(v, "%s needs a non-empty list of values", k.Value)
		}
		for _, e := range v.Content {
			x, err := scalar(e)
			if err != nil {
				return nil, err
			}
			t.Values = append(t.Values, x)
		}
	default:
		x, err := scalar(v)
		if err != nil {
			return nil, err
		}
		t.Values = []any{x}
	}
	return t, nil
}

func lastPart(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

func kindOrAny(kind string) string {
	if kind == "" {
		return "any"
	}
	return kind
}

// scalar decodes a YAML value into what encoding/json gives for the same
// JSON value: string, bool, float64 or nil.
func scalar(n *yaml.Node) (any, error) {
	if n.Kind != yaml.ScalarNode {
		return nil, lineError(n, "expected a single value, not a list or mapping")
	}
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, lineError(n, "%v", err)
		}
		return b, nil
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, lineError(n, "%v", err)
		}
		return f, nil
	}
	return n.Value, nil
}

func knownField(kind, name string) bool {
	if kind != "" {
		return kindFields[kind][name]
	}
	for _, fs := range kindFields {
		if fs[name] {
			return true
		}
	}
	return false
}

func fieldNames(kind string) []string {
	set := map[string]bool{}
	for k, fs := range kindFields {
		if kind != "" && k != kind {
			continue
		}
		for f := range fs {
			if !secretFields[lastPart(f)] {
				set[f] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func kindNames() []string {
	out := make([]string, 0, len(kindFields))
	for k := range kindFields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
