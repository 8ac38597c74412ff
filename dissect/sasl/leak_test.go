package sasl_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/imap"
	"github.com/mailwire/mailwire/dissect/pop3"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/smtp"
	"github.com/mailwire/mailwire/reassembly/stream"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/jsonl"
)

// password is what must never come out of a report without
// --reveal-secrets, in clear or inside base64.
const password = "Tr0ub4dor&3xyz"

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// malformed are the AUTH PLAIN / LOGIN blobs that do not decode as their
// mechanism says, each as a client line.
var malformed = map[string]string{
	"plain-trailing-junk":  b64("\x00alice\x00"+password) + "junk!",
	"plain-hash":           b64("\x00alice\x00"+password) + "#",
	"plain-hash-inside":    b64("\x00alice")[:8] + "#" + b64("\x00alice\x00"+password),
	"plain-no-nul":         b64("alice" + password),
	"plain-user-colon-pwd": b64("alice:" + password),
	"plain-raw-text":       "alice:" + password,
	"plain-raw-nul-text":   "alice\\x00" + password,
}

// conversation plays one malformed blob through one protocol's AUTH.
type conversation struct {
	proto string
	port  uint16
	steps func(blob string) []string // alternately server, client lines
	new   func(*session.Session) stream.Handler
}

var conversations = []conversation{
	{"smtp-ir", 25, func(b string) []string {
		return []string{"220 mx ESMTP\r\n", "AUTH PLAIN " + b + "\r\n", "535 5.7.8 no\r\n"}
	}, smtp.New},
	{"smtp-challenge", 25, func(b string) []string {
		return []string{"220 mx ESMTP\r\n", "AUTH PLAIN\r\n", "334 \r\n", b + "\r\n", "235 ok\r\n"}
	}, smtp.New},
	{"smtp-login-user", 25, func(b string) []string {
		return []string{"220 mx ESMTP\r\n", "AUTH LOGIN\r\n", "334 VXNlcm5hbWU6\r\n", b + "\r\n", "535 no\r\n"}
	}, smtp.New},
	{"smtp-no-mechanism", 25, func(b string) []string {
		return []string{"220 mx ESMTP\r\n", "AUTH " + b + "\r\n", "504 unknown\r\n"}
	}, smtp.New},
	{"imap-ir", 143, func(b string) []string {
		return []string{"* OK ready\r\n", "a AUTHENTICATE PLAIN " + b + "\r\n", "a NO bad\r\n"}
	}, imap.New},
	{"imap-challenge", 143, func(b string) []string {
		return []string{"* OK ready\r\n", "a AUTHENTICATE PLAIN\r\n", "+ \r\n", b + "\r\n", "a OK in\r\n"}
	}, imap.New},
	{"pop3-ir", 110, func(b string) []string {
		return []string{"+OK ready\r\n", "AUTH PLAIN " + b + "\r\n", "-ERR no\r\n"}
	}, pop3.New},
	{"pop3-challenge", 110, func(b string) []string {
		return []string{"+OK ready\r\n", "AUTH PLAIN\r\n", "+ \r\n", b + "\r\n", "+OK in\r\n"}
	}, pop3.New},
}

