package report_test

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/grade"
	"github.com/mailwire/mailwire/report/i18n"
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

// englishOnly are words that never occur in a French sentence: two of
// them outside wire text make a line English even when it differs from
// the English report (a French sentence holding an English fragment).
var englishOnly = regexp.MustCompile(`\b(?i:the|was|were|is|are|and|of|to|at|by|with|without|this|which|found|removed|missing|seen|requested|unreadable|could|been|has|have|after|before|once|decoded|not|unknown|file|bytes|ends|middle|packet|short|sent)\b`)

// wireText is what a line quotes from the wire or names (a server's reply
// in parentheses, quoted text, addresses, names): left out of the
// englishOnly count.
var wireText = regexp.MustCompile(`\(\d{3}[ -][^)]*\)|"[^"]*"|«[^»]*»|<[^>]*>|[\w.+-]+@[\w.-]+|\b[\w-]+(\.[\w-]+)+\b`)

// englishLines returns the lines of a French output that are English
// sentences: the same line in the English output with two English words
// outside wire text and terms of the trade, or any line with two words
// that only English has.
func englishLines(fr, en []string) []string {
	same := map[string]bool{}
	for _, l := range en {
		same[strings.TrimSpace(l)] = true
	}
	var out []string
	for _, l := range fr {
		l = strings.TrimSpace(l)
		rest := untranslated.ReplaceAllString(l, " ")
		switch {
		case same[l] && len(englishWord.FindAllString(rest, -1)) >= 2:
			out = append(out, l)
		case len(englishOnly.FindAllString(wireText.ReplaceAllString(l, " "), -1)) >= 2:
			out = append(out, l)
		}
	}
	return out
}

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
			if err := report.WriteText(&b, []report.Capture{c.capture()}, nil, report.Options{Lang: lang, Width: 100000}); err != nil {
				t.Fatal(err)
			}
			return strings.Split(b.String(), "\n")
		}
		for _, l := range englishLines(render("fr"), render("en")) {
			t.Errorf("%s: English in the French report: %q", filepath.Base(path), l)
		}
	}
}

// plainSpace is an ordinary space where French typography puts a no-break
// one: before : ; ? ! » and after «.
var plainSpace = regexp.MustCompile(` [:;?!»]|« `)

// gradeClasses are the classes graded by report/grade's tests: the lab
// done by hand on real servers, and the class of broken, empty and cut
// captures; each folder holds its students and students.csv.
var gradeClasses = [][2]string{
	{"grade/testdata/tp4class/class", "grade/testdata/tp4class/students.csv"},
	{"../testdata/class", "../testdata/class/students.csv"},
}

// TestFrenchFeedbackHasNoEnglishSentence grades the test classes in both
// languages and checks every French feedback and the sentences of the
// French CSV (legal flag, warnings).
func TestFrenchFeedbackHasNoEnglishSentence(t *testing.T) {
	for _, c := range gradeClasses {
		t.Run(filepath.Base(filepath.Dir(c[1])), func(t *testing.T) { frenchFeedback(t, c[0], c[1]) })
	}
}

func frenchFeedback(t *testing.T, dir, rosterFile string) {
	students, _, err := grade.Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(students) == 0 {
		t.Fatalf("no student in %s", dir)
	}
	roster, err := grade.LoadStudents(rosterFile)
	if err != nil {
		t.Fatal(err)
	}
	rubric, err := grade.LoadRubric("")
	if err != nil {
		t.Fatal(err)
	}
	rubric.Domains = append(rubric.Domains, "grenoble-inp.example")
	for _, emails := range []map[string]string{roster, nil} {
		class := grade.Grade(students, grade.Options{Rubric: rubric, Emails: emails})
		dirs := map[string]string{}
		for _, lang := range []string{"en", "fr"} {
			dirs[lang] = t.TempDir()
			if err := class.WriteDir(dirs[lang], lang); err != nil {
				t.Fatal(err)
			}
		}
		read := func(lang, name string) []string {
			b, err := os.ReadFile(filepath.Join(dirs[lang], name))
			if err != nil {
				t.Fatal(err)
			}
			return strings.Split(string(b), "\n")
		}
		for _, s := range class.Students {
			name := filepath.Join("feedback", s.ID+".txt")
			for _, l := range englishLines(read("fr", name), read("en", name)) {
				t.Errorf("%s (roster %v): English in the French feedback: %q", s.ID, emails != nil, l)
			}
			for _, l := range read("fr", name) {
				// Evidence lines quote the wire, which keeps its own spaces.
				if !strings.Contains(l, "preuve") && plainSpace.MatchString(l) {
					t.Errorf("%s: French typography wants a no-break space: %q", s.ID, l)
				}
			}
		}
		frCSV, enCSV := csvSentences(t, read("fr", "grades.csv")), csvSentences(t, read("en", "grades.csv"))
		for _, l := range englishLines(frCSV, enCSV) {
			t.Errorf("grades.csv (roster %v): English in the French CSV: %q", emails != nil, l)
		}
	}
}

// csvSentences are the cells of grades.csv that hold sentences: the legal
// flag and the warnings.
func csvSentences(t *testing.T, lines []string) []string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("grades.csv: %d rows, %v", len(rows), err)
	}
	head := rows[0]
	var out []string
	for _, row := range rows[1:] {
		for i, cell := range row {
			if head[i] == "legal" || head[i] == "warnings" {
				out = append(out, strings.Split(cell, "; ")...)
			}
		}
	}
	return out
}

// TestDissectorsRaiseFindingsByID keeps English out of the dissectors:
// no finding there is given a title or a detail, and every finding of
// the bundled captures that has none is said whole, in both languages,
// by the catalogue.
func TestDissectorsRaiseFindingsByID(t *testing.T) {
	sentence := regexp.MustCompile(`\b(Title|Detail)(:|\s*\+?=)`)
	var checked int
	err := filepath.WalkDir("../dissect", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.Contains(path, "/record/") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, l := range strings.Split(string(b), "\n") {
			if sentence.MatchString(l) {
				t.Errorf("%s:%d: a dissector writes a finding's sentence; raise it by id and Args: %s", path, i+1, strings.TrimSpace(l))
			}
		}
		return nil
	})
	if err != nil || checked == 0 {
		t.Fatalf("walking ../dissect: %d files, %v", checked, err)
	}
	files, _ := filepath.Glob("../captures/*.pcap*")
	seen := map[record.FindingID]bool{}
	for _, path := range files {
		for _, r := range analyse(t, path).Records {
			f, ok := r.(*record.Finding)
			if !ok || f.Title != "" {
				continue
			}
			seen[f.ID] = true
			for _, lang := range i18n.Langs {
				title, detail, ok := i18n.New(lang).FindingText(f)
				if !ok || detail == "" || strings.Contains(title+detail, "{") {
					t.Errorf("%s: %s finding %s not said whole: %q / %q (args %v)", filepath.Base(path), lang, f.ID, title, detail, f.Args)
				}
			}
		}
	}
	if len(seen) < 5 {
		t.Errorf("only %d kinds of dissector findings on the bundled captures", len(seen))
	}
}
