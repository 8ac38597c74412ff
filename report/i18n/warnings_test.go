package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// TestEveryWarningInEveryLanguage: each warning id has its sentence in
// English and French, with the same placeholders, and no sentence is left
// without an id.
func TestEveryWarningInEveryLanguage(t *testing.T) {
	ids := map[string]bool{}
	for _, id := range record.WarningIDs() {
		key := "warning." + string(id)
		ids[key] = true
		en, okEN := warningsEN[key]
		fr, okFR := warningsFR[key]
		if !okEN || !okFR {
			t.Errorf("%s: English %v, French %v", key, okEN, okFR)
			continue
		}
		if !slices.Equal(placeholders(en), placeholders(fr)) {
			t.Errorf("%s: placeholders %v in English, %v in French", key, placeholders(en), placeholders(fr))
		}
	}
	for _, cat := range []map[string]string{warningsEN, warningsFR} {
		for key := range cat {
			if !ids[key] && !strings.HasPrefix(key, "warning.dir.") && key != "warning.frame" && key != "warning.file" {
				t.Errorf("%s has no warning id in dissect/record", key)
			}
		}
	}
}

func TestWarningSentence(t *testing.T) {
	w := record.NewWarning(59, record.WarnSMTPMessageGap, "bytes", 51)
	w.File = "a.pcap"
	tests := []struct {
		lang string
		w    record.Warning
		want string
	}{
		{"en", w, "a.pcap: frame 59: 51 client bytes missing inside a message"},
		{"fr", w, "a.pcap\u00a0: trame 59\u00a0: 51 octets du client manquants dans un message"},
		{"en", record.NewWarning(0, record.WarnIMAPGap, "dir", "server", "bytes", 3), "imap server: 3 bytes missing; resynchronising at the next command or response"},
		{"fr", record.NewWarning(0, record.WarnIMAPGap, "dir", "server", "bytes", 3), "imap serveur\u00a0: 3 octets manquants\u00a0; resynchronisation à la prochaine commande ou réponse"},
		{"fr", record.NewWarning(0, record.WarnKeyLogFields, "file", "a.keys", "line", 3, "label", "CLIENT_RANDOM", "count", 2),
			"journal de clés a.keys, ligne 3\u00a0: la ligne CLIENT_RANDOM a 2 champs au lieu de 3 (étiquette, client random, secret)"},
		// An argument missing: said by id rather than half-filled.
		{"en", record.NewWarning(2, record.WarnIMAPGap, "dir", "client"), "frame 2: imap-gap dir=client"},
		// An id the catalogue does not know.
		{"fr", record.NewWarning(0, "made-up", "x", "{y}"), "made-up x={y}"},
	}
	for _, tt := range tests {
		if got := New(tt.lang).Warning(tt.w); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.w.ID, got, tt.want)
		}
	}
}
