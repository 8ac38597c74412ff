package grade

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
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
	// Evidence says what tied each recipient to someone else.
	Evidence []Decision `json:"evidence"`
}

// Decision is whose one address is and what decided it.
type Decision struct {
	Address  string `json:"address"`
	Self     bool   `json:"self"`
	Other    string `json:"other_student,omitempty"`
	Evidence string `json:"evidence"` // roster, login, class, name; "" when undecided
	Detail   string `json:"detail,omitempty"`
}

func decision(r lab.Recipient) Decision {
	return Decision{Address: r.Address, Self: r.Owner.Self, Other: r.Owner.Other,
		Evidence: string(r.Owner.Evidence), Detail: r.Owner.Detail}
}

// identity gathers who the student is from their own captures: the
// roster's address and every login a server accepted.
func identity(id, email string, items []*item) *lab.Identity {
	me := &lab.Identity{ID: id, Roster: lab.Address(email), LoginFile: map[string]string{}}
	byFile := map[string][]record.Record{}
	var files []string
	for _, it := range items {
		if it.rec == nil {
			continue
		}
		if byFile[it.file] == nil {
			files = append(files, it.file)
		}
		byFile[it.file] = append(byFile[it.file], it.rec)
	}
	for _, f := range files {
		for _, l := range lab.Logins(byFile[f]) {
			if _, ok := me.LoginFile[l]; !ok {
				me.LoginFile[l] = f
				me.Logins = append(me.Logins, l)
			}
		}
		for _, a := range lab.Mailboxes(byFile[f]) {
			if _, ok := me.LoginFile[a]; !ok {
				me.LoginFile[a] = f
				me.Mailboxes = append(me.Mailboxes, a)
			}
		}
	}
	return me
}

// checkMessages fills the grader's fields of every message record from
// the one sender analysis (report/lab) and the student's identity, and
// returns the forged messages sent to others and the notes the feedback
// shows about who the student is.
func checkMessages(items []*item, me *lab.Identity, class *lab.Class) ([]*Forgery, []Note) {
	var out []*Forgery
	var notes []Note
	noted := map[string]bool{}
	note := func(n Note) {
		k := n.Key + "\x00" + strings.Join(n.Args, "\x00")
		if !noted[k] {
			noted[k] = true
			notes = append(notes, n)
		}
	}
	for _, it := range items {
		s := it.sender
		if it.kind != "message" || s == nil {
			continue
		}
		f := it.fields
		m := s.Message
		sent := m.Proto == record.ProtoSMTP && m.Direction == record.DirectionSent
		fromOwner := class.Owner(me, s.From)
		forged := sent && s.Unverified() && !fromOwner.Self
		rcpts := class.Recipients(me, m)
		self, undecided := 0, 0
		var others []string
		var ev []Decision
		for _, r := range rcpts {
			switch {
			case r.Owner.Self:
				self++
			case r.Owner.Decided():
				others = append(others, r.Address)
				ev = append(ev, decision(r))
			default:
				undecided++
			}
		}
		f[fieldSenderVerified] = s.Verified
		f[fieldFromDiffers] = sent && s.Envelope != "" && s.From != "" && s.Envelope != s.From
		f[fieldForged] = forged
		f[fieldToSelf] = sent && len(rcpts) > 0 && self == len(rcpts)
		f[fieldToOthers] = sent && len(others) > 0
		f[fieldRecipientUndecided] = sent && undecided > 0
		if !forged {
			continue
		}
		for _, r := range rcpts {
			switch {
			case r.Owner.Self:
				note(Note{Key: "grade.self." + string(r.Owner.Evidence), Args: []string{"address", r.Address, "detail", r.Owner.Detail}})
			case !r.Owner.Decided():
				note(Note{Key: "grade.self.undecided", Args: []string{"address", r.Address}})
			}
		}
		if len(others) > 0 {
			out = append(out, &Forgery{File: it.file, Frame: it.frame, Subject: m.Subject,
				From: m.From, EnvelopeFrom: m.EnvelopeFrom, Others: others, Evidence: ev})
		}
	}
	return out, notes
}

// Note is one sentence of the feedback about the student, translated
// from the catalogue key with its arguments.
type Note struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
