package findings

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

// cleartextCredentials: a login an eavesdropper could read or crack.
func cleartextCredentials(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, c := range ix.creds {
		if !ix.exposed(c.Session, c.Packet) || nothingSent(c) {
			continue
		}
		detail := i18n.RecordText("cleartext-credentials.detail")
		if !c.Recoverable {
			detail = i18n.RecordText("cleartext-credentials.detail.challenge")
		}
		f := newFinding(CleartextCredentials, record.SeverityHigh, c.Session,
			i18n.RecordText("cleartext-credentials.title", "proto", strings.ToUpper(string(c.Proto)),
				"user_q", strconv.Quote(c.Username), "mechanism", c.Mechanism),
			detail, []int64{c.Packet, c.SecretPacket, c.ReplyPacket},
			map[string]string{"proto": strings.ToUpper(string(c.Proto)), "user": c.Username, "mechanism": c.Mechanism,
				"recoverable": strconv.FormatBool(c.Recoverable)})
		if c.SecretPacket > 0 {
			// Cited where the secret crossed, not at the AUTH command.
			f.Packet = c.SecretPacket
		}
		out = append(out, f)
	}
	return out
}

// ChallengeResponse reports the mechanisms where the password never
// crosses the wire, only a proof of it that can be cracked offline.
func ChallengeResponse(mechanism string) bool {
	m := strings.ToUpper(mechanism)
	switch {
	case m == "CRAM-MD5", m == "DIGEST-MD5", m == "APOP", m == "NTLM", strings.HasPrefix(m, "SCRAM-"):
		return true
	}
	return false
}

// nothingSent reports an exchange abandoned before the client said who
// it was or gave a secret: there is nothing to leak.
func nothingSent(c *record.Credential) bool {
	return c.Username == "" && c.PasswordLen == 0 && c.Hash == "" && !ChallengeResponse(c.Mechanism)
}

// cleartextMessages: a message whose headers and body crossed in clear.
func cleartextMessages(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, m := range ix.messages {
		if !ix.exposed(m.Session, m.Packet) {
			continue
		}
		sev, detail := record.SeverityMedium, i18n.RecordText("cleartext-message.detail")
		if encrypted(m) {
			sev, detail = record.SeverityLow, i18n.RecordText("cleartext-message.detail.encrypted")
		}
		out = append(out, newFinding(CleartextMessage, sev, m.Session,
			i18n.RecordText("cleartext-message.title", "subject_q", strconv.Quote(m.Subject), "direction", string(m.Direction)),
			detail, []int64{m.Packet, m.EndPacket},
			map[string]string{"subject": m.Subject, "from": m.From, "direction": string(m.Direction),
				"proto": strings.ToUpper(string(m.Proto))}))
	}
	return out
}

// attachmentsExposed: files an eavesdropper can rebuild byte for byte.
func attachmentsExposed(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, m := range ix.messages {
		if !ix.exposed(m.Session, m.Packet) {
			continue
		}
		names := userAttachments(m)
		if len(names) == 0 {
			continue
		}
		list := strings.Join(names, ", ")
		out = append(out, newFinding(AttachmentExposed, record.SeverityMedium, m.Session,
			i18n.RecordText("attachment-exposed.title", "files", list),
			i18n.RecordText("attachment-exposed.detail"),
			[]int64{m.Packet, m.EndPacket},
			map[string]string{"files": list, "count": strconv.Itoa(len(names)), "subject": m.Subject}))
	}
	return out
}

// userAttachments names the files of m, leaving out the S/MIME structure
// (signature and envelope parts are not something the user attached).
func userAttachments(m *record.Message) []string {
	var names []string
	for _, a := range m.Attachments {
		if isSMIMEPart(a.ContentType) {
			continue
		}
		name := a.Filename
		if name == "" {
			name = "(" + a.ContentType + ")"
		}
		names = append(names, name)
	}
	return names
}

func isSMIMEPart(contentType string) bool {
	ct := strings.ToLower(contentType)
	return strings.Contains(ct, "pkcs7-signature") || strings.Contains(ct, "pkcs7-mime")
}

func encrypted(m *record.Message) bool {
	return strings.Contains(m.SMIME, "encrypted")
}

func signed(m *record.Message) bool {
	return strings.Contains(m.SMIME, "signed") && !strings.HasPrefix(m.SMIME, "pgp")
}