func play(c conversation, blob string) []record.Record {
	var recs []record.Record
	flow := stream.Flow{Transport: "tcp"}
	s := session.New("s1", flow, session.DefaultLimits(), func(r record.Record) { recs = append(recs, r) }, nil)
	s.Proto = record.Proto(strings.Split(c.proto, "-")[0])
	h := c.new(s)
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for i, line := range c.steps(blob) {
		dir := stream.ServerToClient
		if i%2 == 1 {
			dir = stream.ClientToServer
		}
		h.Handle(&stream.Event{Dir: dir, Data: []byte(line), Frame: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	h.Close(t0.Add(time.Second), 9)
	recs = append(recs, &record.Session{ID: "s1", Proto: s.Proto, Client: "10.0.0.1:40000", Server: "10.0.0.2:25",
		Security: s.Security(), Packet: 1, Start: t0, End: t0.Add(time.Second), Warnings: s.Warnings})
	return recs
}

// leaks lists what of the password or the blob shows in out: the
// password, any 6 characters of it, the blob or any 10 characters of it,
// and the password in base64.
func leaks(out, blob string) []string {
	var found []string
	for _, bad := range []string{password, b64(password), blob, b64("alice:" + password)} {
		if strings.Contains(out, bad) {
			found = append(found, bad)
		}
	}
	for i := 0; i+6 <= len(password); i++ {
		if w := password[i : i+6]; strings.Contains(out, w) {
			found = append(found, w)
		}
	}
	for i := 0; i+10 <= len(blob); i++ {
		if w := blob[i : i+10]; strings.Contains(out, w) {
			found = append(found, w)
		}
	}
	return found
}

// TestMalformedAuthNeverShowsThePassword feeds every malformed blob
// through every protocol's AUTH and every output format, secrets not
// revealed: neither the password nor the blob that holds it may show,
// and no output may claim that no password was sent.
func TestMalformedAuthNeverShowsThePassword(t *testing.T) {
	for name, blob := range malformed {
		for _, c := range conversations {
			if name == "plain-no-nul" && c.proto == "smtp-login-user" {
				// A clean base64 line after "Username:" is the username
				// LOGIN asked for.
				continue
			}
			t.Run(name+"/"+c.proto, func(t *testing.T) {
				recs := play(c, blob)
				var creds int
				for _, r := range recs {
					if cr, ok := r.(*record.Credential); ok {
						creds++
						if cr.PasswordLen == 0 {
							t.Errorf("credential with no secret: %+v", cr)
						}
						if strings.Contains(cr.Username, password[:6]) || strings.Contains(cr.Username, blob) {
							t.Errorf("username %q holds the password", cr.Username)
						}
					}
					record.Redact(r, false)
				}
				if creds != 1 {
					t.Fatalf("%d credentials", creds)
				}
				for _, f := range report.Derive(recs) {
					recs = append(recs, f)
				}
				var outs = map[string]string{}
				var js bytes.Buffer
				for _, r := range recs {
					b, err := jsonl.Marshal(r)
					if err != nil {
						t.Fatal(err)
					}
					js.Write(b)
					js.WriteByte('\n')
				}
				outs["json"] = js.String()
				caps := []report.Capture{report.Held(&record.Capture{File: "x.pcap", LinkType: "ethernet"}, recs)}
				sum := &record.Summary{Captures: 1, Sessions: 1, Credentials: 1}
				for _, lang := range []string{"en", "fr"} {
					for format, write := range map[string]func(*bytes.Buffer) error{
						"text":     func(b *bytes.Buffer) error { return report.WriteText(b, caps, sum, report.Options{Lang: lang}) },
						"markdown": func(b *bytes.Buffer) error { return report.WriteMarkdown(b, caps, sum, report.Options{Lang: lang}) },
						"html":     func(b *bytes.Buffer) error { return report.WriteHTML(b, caps, sum, report.Options{Lang: lang}) },
					} {
						var b bytes.Buffer
						if err := write(&b); err != nil {
							t.Fatal(err)
						}
						outs[format+"/"+lang] = b.String()
					}
				}
				for format, out := range outs {
					if l := leaks(out, blob); len(l) > 0 {
						t.Errorf("%s shows %q", format, l)
					}
					if strings.Contains(out, "no password sent") || strings.Contains(out, "aucun mot de passe") {
						t.Errorf("%s claims no password was sent", format)
					}
				}
				if !strings.Contains(outs["text/en"], "characters") {
					t.Errorf("the text report does not show the secret's length:\n%s", outs["text/en"])
				}
			})
		}
	}
}

// A SASL response whose AUTHENTICATE the capture missed (it starts
// mid-exchange) is no command: it must not be quoted in a warning.
func TestOrphanSASLResponseIsNotQuoted(t *testing.T) {
	blob := b64("\x00alice\x00" + password)
	for _, c := range []conversation{
		{"imap-orphan", 143, func(b string) []string { return []string{"* OK ready\r\n", b + "\r\n", "a OK in\r\n"} }, imap.New},
		{"pop3-orphan", 110, func(b string) []string { return []string{"+OK ready\r\n", b + "\r\n", "+OK in\r\n"} }, pop3.New},
		{"smtp-orphan", 25, func(b string) []string { return []string{"220 mx\r\n", b + "\r\n", "235 ok\r\n"} }, smtp.New},
	} {
		for _, r := range play(c, blob) {
			record.Redact(r, false)
			b, err := jsonl.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if l := leaks(string(b), blob); len(l) > 0 {
				t.Errorf("%s: %s shows %q", c.proto, b, l)
			}
		}
	}
}
