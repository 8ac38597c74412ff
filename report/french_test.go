package report_test

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/report"
)

// englishWord is a word of at least three letters: a line of the French
// report that holds two of them and reads the same in English is an
// English sentence that escaped the catalogue.
var englishWord = regexp.MustCompile(`\b[A-Za-z]{3,}\b`)

// untranslated are the parts of a line that read the same in both
// languages on purpose: wire text (commands, replies, headers, names)
// and terms of the trade.
var untranslated = regexp.MustCompile(`(?i)` + strings.Join([]string{
	`"[^"]*"`, `«[^»]*»`, `<[^>]*>`, `\[[^\]]*\]`, `\([^)]*\)`, `[\w.+-]+@[\w.-]+`, `\b[\w-]+(\.[\w-]+)+\b`,
	`\b(STARTTLS|EHLO|HELO|LOGIN|LOGOUT|SELECT|FETCH|STORE|EXPUNGE|CREATE|COPY|MOVE|AUTH|PLAIN|MAIL|RCPT|DATA|QUIT|USER|PASS|RETR|DELE|STAT|LIST|UIDL|CAPA|STLS|TOP|APOP|NOOP|RSET|CAPABILITY|AUTHENTICATE|APPEND|EXAMINE|STATUS|UID|BODY|BODYSTRUCTURE|PEEK|HEADER|FIELDS|FLAGS|INBOX|Archives|Seen|Deleted|Recent)\b`,
	`\b(SMTP|IMAP|POP3|TLS|DNS|MIME|S/MIME|MX|SNI|SASL|CRAM-MD5|DKIM|SPF|DMARC|LOPPSI|CVE|PREAUTH|LOGINDISABLED|ESMTP|BDAT|CHUNKING|PIPELINING|SIZE|VRFY|ETRN|ENHANCEDSTATUSCODES|DSN|8BITMIME|SMTPUTF8|IDLE|NAMESPACE|ENABLE|LITERAL|SASL-IR|ID|UNSELECT|CHILDREN|SPECIAL-USE|RESP-CODES|PIPELINING|AUTH-RESP-CODE)\b`,
	`\b(base64|quoted-printable|multipart|mixed|signed|encrypted|pkcs7|signature|application|text|image|gif|plain|html|sha256|Content-Transfer-Encoding|Content-Type|Wireshark|openssl|s_client|tcpdump|dig|host|telnet|Thunderbird|Zimbra|Dovecot|Postfix|Mailwire|mailwire|Lab|CA|CN|OU|emailAddress|James|Bond|Alice|Bob|Root|ready|Ok|OK|Bye|Logout|completed|secs|Error|command|not|implemented|Authentication|successful|queued|as|Service|closing|transmission|channel|End|with|Go|ahead|Begin|TLS|negotiation|now|Logged|in|Pre-login|capabilities|listed|Dovecot|Mission|accomplie|Compte|rendu|de|mission|Notes|TP|TP4|Voici|mes|notes|du|Bonjour|Image|GIF|Message|sign|Envoy|par|le|client|frame|filter|version|TLSv1|AES|GCM|SHA|ECDHE|RSA|ChaCha20|Poly1305|X25519|secp256r1|TLS_AES_256_GCM_SHA384|Wonderland)\b`,
}, "|"))

func TestFrenchReportHasNoEnglishSentence(t *testing.T) {
	files, _ := filepath.Glob("../captures/*.pcap")
	more, _ := filepath.Glob("../captures/*.pcapng")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no capture in ../captures")
	}
	for _, path := range files {
		c := analyse(t, path)
		render := func(lang string) []string {
			var b bytes.Buffer
			if err := report.WriteText(&b, []report.Capture{c}, nil, report.Options{Lang: lang, Width: 100000}); err != nil {
				t.Fatal(err)
			}
			return strings.Split(b.String(), "\n")
		}
		en := map[string]bool{}
		for _, l := range render("en") {
			en[strings.TrimSpace(l)] = true
		}
		for _, l := range render("fr") {
			l = strings.TrimSpace(l)
			// Capture warnings ("! ...") are translated by the warnings
			// catalogue (report/i18n/warnings_*.go), checked with it.
			if !en[l] || strings.HasPrefix(l, "!") {
				continue
			}
			if rest := untranslated.ReplaceAllString(l, " "); len(englishWord.FindAllString(rest, -1)) >= 2 {
				t.Errorf("%s: English in the French report: %q", filepath.Base(path), l)
			}
		}
	}
}
