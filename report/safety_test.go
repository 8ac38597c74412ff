package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/spool"
)

// hostile is a subject an attacker controls: it tries to clear the
// screen, reverse the text after it, and run a script.
const hostile = "\x1b[2J\u202eevil<script>alert(1)</script>](javascript:x)|**bold**\u009b31m"

func hostileCapture() Capture {
	cred := &record.Credential{Session: "s1", Proto: "smtp", Mechanism: "PLAIN", SASL: true, Username: "eve\x1b]0;owned\x07",
		Recoverable: true, Packet: 5}
	cred.SetPassword("s3cr3t-Pa55word")
	recs := []record.Record{
		&record.Session{ID: "s1", Proto: "smtp", Client: "10.0.0.1:1000", Server: "10.0.0.2:25", Security: "cleartext", Packet: 1},
		&record.Command{Session: "s1", Proto: "smtp", Verb: "MAIL", Args: "FROM:<" + hostile + ">", Status: "250", Reply: hostile, Packet: 3, ReplyPacket: 4},
		cred,
		&record.Message{Session: "s1", Proto: "smtp", Direction: "sent", Packet: 6, Subject: hostile, From: hostile,
			To: []string{hostile}, SMIME: "none", Attachments: []record.Attachment{{Filename: hostile + ".gif", ContentType: "image/gif"}}},
		&record.Mailbox{Session: "s1", Name: hostile, Packet: 7, Events: []string{hostile}},
		&record.DNS{Name: hostile, Type: "MX", Packet: 8, Answers: []record.DNSAnswer{{Exchange: hostile}}},
		&record.Finding{ID: "spoofed-sender", Severity: "medium", Session: "s1", Packet: 6, Title: hostile, Detail: hostile,
			Args: map[string]string{"from": hostile}},
		&record.Finding{ID: "made-up-by-a-dissector", Severity: "bogus\x1b[5m", Title: hostile, Detail: hostile},
	}
	for _, f := range Derive(recs) {
		recs = append(recs, f)
	}
	return Capture{Info: &record.Capture{File: "x/" + hostile + ".pcap", LinkType: hostile, Warnings: []record.Warning{record.NewWarning(3, record.WarnMessageRefused, "reply", hostile)}}, Records: spool.Of(recs)}
}

func writers() map[string]func(*bytes.Buffer, []Capture, *record.Summary, Options) error {
	return map[string]func(*bytes.Buffer, []Capture, *record.Summary, Options) error{
		"text": func(b *bytes.Buffer, c []Capture, s *record.Summary, o Options) error { return WriteText(b, c, s, o) },
		"markdown": func(b *bytes.Buffer, c []Capture, s *record.Summary, o Options) error {
			return WriteMarkdown(b, c, s, o)
		},
		"html": func(b *bytes.Buffer, c []Capture, s *record.Summary, o Options) error { return WriteHTML(b, c, s, o) },
	}
}

// liveLink is a markdown link whose closing bracket is not escaped.
var liveLink = regexp.MustCompile(`[^\\]\]\(javascript:`)

func TestWireTextComesOutInert(t *testing.T) {
	caps := []Capture{hostileCapture()}
	sum := &record.Summary{Captures: 1, Warnings: []record.Warning{{File: hostile, ID: record.WarnIMAPNotACommand, Args: map[string]string{"text": hostile}}}}
	for name, write := range writers() {
		for _, lang := range []string{"en", "fr"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b, caps, sum, Options{Lang: lang}); err != nil {
					t.Fatal(err)
				}
				out := b.String()
				bads := []string{"\x1b", "\u202e", "\u009b", "\x07"}
				if name != "text" { // on a terminal, markup is only characters
					bads = append(bads, "<script>")
				}
				for _, bad := range bads {
					if strings.Contains(out, bad) {
						t.Errorf("output holds %q", bad)
					}
				}
				if !strings.Contains(out, "evil") {
					t.Error("the hostile subject is not shown at all")
				}
				if name == "markdown" && liveLink.MatchString(out) {
					t.Error("markdown holds a live link")
				}
				if name == "html" && strings.Contains(out, "<script") {
					t.Error("html holds a script element")
				}
			})
		}
	}
}

func TestSecretsMaskedByDefault(t *testing.T) {
	caps := []Capture{hostileCapture()} // its credential still holds the password
	for name, write := range writers() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, caps, nil, Options{Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "s3cr3t-Pa55word") {
				t.Error("password printed without Reveal")
			}
			// Markdown escapes the stars; what the reader sees is unescaped.
			if !strings.Contains(strings.ReplaceAll(b.String(), `\`, ""), "s*************d") {
				t.Error("masked password not shown")
			}
		})
		t.Run(name+"/reveal", func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, caps, nil, Options{Lang: "en", Reveal: true}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "s3cr3t-Pa55word") {
				t.Error("password not printed with Reveal")
			}
		})
	}
}

func TestHashNotPrintedWithoutReveal(t *testing.T) {
	c := &record.Credential{Session: "s1", Proto: "imap", Mechanism: "CRAM-MD5", SASL: true, Username: "bob",
		Hash: "bob:PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+:b913a602c7eda7a495b4e6e7334d3890", Packet: 4}
	caps := []Capture{Held(nil, []record.Record{c})}
	for name, write := range writers() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, caps, nil, Options{Lang: "fr"}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "b913a602c7eda7a495b4e6e7334d3890") {
				t.Error("hash printed without Reveal")
			}
			if !strings.Contains(b.String(), "défi-réponse") {
				t.Error("challenge-response not described")
			}
		})
	}
}

func TestLangFromEnv(t *testing.T) {
	cases := []struct {
		name                    string
		lcAll, lcMessages, lang string
		want                    string
	}{
		{"french lang", "", "", "fr_FR.UTF-8", "fr"},
		{"lc_all wins", "en_US.UTF-8", "", "fr_FR.UTF-8", "en"},
		{"lc_messages before lang", "", "fr_CA.UTF-8", "en_GB.UTF-8", "fr"},
		{"c locale", "", "", "C.UTF-8", "en"},
		{"nothing set", "", "", "", "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LC_ALL", c.lcAll)
			t.Setenv("LC_MESSAGES", c.lcMessages)
			t.Setenv("LANG", c.lang)
			if got := LangFromEnv(); got != c.want {
				t.Errorf("LangFromEnv() = %q, want %q", got, c.want)
			}
		})
	}
}
