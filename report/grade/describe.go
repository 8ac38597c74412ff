package grade

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
)

// describe says in one line what a record shows, for the feedback. It
// never shows a secret: credentials are described by user name only.
func describe(rec record.Record) string {
	s := func(v string) string { return report.Sanitize(v, 80) }
	switch r := rec.(type) {
	case *record.Capture:
		return fmt.Sprintf("capture %s, %d packets", s(filepath.Base(r.File)), r.Packets)
	case *record.Session:
		return fmt.Sprintf("%s connection %s -> %s (%s)", up(r.Proto), s(r.Client), s(r.Server), r.Security)
	case *record.Command:
		out := up(r.Proto) + " " + s(r.Verb)
		if r.Args != "" {
			out += " " + s(r.Args)
		}
		if r.Status != "" {
			out += " -> " + s(r.Status)
		}
		return out
	case *record.Credential:
		return fmt.Sprintf("%s %s login as %s", up(r.Proto), s(r.Mechanism), s(r.Username))
	case *record.StartTLS:
		return fmt.Sprintf("%s STARTTLS requested=%t accepted=%t tls_seen=%t", up(r.Proto), r.Requested, r.Accepted, r.TLSSeen)
	case *record.TLS:
		return fmt.Sprintf("TLS %s %s", s(r.Version), s(r.SNI))
	case *record.Message:
		out := fmt.Sprintf("%s message %s %q from %s", up(r.Proto), r.Direction, s(r.Subject), s(r.From))
		if len(r.EnvelopeTo) > 0 {
			out += " to " + s(strings.Join(r.EnvelopeTo, ", "))
		}
		if r.SMIME != "" && r.SMIME != "none" {
			out += ", S/MIME " + r.SMIME
		}
		for _, a := range r.Attachments {
			out += ", attachment " + s(a.ContentType)
		}
		return out
	case *record.Mailbox:
		return fmt.Sprintf("IMAP mailbox %s %s", s(r.Command), s(r.Name))
	case *record.DNS:
		return fmt.Sprintf("DNS %s %s", s(r.Type), s(r.Name))
	case *record.Finding:
		return fmt.Sprintf("finding %s: %s", s(string(r.ID)), s(r.Title))
	}
	return rec.Kind()
}

func up(p record.Proto) string { return strings.ToUpper(report.Sanitize(string(p), 10)) }
