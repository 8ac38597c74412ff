package message

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// spoofDetail is why a forged sender matters, said once for all checks.
const spoofDetail = "SMTP never checks the header From against the envelope sender or the login: any client can write any From, and mail clients show only the header."

// SpoofFindings compares who a message claims to be from with who really
// sent it: the envelope sender (MAIL FROM), the authenticated user, the
// Return-Path, the Reply-To, and display names that hold another address.
// Call it after the caller filled EnvelopeFrom, EnvelopeTo and AuthUser.
func SpoofFindings(m *record.Message) []*record.Finding {
	name, from := splitAddress(m.From)
	if from == "" {
		return nil
	}
	args := map[string]string{"from": m.From}
	var out []*record.Finding
	add := func(sev record.Severity, check, title, detail string) {
		a := map[string]string{"check": check}
		for k, v := range args {
			a[k] = v
		}
		out = append(out, &record.Finding{
			ID: record.FindingSpoofedSender, Severity: sev, Title: title,
			Session: m.Session, Packet: m.Packet, Frames: frames(m),
			Lab: "1.2.5", Detail: detail + " " + spoofDetail, Args: a,
		})
	}
	if env := envelopeSender(m.EnvelopeFrom); env != "" {
		args["envelope_from"] = env
		if sev, differs := compareAddr(from, env); differs {
			add(sev, "envelope", fmt.Sprintf("Header From %s differs from the envelope sender %s", from, env),
				fmt.Sprintf("The message says it is from %s but MAIL FROM gave %s.", from, env))
		}
	} else if rp := envelopeSender(m.ReturnPath); rp != "" && m.EnvelopeFrom == "" {
		args["return_path"] = rp
		if !sameDomain(from, rp) {
			add(record.SeverityMedium, "return_path", fmt.Sprintf("Header From %s differs from the Return-Path %s", from, rp),
				fmt.Sprintf("The delivering server recorded the envelope sender %s in Return-Path, a different domain from the From %s (mailing lists and bounce services do this too).", rp, from))
		}
	}
	// Whoever fetches a message is its reader, not its author: the login
	// is compared only for messages the user sent or appended.
	if m.AuthUser != "" && m.Direction != record.DirectionFetched {
		args["auth_user"] = m.AuthUser
		if sev, differs := compareAuth(from, m.AuthUser); differs {
			add(sev, "auth_user", fmt.Sprintf("Header From %s is not the authenticated user %s", from, m.AuthUser),
				fmt.Sprintf("The client logged in as %s and sent a message claiming to be from %s.", m.AuthUser, from))
		}
	}
	if shown := addressInName(name); shown != "" && !strings.EqualFold(shown, from) {
		add(record.SeverityMedium, "display_name", fmt.Sprintf("Display name %q shows the address %s but the mail is from %s", name, shown, from),
			fmt.Sprintf("A reader sees %s; replies and the real sender are %s.", shown, from))
	}
	if m.ReplyTo != "" {
		_, rt := splitAddress(m.ReplyTo)
		if rt != "" && !strings.EqualFold(rt, from) {
			args["reply_to"] = rt
			add(record.SeverityInfo, "reply_to", fmt.Sprintf("Replies go to %s, not to the sender %s", rt, from),
				fmt.Sprintf("Reply-To sends answers to %s instead of %s.", rt, from))
		}
	}
	return out
}

// frames are the evidence frames of a message record.
func frames(m *record.Message) []int64 {
	var f []int64
	if m.Packet > 0 {
		f = append(f, m.Packet)
	}
	if m.EndPacket > 0 && m.EndPacket != m.Packet {
		f = append(f, m.EndPacket)
	}
	return f
}

// envelopeSender is the address of MAIL FROM or Return-Path; the null
// sender of bounces gives "".
func envelopeSender(s string) string {
	_, a := splitAddress(s)
	return strings.TrimSpace(a)
}

// compareAddr tells whether two addresses differ, high when their domains
// differ, medium when only the local part does.
func compareAddr(a, b string) (record.Severity, bool) {
	if strings.EqualFold(a, b) {
		return "", false
	}
	if !sameDomain(a, b) {
		return record.SeverityHigh, true
	}
	return record.SeverityMedium, true
}

// compareAuth compares From with a login: a login with a domain is an
// address; a bare login is compared with From's local part, which often
// differs legitimately (jdupont vs jean.dupont), hence low.
func compareAuth(from, user string) (record.Severity, bool) {
	if strings.Contains(user, "@") {
		return compareAddr(from, user)
	}
	local, _, _ := strings.Cut(from, "@")
	if strings.EqualFold(local, user) {
		return "", false
	}
	return record.SeverityLow, true
}

func sameDomain(a, b string) bool {
	return strings.EqualFold(domain(a), domain(b))
}

func domain(a string) string {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		return a[i+1:]
	}
	return ""
}

// addressInName returns an address written in a display name
// ("boss@bank.com" <x@evil>), or "".
func addressInName(name string) string {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return r == ' ' || r == '"' || r == '\'' || r == '<' || r == '>' || r == '(' || r == ')' || r == ',' || r == '[' || r == ']'
	}) {
		at := strings.IndexByte(w, '@')
		if at > 0 && at < len(w)-1 && strings.Contains(w[at:], ".") {
			return w
		}
	}
	return ""
}

// Findings returns what a message shows on its own: a forged sender
// (SpoofFindings) and attachments whose content is not what they claim
// (TypeFindings).
func Findings(m *record.Message) []*record.Finding {
	return append(SpoofFindings(m), TypeFindings(m)...)
}
