// Package grade grades a class: it reads each student's captures, checks
// them against a rubric of lab steps, and writes grades and per-student
// feedback that point at the frames proving each step. Secrets never
// reach its output: records are redacted by the pipeline and the fields
// that describe a secret are dropped before any matching.
package grade

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/mailwire/mailwire/report/lab"
	"gopkg.in/yaml.v3"
)

// builtinRubric is the TP4 rubric, kept with the rest of what mailwire
// knows of the lab (report/lab).
var builtinRubric = lab.Rubric()

// BuiltinRubric returns the text of the TP4 rubric, for printing and
// editing.
func BuiltinRubric() []byte { return lab.Rubric() }

// Rubric is a list of criteria, each worth some points.
type Rubric struct {
	Name     string
	Criteria []*Criterion
	// Domains are the mail domains the lab names (its MX question); a
	// DNS record about one of them, or about the student's own domain,
	// gets lab_domain: true.
	Domains []string
}

// Criterion is one lab step and the condition that proves it was done.
type Criterion struct {
	ID       string
	Question string // lab question, e.g. "1.1.3"
	Title    Text
	Points   float64
	Hint     Text // what to capture next time when it is missed
	Note     Text // what the student observed, shown when it is met
	When     *Cond
	Line     int
}

// Text is a string in English and French; a plain string is both.
type Text struct{ En, Fr string }

// In returns the text in lang, falling back to English.
func (t Text) In(lang string) string {
	if lang == "fr" && t.Fr != "" {
		return t.Fr
	}
	return t.En
}

// MaxPoints is the sum of the points of every criterion.
func (r *Rubric) MaxPoints() float64 {
	var n float64
	for _, c := range r.Criteria {
		n += c.Points
	}
	return n
}

// LoadRubric reads a rubric file, or the built-in one when path is "".
func LoadRubric(path string) (*Rubric, error) {
	if path == "" {
		return ParseRubric("tp4.yaml", builtinRubric)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseRubric(path, b)
}

// ParseRubric parses a rubric; errors name the file and the line.
func ParseRubric(name string, data []byte) (*Rubric, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the rubric is empty", name)
	}
	r, err := parseRubric(doc.Content[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// lineError is an error at one line of the rubric.
func lineError(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("line %d: %s", n.Line, fmt.Sprintf(format, args...))
}

func parseRubric(n *yaml.Node) (*Rubric, error) {
	if n.Kind != yaml.MappingNode {
		return nil, lineError(n, "the rubric must be a mapping with name and criteria")
	}
	r := &Rubric{}
	var crit *yaml.Node
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			r.Name = v.Value
		case "criteria":
			crit = v
		case "domains":
			if v.Decode(&r.Domains) != nil {
				return nil, lineError(v, "domains must be a list of domain names")
			}
			for i, d := range r.Domains {
				r.Domains[i] = strings.ToLower(strings.Trim(strings.TrimSpace(d), "."))
			}
		default:
			return nil, lineError(k, "unknown key %q (expected name, domains or criteria)", k.Value)
		}
	}
	if crit == nil || crit.Kind != yaml.SequenceNode || len(crit.Content) == 0 {
		return nil, lineError(n, "the rubric has no criteria list")
	}
	seen := map[string]int{}
	for _, cn := range crit.Content {
		c, err := parseCriterion(cn)
		if err != nil {
			return nil, err
		}
		if l, dup := seen[c.ID]; dup {
			return nil, lineError(cn, "criterion id %q is already used at line %d", c.ID, l)
		}
		seen[c.ID] = cn.Line
		r.Criteria = append(r.Criteria, c)
	}
	return r, nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func parseCriterion(n *yaml.Node) (*Criterion, error) {
	if n.Kind != yaml.MappingNode {
		return nil, lineError(n, "a criterion must be a mapping with id, question, title, points and when")
	}
	c := &Criterion{Line: n.Line, Points: 1}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "id":
			c.ID = v.Value
		case "question":
			c.Question = v.Value
		case "title":
			c.Title, err = parseText(v)
		case "hint":
			c.Hint, err = parseText(v)
		case "note":
			c.Note, err = parseText(v)
		case "points":
			err = v.Decode(&c.Points)
			if err != nil || c.Points < 0 {
				err = lineError(v, "points must be a number >= 0, not %q", v.Value)
			}
		case "when":
			c.When, err = parseCond(v)
		default:
			err = lineError(k, "unknown key %q in a criterion (expected id, question, title, points, hint, note, when)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case !idPattern.MatchString(c.ID):
		return nil, lineError(n, "criterion id %q must be lower case letters, digits, '.', '_' or '-'", c.ID)
	case c.Title.En == "":
		return nil, lineError(n, "criterion %q has no title", c.ID)
	case c.When == nil:
		return nil, lineError(n, "criterion %q has no when condition", c.ID)
	}
	return c, nil
}

func parseText(n *yaml.Node) (Text, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return Text{En: n.Value, Fr: n.Value}, nil
	case yaml.MappingNode:
		var t Text
		for i := 0; i < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "en":
				t.En = v.Value
			case "fr":
				t.Fr = v.Value
			default:
				return t, lineError(k, "unknown language %q (expected en or fr)", k.Value)
			}
		}
		if t.En == "" {
			t.En = t.Fr
		}
		return t, nil
	}
	return Text{}, lineError(n, "expected a text or a mapping of en and fr texts")
}
