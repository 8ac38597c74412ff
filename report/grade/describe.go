package grade

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/findings"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/lab"
)

// describe says in one line, in tr's language, what a record shows, for
// the feedback. It never shows a secret: credentials are described by
// user name only, and every piece of wire text is sanitised.
func describe(tr i18n.Tr, rec record.Record) string {
	s := func(v string) string { return report.Sanitize(v, 80) }
	switch r := rec.(type) {
	case *record.Capture:
		return tr.T("grade.what.capture", "file", s(filepath.Base(r.File)), "packets", strconv.FormatInt(r.Packets, 10))
	case *record.Session:
		return tr.T("grade.what.session", "proto", up(r.Proto), "client", s(r.Client), "server", s(r.Server),
			"security", security(tr, r.Security))
	case *record.Command:
		status := ""
		if r.Status != "" {
			status = " -> " + s(r.Status)
		}
		return strings.Join(strings.Fields(tr.T("grade.what.command", "proto", up(r.Proto), "verb", s(r.Verb),
			"args", s(r.Args), "status", status)), " ")
	case *record.Credential:
		return tr.T("grade.what.credential", "proto", up(r.Proto), "mechanism", s(r.Mechanism), "user", s(r.Username))
	case *record.StartTLS:
		return tr.T("grade.what.starttls", "proto", up(r.Proto), "state", starttlsState(tr, r))
	case *record.TLS:
		return strings.TrimSpace(tr.T("grade.what.tls", "version", s(r.Version), "sni", s(r.SNI)))
	case *record.Message:
		return describeMessage(tr, r, s)
	case *record.Mailbox:
		return tr.T("grade.what.mailbox", "command", s(r.Command), "name", s(r.Name))
	case *record.DNS:
		return tr.T("grade.what.dns", "type", s(r.Type), "name", s(r.Name))
	case *record.Finding:
		title := s(r.Title)
		if lab.HasReasons(r.Args) {
			title, _ = findings.Text(tr, r.ID, r.Args, s)
		} else if t, _, ok := tr.FindingText(&record.Finding{ID: r.ID, Args: cleanArgs(r.Args, s)}); ok && (tr.Lang() != "en" || title == "") {
			title = t
		}
		return tr.T("grade.what.finding", "id", s(string(r.ID)), "title", title)
	}
	return rec.Kind()
}

func describeMessage(tr i18n.Tr, r *record.Message, s func(string) string) string {
	to, smime, att := "", "", ""
	if len(r.EnvelopeTo) > 0 {
		to = tr.T("grade.what.to", "to", s(strings.Join(r.EnvelopeTo, ", ")))
	}
	if r.SMIME != "" && r.SMIME != "none" {
		key := "smime." + r.SMIME
		if !tr.Has(key) {
			key = "smime.other"
		}
		smime = tr.T("grade.what.smime", "smime", tr.T(key))
	}
	for _, a := range r.Attachments {
		att += tr.T("grade.what.attachment", "type", s(a.ContentType))
	}
	subject := s(r.Subject)
	if subject == "" {
		subject = tr.T("message.no-subject")
	}
	return tr.T("grade.what.message", "proto", up(r.Proto), "direction", direction(tr, r.Direction),
		"subject", subject, "from", s(r.From), "to", to, "smime", smime, "attachments", att)
}

func cleanArgs(args map[string]string, s func(string) string) map[string]string {
	out := map[string]string{}
	for k, v := range args {
		out[k] = s(v)
	}
	return out
}

func direction(tr i18n.Tr, d record.Direction) string {
	if d.Valid() {
		return tr.T("direction." + string(d))
	}
	return tr.T("direction.other")
}

func security(tr i18n.Tr, sec record.Security) string {
	if sec.Valid() {
		return tr.T("security." + string(sec))
	}
	return tr.T("security.unknown")
}

func starttlsState(tr i18n.Tr, st *record.StartTLS) string {
	switch {
	case st.Requested && st.Accepted && st.TLSSeen:
		return tr.T("grade.starttls.upgraded")
	case st.Requested && st.Accepted:
		return tr.T("grade.starttls.no-tls")
	case st.Requested:
		return tr.T("grade.starttls.refused", "reply", report.Sanitize(st.Reply, 80))
	case st.Offered != nil && !*st.Offered:
		return tr.T("grade.starttls.not-offered")
	}
	return tr.T("grade.starttls.not-asked")
}

func up(p record.Proto) string { return strings.ToUpper(report.Sanitize(string(p), 10)) }
