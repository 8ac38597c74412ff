package lab

import (
	"sort"
	"strings"
	"unicode"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/record"
)

// Evidence says how an address was tied to a student, strongest first.
type Evidence string

const (
	// ByRoster: the address is the student's in the roster (--students).
	ByRoster Evidence = "roster"
	// ByLogin: the student logged in with it (IMAP LOGIN, POP3 USER,
	// SMTP AUTH) and the server accepted, in the student's own captures.
	ByLogin Evidence = "login"
	// ByMailbox: every message the student read in a mailbox they logged
	// in to was addressed to it (the owner of the mailbox).
	ByMailbox Evidence = "mailbox"
	// ByClass: it logs in, or is the mailbox read, in another student's
	// captures, so it is theirs.
	ByClass Evidence = "class"
	// ByEnvelope: the recipient is the envelope sender (MAIL FROM) of a
	// message whose From says someone else: the sender's own address.
	ByEnvelope Evidence = "envelope"
	// ByName: the student id reads as the address's name (moreaul and
	// lea.moreau@...).
	ByName Evidence = "name"
)

// Identity is who a student is as far as their captures tell.
type Identity struct {
	ID     string // the student id ("" outside grading)
	Roster string // address from the roster, lower case
	// Logins are the user names the servers accepted in the student's
	// captures, lower case; a bare name ("alice") stands for every
	// address with that local part.
	Logins []string
	// LoginFile names, for each login or mailbox, the capture where it
	// was seen.
	LoginFile map[string]string
	// Mailboxes are the addresses of the mailboxes the student read.
	Mailboxes []string
}

