package report

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/lab"
	"github.com/mailwire/mailwire/report/view"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en, fr := set(i18n.Keys("en")), set(i18n.Keys("fr"))
	for k := range en {
		if !fr[k] {
			t.Errorf("fr lacks %q", k)
		}
	}
	for k := range fr {
		if !en[k] {
			t.Errorf("en lacks %q", k)
		}
	}
}

// keyUse finds the literal message ids passed to the translator in code.
var keyUse = regexp.MustCompile(`(?:\.T\(|\bsay\(b, |\bnote\(b, |\badd\(|\.Fill\()"([a-z][a-z0-9.+\-]*)"`)

func TestEveryKeyUsedInCodeExists(t *testing.T) {
	used := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			// A literal ending in "." is the prefix of a key built at run
			// time; those keys are listed below.
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in code; the pattern no longer matches the code", len(used))
	}
	for _, id := range view.QuestionIDs() {
		used["lab."+id+".q"], used["lab."+id+".missing"] = true, true
	}
	for _, id := range findingIDs() {
		used["finding."+id+".title"], used["finding."+id+".detail"] = true, true
	}
	for _, id := range lab.ReasonIDs() {
		used["sender."+id] = true
	}
	// Keys built from the evidence that decided whose an address is.
	for _, ev := range []lab.Evidence{lab.ByRoster, lab.ByLogin, lab.ByMailbox, lab.ByEnvelope, lab.ByName} {
		used["grade.self."+string(ev)] = true
	}
	for _, k := range []string{"grade.self.undecided", "grade.other.roster", "grade.other.not-yours", "grade.other.class",
		"grade.other.name", "lab.1.2.5.self.login", "lab.1.2.5.self.mailbox", "lab.1.2.5.self.envelope",
		"grade.no-traffic", "grade.imaps-only", "mailbox.event.dele", "mailbox.event.rset", "mailbox.event.quit",
		"lab.1.1.3.exists.one", "lab.1.1.3.exists-only.one", "lab.1.2.9.image.declared"} {
		used[k] = true
	}
	for _, s := range []string{"severity.info", "severity.low", "severity.medium", "severity.high",
		"direction.sent", "direction.fetched", "direction.appended", "direction.other",
		"smime.signed", "smime.encrypted", "smime.signed+encrypted", "smime.pgp-signed", "smime.pgp-encrypted", "smime.other",
		"lab.accepted.yes", "lab.accepted.no", "lab.accepted.unknown", "smime.verified.true", "smime.verified.false"} {
		used[s] = true
	}
	var missing []string
	for _, lang := range i18n.Langs {
		tr := i18n.New(lang)
		for k := range used {
			if !tr.Has(k) {
				missing = append(missing, lang+":"+k)
			}
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		t.Errorf("key used in code but missing from the catalogue: %s", k)
	}
}

// findingIDs are the ids the report translates: every id of the JSON
// contract, those Derive raises and those the dissectors raise.
func findingIDs() []string {
	var ids []string
	for _, id := range record.FindingIDs() {
		ids = append(ids, string(id))
	}
	return ids
}

func set(keys []string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}
