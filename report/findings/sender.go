package findings

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/lab"
)

// SpoofedSender is the id of messages whose own headers point elsewhere.
const SpoofedSender = record.FindingSpoofedSender

// senders raises, for every message sent over SMTP whose sender nothing
// proves, a sender-unverified finding that says why; and, for any message
// whose own headers point at another sender (display name, Return-Path,
// Reply-To), a spoofed-sender finding. Both read lab.Senders, the one
// analysis of sender authenticity that the report and the grader share.
func senders(ix *index) []*record.Finding {
	en := i18n.New("en")
	var out []*record.Finding
	for _, s := range lab.Senders(ix.recs) {
		m := s.Message
		var id record.FindingID
		var sev record.Severity
		switch {
		case s.Unverified():
			id, sev = SenderUnverified, record.SeverityMedium
			if s.Contradicted {
				sev = record.SeverityHigh
			}
		case s.Contradicted:
			id, sev = SpoofedSender, record.SeverityMedium
		case hasReason(s, "reply-to"):
			id, sev = SpoofedSender, record.SeverityInfo
		default:
			continue
		}
		args := map[string]string{"from": m.From, "subject": m.Subject, "direction": string(m.Direction),
			"proto": strings.ToUpper(string(m.Proto))}
		if m.EnvelopeFrom != "" {
			args["envelope_from"] = m.EnvelopeFrom
		}
		if s.AuthUser != "" {
			args["auth_user"] = s.AuthUser
		}
		lab.ReasonArgs(args, s.Reasons)
		title, detail := Text(en, id, args, func(v string) string { return v })
		out = append(out, newFinding(id, sev, m.Session, title, detail,
			[]int64{m.Packet, m.EndPacket}, args))
	}
	return out
}

func hasReason(s *lab.Sender, id string) bool {
	for _, r := range s.Reasons {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Text is the title and detail of a sender finding in tr's language;
// clean sanitises the wire text of its arguments.
func Text(tr i18n.Tr, id record.FindingID, args map[string]string, clean func(string) string) (title, detail string) {
	a := map[string]string{}
	for k, v := range args {
		a[k] = clean(v)
	}
	if a["subject"] == "" {
		a["subject"] = tr.T("message.no-subject")
	}
	a["reasons"] = lab.ReasonsText(tr, lab.ReasonsOf(args), clean)
	title, _ = tr.Fill("finding."+string(id)+".title", a)
	detail, _ = tr.Fill("finding."+string(id)+".detail", a)
	return title, detail
}
