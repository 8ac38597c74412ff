package grade

import (
	"encoding/json"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
	"sort"
	"strconv"
	"strings"
)

// item is one record of a student as the rubric sees it: its JSON fields
// (secrets removed), the capture file it came from, and its place in
// that file.
type item struct {
	file   string
	fileNo int   // index of the file among the student's files
	frame  int64 // packet of the first byte, for the evidence
	order  int   // position in the student's records, in capture order
	kind   string
	fields map[string]any
	what   string // one-line description for the feedback
	rec    record.Record
	sender *lab.Sender // messages only: the sender analysis
	server server      // starttls only: the server of its session
}

// eval tells whether c holds over items and returns the records that
// prove it, in capture order.
func (c *Cond) eval(items []*item) (bool, []*item) {
	switch {
	case c.All != nil:
		var ev []*item
		for _, s := range c.All {
			ok, e := s.eval(items)
			if !ok {
				return false, nil
			}
			ev = append(ev, e...)
		}
		return true, sortItems(ev)
	case c.Any != nil:
		met := false
		var ev []*item
		for _, s := range c.Any {
			if ok, e := s.eval(items); ok {
				met = true
				ev = append(ev, e...)
			}
		}
		return met, sortItems(ev)
	case c.Sequence != nil:
		return c.evalSequence(items)
	}
	var ev []*item
	for _, it := range items {
		if c.matches(it) {
			ev = append(ev, it)
		}
	}
	return len(ev) >= c.CountAtLeast, ev
}

// matches tells whether one record passes the kind and every test.
func (c *Cond) matches(it *item) bool {
	if c.Kind != "" && c.Kind != it.kind {
		return false
	}
	for _, t := range c.Tests {
		if !t.pass(it.fields) {
			return false
		}
	}
	return true
}

// evalSequence finds records matching each step in order within one
// capture file. Taking the earliest match of each step after the
// previous one finds a chain whenever one exists.
func (c *Cond) evalSequence(items []*item) (bool, []*item) {
	for start, first := range items {
		if !c.Sequence[0].matches(first) {
			continue
		}
		chain := []*item{first}
		next := start + 1
		for _, step := range c.Sequence[1:] {
			found := false
			for ; next < len(items) && items[next].fileNo == first.fileNo; next++ {
				if step.matches(items[next]) {
					chain = append(chain, items[next])
					next++
					found = true
					break
				}
			}
			if !found {
				break
			}
		}
		if len(chain) == len(c.Sequence) {
			return true, chain
		}
	}
	return false, nil
}

// sortItems orders evidence by capture order and drops repeats.
func sortItems(in []*item) []*item {
	seen := map[*item]bool{}
	var out []*item
	for _, it := range in {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}

// pass compares the field's values as text: a list passes when one of its
// elements does, and an absent field reads as empty, false, 0 or null.
func (t *Test) pass(fields map[string]any) bool {
	vals := lookup(fields, t.Path)
	missing := len(vals) == 0
	if missing {
		vals = []string{""}
	}
	for _, v := range vals {
		switch t.Op {
		case "match":
			if t.Re.MatchString(v) {
				return true
			}
		default:
			for _, want := range t.Values {
				w := text(want)
				if strings.EqualFold(v, w) || missing && isZero(w) {
					return true
				}
			}
		}
	}
	return false
}

func isZero(s string) bool {
	return s == "" || s == "false" || s == "0" || s == "null"
}

// lookup returns the text of every value at path, descending into lists.
func lookup(v any, path []string) []string {
	if len(path) == 0 {
		if l, ok := v.([]any); ok {
			var out []string
			for _, e := range l {
				out = append(out, text(e))
			}
			return out
		}
		return []string{text(v)}
	}
	switch x := v.(type) {
	case map[string]any:
		e, ok := x[path[0]]
		if !ok {
			return nil
		}
		return lookup(e, path[1:])
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, lookup(e, path)...)
		}
		return out
	}
	return nil
}

// text is the canonical text of a JSON value.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
