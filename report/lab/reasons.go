package lab

import (
	"sort"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/report/i18n"
)

// ReasonIDs lists every reason Senders gives; each is translated by the
// catalogue key "sender." + id.
func ReasonIDs() []string {
	return []string{"no-auth", "auth-matches", "auth-differs", "envelope-same", "envelope-differs", "helo",
		"display-name", "reply-to", "return-path", "no-dkim", "dkim-body-match", "dkim-body-mismatch", "dkim-unchecked",
		"dkim-valid", "dkim-invalid",
		"delivered"}
}

// reasonsArg is the finding argument that lists the reason ids.
const reasonsArg = "sender_reasons"

// HasReasons tells whether a finding's arguments carry sender reasons.
func HasReasons(args map[string]string) bool {
	_, ok := args[reasonsArg]
	return ok
}

// ReasonArgs writes reasons into a finding's arguments: "sender_reasons"
// lists their ids in order and "<i>.<name>" holds the arguments of the i-th.
func ReasonArgs(args map[string]string, reasons []Reason) {
	ids := make([]string, len(reasons))
	for i, r := range reasons {
		ids[i] = r.ID
		for k, v := range r.Args {
			args[strconv.Itoa(i)+"."+k] = v
		}
	}
	args[reasonsArg] = strings.Join(ids, ",")
}

// ReasonsOf reads back the reasons ReasonArgs wrote.
func ReasonsOf(args map[string]string) []Reason {
	if args[reasonsArg] == "" {
		return nil
	}
	var out []Reason
	for i, id := range strings.Split(args[reasonsArg], ",") {
		r := Reason{ID: id, Args: map[string]string{}}
		prefix := strconv.Itoa(i) + "."
		for k, v := range args {
			if name, ok := strings.CutPrefix(k, prefix); ok {
				r.Args[name] = v
			}
		}
		out = append(out, r)
	}
	return out
}

// Sentence translates one reason; clean is applied to every argument
// (the caller's sanitiser for wire text).
func (r Reason) Sentence(tr i18n.Tr, clean func(string) string) string {
	args := map[string]string{}
	for k, v := range r.Args {
		args[k] = clean(v)
	}
	s, ok := tr.Fill("sender."+r.ID, args)
	if !ok {
		return clean(r.ID)
	}
	return s
}

// sentence is the reason as a line of the 1.2.5 answer.
func (r Reason) sentence() Sentence {
	names := make([]string, 0, len(r.Args))
	for k := range r.Args {
		names = append(names, k)
	}
	sort.Strings(names)
	s := Sentence{Kind: KindReason, Key: "sender." + r.ID, Text: wire(r.ID, maxShort)}
	for _, k := range names {
		s.Args = append(s.Args, Arg{Name: k, Value: wire(r.Args[k], maxShort)})
	}
	return s
}

// ReasonsText is every reason as one paragraph.
func ReasonsText(tr i18n.Tr, reasons []Reason, clean func(string) string) string {
	var parts []string
	for _, r := range reasons {
		parts = append(parts, r.Sentence(tr, clean))
	}
	return strings.Join(parts, " ")
}