// Mailboxes lists the addresses of the mailboxes read in recs: for each
// session where a login was accepted, the addresses every fetched
// message was sent to (To, Cc).
func Mailboxes(recs []record.Record) []string {
	logged := map[string]bool{}
	bySession := map[string][]*record.Message{}
	var order []string
	for _, r := range recs {
		switch r := r.(type) {
		case *record.Session:
			if r.AuthUser != "" {
				logged[r.ID] = true
			}
		case *record.Message:
			if r.Direction == record.DirectionFetched && r.Partial == "" {
				if bySession[r.Session] == nil {
					order = append(order, r.Session)
				}
				bySession[r.Session] = append(bySession[r.Session], r)
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, sid := range order {
		if !logged[sid] {
			continue
		}
		var common map[string]bool
		for _, m := range bySession[sid] {
			here := map[string]bool{}
			for _, a := range append(append([]string{}, m.To...), m.Cc...) {
				if a := Address(a); a != "" && (common == nil || common[a]) {
					here[a] = true
				}
			}
			common = here
		}
		for _, a := range sortedKeys(common) {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Logins lists the user names servers accepted in recs, in order.
func Logins(recs []record.Record) []string {
	var out []string
	seen := map[string]bool{}
	add := func(u string) {
		u = strings.ToLower(strings.TrimSpace(u))
		if u != "" && !seen[u] && !strings.ContainsAny(u, " \t*") {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, r := range recs {
		switch r := r.(type) {
		case *record.Credential:
			if r.Accepted != nil && *r.Accepted {
				add(r.Username)
			}
		case *record.Session:
			add(r.AuthUser)
		}
	}
	return out
}

// Owner is whose an address is, and what decided it.
type Owner struct {
	Self     bool     // the student's own address
	Other    string   // another student's id, when Self is false and known
	Evidence Evidence // "" when nothing decides
	Detail   string   // the login, file or roster address that decided
}

// Decided tells whether anything tied the address to someone.
func (o Owner) Decided() bool { return o.Evidence != "" }

// Class is every student's identity, so that an address that logs in
// in one student's captures is known to be theirs in everyone else's.
type Class struct {
	byID []*Identity
}

// NewClass gathers the identities of a class.
func NewClass(ids []*Identity) *Class { return &Class{byID: ids} }

// Owner decides whose addr is for the student id, in the order of the
// evidence: roster, the student's own logins, another student's logins
// or roster entry, then the student ids read as names.
func (c *Class) Owner(me *Identity, addr string) Owner {
	addr = strings.ToLower(addr)
	if addr == "" {
		return Owner{}
	}
	if me.Roster != "" {
		if addr == me.Roster {
			return Owner{Self: true, Evidence: ByRoster, Detail: me.Roster}
		}
		for _, o := range c.others(me) {
			if o.Roster == addr {
				return Owner{Other: o.ID, Evidence: ByRoster, Detail: o.Roster}
			}
		}
	}
	if l := me.login(addr); l != "" {
		return Owner{Self: true, Evidence: ByLogin, Detail: l}
	}
	if me.reads(addr) {
		return Owner{Self: true, Evidence: ByMailbox, Detail: me.LoginFile[addr]}
	}
	if me.Roster != "" {
		// The roster names the student's address: any other address is
		// not theirs, whoever it belongs to.
		return Owner{Evidence: ByRoster, Detail: me.Roster}
	}
	for _, o := range c.others(me) {
		if l := o.login(addr); l != "" {
			return Owner{Other: o.ID, Evidence: ByClass, Detail: o.LoginFile[l]}
		}
		if o.reads(addr) {
			return Owner{Other: o.ID, Evidence: ByClass, Detail: o.LoginFile[addr]}
		}
	}
	if me.ID != "" && NameMatches(me.ID, addr) {
		return Owner{Self: true, Evidence: ByName, Detail: me.ID}
	}
	for _, o := range c.others(me) {
		if NameMatches(o.ID, addr) {
			return Owner{Other: o.ID, Evidence: ByName, Detail: o.ID}
		}
	}
	return Owner{}
}

func (c *Class) others(me *Identity) []*Identity {
	if c == nil {
		return nil
	}
	var out []*Identity
	for _, o := range c.byID {
		if o != me && o.ID != me.ID {
			out = append(out, o)
		}
	}
	return out
}

// login returns the login that proves addr is the student's, or "".
func (id *Identity) login(addr string) string {
	for _, l := range id.Logins {
		if ownsAddress(l, addr) {
			return l
		}
	}
	return ""
}

// reads tells whether addr is a mailbox the student read.
func (id *Identity) reads(addr string) bool {
	for _, a := range id.Mailboxes {
		if a == addr {
			return true
		}
	}
	return false
}

// NameMatches tells whether a student id reads as the name of an
// address: the usual school ids are the surname followed by initials
// (moreaul for lea.moreau@...), the initial then the surname, or the
// local part itself.
func NameMatches(id, addr string) bool {
	id = letters(id)
	local := address.Local(strings.ToLower(addr))
	if id == "" || local == "" {
		return false
	}
	if id == letters(local) {
		return true
	}
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	if len(parts) < 2 {
		return false
	}
	first, last := letters(parts[0]), letters(strings.Join(parts[1:], ""))
	if len(first) == 0 || len(last) < 2 {
		return false
	}
	for k := 1; k <= len(first); k++ {
		if id == last+first[:k] || id == first[:k]+last {
			return true
		}
	}
	return id == last+first || id == first+last
}

// letters keeps the lower-case ASCII letters of s, accents dropped
// (é -> e), so that ids and addresses compare as the school writes them.
func letters(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case unicode.IsLetter(r):
			if a, ok := unaccent[r]; ok {
				b.WriteRune(a)
			}
		}
	}
	return b.String()
}

var unaccent = map[rune]rune{'à': 'a', 'â': 'a', 'ä': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'î': 'i', 'ï': 'i', 'ô': 'o', 'ö': 'o', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ÿ': 'y'}

// Recipients decides, for every recipient of a sent message, whose it
// is; the result is sorted by address.
func (c *Class) Recipients(me *Identity, m *record.Message) []Recipient {
	rcpts := m.EnvelopeTo
	if len(rcpts) == 0 {
		rcpts = m.To
	}
	seen := map[string]bool{}
	var out []Recipient
	for _, r := range rcpts {
		a := Address(r)
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		o := c.Owner(me, a)
		if env := Address(m.EnvelopeFrom); !o.Decided() && a == env && env != Address(m.From) {
			// The sender kept their own address in MAIL FROM under a
			// forged From, and sent to it.
			o = Owner{Self: true, Evidence: ByEnvelope, Detail: env}
		}
		out = append(out, Recipient{Address: a, Owner: o})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// Recipient is one address a message went to and whose it is.
type Recipient struct {
	Address string
	Owner   Owner
}
