package grade

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// fieldSecondServer is set on starttls records: the attempt was at a
// server other than every one where an SMTP STARTTLS upgrade worked in
// the student's captures (question 1.2.8 asks for the second domain's
// servers, not the one of 1.2.7 again).
const fieldSecondServer = "second_server"

// server names the server of a STARTTLS attempt: its address and port,
// and the host name its greeting announced ("" when unknown).
type server struct{ endpoint, name string }

// serverOf is the server of session s, the zero server when unknown.
func serverOf(s *record.Session) server {
	if s == nil {
		return server{}
	}
	return server{endpoint: s.Server, name: greetingName(s.Greeting)}
}

// greetingName is the host name of a "220 mail.example.org ESMTP ..."
// greeting, lower case, "" when there is none.
func greetingName(greeting string) string {
	if len(greeting) < 4 || greeting[0] != '2' || greeting[3] != ' ' && greeting[3] != '-' {
		return ""
	}
	f := strings.Fields(greeting[4:])
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(strings.TrimRight(f[0], "."))
}

// same tells whether two servers are one: the same address and port,
// and no two different names in their greetings.
func (a server) same(b server) bool {
	return a.endpoint == b.endpoint && (a.name == "" || b.name == "" || a.name == b.name)
}

// markSecondServers sets second_server on every starttls record of the
// student's captures.
func markSecondServers(items []*item) {
	var upgraded []server
	for _, it := range items {
		if upgradedSMTP(it) {
			upgraded = append(upgraded, it.server)
		}
	}
	for _, it := range items {
		if it.kind != (&record.StartTLS{}).Kind() {
			continue
		}
		second := true
		for _, u := range upgraded {
			if it.server.same(u) {
				second = false
			}
		}
		it.fields[fieldSecondServer] = second
	}
}

// upgradedSMTP tells whether it is an SMTP STARTTLS that the server
// accepted and TLS followed (what earns 1.2.7).
func upgradedSMTP(it *item) bool {
	st, ok := it.rec.(*record.StartTLS)
	return ok && st.Proto == record.ProtoSMTP && st.Requested && st.Accepted && st.TLSSeen
}
