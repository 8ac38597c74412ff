package grade

import (
	"net/mail"
	"sort"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// Forgery is a message sent under another identity to someone other than
// the student. The lab forbids it (LOPPSI of 14 March 2011): the grader
// flags it in every output and never scores it as the lab step.
type Forgery struct {
	File         string   `json:"file"`
	Frame        int64    `json:"frame"`
	Subject      string   `json:"subject"`
	From         string   `json:"from"`
	EnvelopeFrom string   `json:"envelope_from"`
	Others       []string `json:"recipients_not_self"`
}

// selfAddresses are the student's own addresses: the one of students.csv
// when known, else every address they authenticated as or sent from.
func selfAddresses(email string, items []*item) map[string]bool {
	self := map[string]bool{}
	if email != "" {
		self[address(email)] = true
		return self
	}
	for _, it := range items {
		var vals []string
		switch it.kind {
		case "credential":
			if acc, ok := it.fields["accepted"].(bool); ok && !acc {
				continue
			}
			vals = lookup(it.fields, []string{"username"})
		case "message":
			if it.fields["direction"] == string(record.DirectionSent) {
				vals = append(lookup(it.fields, []string{"auth_user"}), lookup(it.fields, []string{"envelope_from"})...)
			}
		}
		for _, v := range vals {
			if a := address(v); a != "" {
				self[a] = true
			}
		}
	}
	return self
}

// checkMessages fills the grader's fields of every message record
// (forged, from_differs_from_envelope, to_self) and returns the forged
// messages sent to others.
func checkMessages(items []*item, self map[string]bool, email string) []*Forgery {
	var out []*Forgery
	for _, it := range items {
		if it.kind != "message" {
			continue
		}
		f := it.fields
		from := address(str(f["from"]))
		env := address(str(f["envelope_from"]))
		differs := from != "" && env != "" && from != env
		forged := differs || email != "" && from != "" && from != address(email)
		rcpts := lookup(f, []string{"envelope_to"})
		if len(rcpts) == 0 {
			rcpts = lookup(f, []string{"to"})
		}
		var others []string
		for _, r := range rcpts {
			if a := address(r); a != "" && !self[a] {
				others = append(others, a)
			}
		}
		sent := f["direction"] == string(record.DirectionSent)
		f[fieldFromDiffers] = sent && differs
		f[fieldForged] = sent && forged
		f[fieldToSelf] = sent && len(rcpts) > 0 && len(others) == 0
		if sent && forged && len(others) > 0 {
			sort.Strings(others)
			out = append(out, &Forgery{File: it.file, Frame: it.frame, Subject: str(f["subject"]),
				From: str(f["from"]), EnvelopeFrom: str(f["envelope_from"]), Others: others})
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// address returns the lower-case address of a header value or envelope
// path ("James Bond <jb@mi6.example>", "<a@b>", "a@b").
func address(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || s == "<>" {
		return ""
	}
	if a, err := mail.ParseAddress(s); err == nil {
		return strings.ToLower(a.Address)
	}
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
		if j := strings.IndexByte(s, '>'); j >= 0 {
			s = s[:j]
		}
	}
	return strings.ToLower(strings.TrimSpace(s))
}
