package main

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/spool"
)

// TestErrorsInTheUsersLanguage runs each error and warning path in
// English and in French: the French run must say the French sentence, not
// the English one. A command with --lang is given it, with the
// environment set to the other language to show that the flag wins; the
// others take the environment's language.
func TestErrorsInTheUsersLanguage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badKeys := write("bad.keys", "CLIENT_RANDOM 00\n# nothing else\n")
	notCapture := write("notes.txt", "just some text, not packets\n")
	encryptedKey := write("locked.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
	archive := write("class.tar", tarOf(t, "alice.pcap"))
	empty := t.TempDir()
	missing := filepath.Join(dir, "nowhere.pcap")
	p12 := filepath.Join(pkiDir, "bob.p12")
	smime := "../../captures/smime-encrypted.pcap"

	tests := []struct {
		name   string
		args   []string
		lang   bool // the command takes --lang
		code   int
		en, fr string
	}{
		{"malformed key log", []string{"read", "--json", "--keylog", badKeys, forgery}, true, exitOK,
			"mailwire: warning: key log " + badKeys + ":1: CLIENT_RANDOM line has 2 fields, want 3",
			"mailwire: avertissement\u00a0: journal de clés " + badKeys + ", ligne 1\u00a0: la ligne CLIENT_RANDOM a 2 champs au lieu de 3"},
		{"key log without a secret", []string{"read", "--json", "--keylog", badKeys, forgery}, true, exitOK,
			"key log " + badKeys + " holds no TLS secret",
			"le journal de clés " + badKeys + " ne contient aucun secret TLS"},
		{"missing key log", []string{"read", "--keylog", "nowhere.keys", forgery}, true, exitUsage,
			"key log nowhere.keys not found: give the file that SSLKEYLOGFILE",
			"journal de clés nowhere.keys introuvable\u00a0: indiquez le fichier écrit par SSLKEYLOGFILE"},
		{"wrong .p12 password", []string{"read", "--smime-key", p12, "--smime-pass", "wrong", smime}, true, exitUsage,
			p12 + ": wrong password for the PKCS#12 file (check --smime-pass or MAILWIRE_SMIME_PASS)",
			p12 + "\u00a0: mauvais mot de passe pour le fichier PKCS#12 (vérifiez --smime-pass ou MAILWIRE_SMIME_PASS)"},
		{"wrong .p12 password, cert", []string{"cert", "--pass", "wrong", p12}, true, exitUsage,
			"wrong password for the PKCS#12 file (check --pass or",
			"mauvais mot de passe pour le fichier PKCS#12 (vérifiez --pass ou"},
		{"encrypted PEM key", []string{"extract", "--out", t.TempDir(), "--smime-key", encryptedKey, smime}, false, exitUsage,
			encryptedKey + ": the PEM key is encrypted: decrypt it first",
			encryptedKey + "\u00a0: la clé PEM est chiffrée\u00a0: déchiffrez-la d'abord"},
		{"not a certificate", []string{"cert", notCapture}, true, exitUsage,
			notCapture + ": not a certificate (PEM or DER), a PKCS#12 file or a PKCS#7 object",
			notCapture + "\u00a0: ni un certificat (PEM ou DER), ni un fichier PKCS#12, ni un objet PKCS#7"},
		{"unknown command", []string{"raed", forgery}, false, exitUsage,
			"mailwire: unknown command \"raed\"; did you mean read?\nRun 'mailwire --help' for usage.",
			"mailwire: commande inconnue «\u00a0raed\u00a0»\u00a0; vouliez-vous dire read\u00a0?\nLancez «\u00a0mailwire --help\u00a0» pour l'aide."},
		{"folder with no capture", []string{"read", empty}, true, exitUsage,
			empty + " is a folder with no capture file in it",
			empty + " est un dossier sans fichier de capture"},
		{"missing capture", []string{"read", missing}, true, exitUsage,
			missing + ": no such file (check the path)",
			missing + "\u00a0: fichier introuvable (vérifiez le chemin)"},
		{"not a capture", []string{"extract", "--out", t.TempDir(), notCapture}, false, exitUsage,
			notCapture + " is not a pcap or pcapng capture",
			notCapture + " n'est pas une capture pcap ou pcapng"},
		{"tar archive", []string{"read", archive}, true, exitUsage,
			archive + " is a tar archive, not a capture: extract it first (tar xf)",
			archive + " est une archive tar, pas une capture\u00a0: extrayez-la d'abord (tar xf)"},
		{"report not writable", []string{"read", "--output", filepath.Join(missing, "report.txt"), forgery}, true, exitUsage,
			"cannot write the report to " + filepath.Join(missing, "report.txt"),
			"impossible d'écrire le rapport dans " + filepath.Join(missing, "report.txt")},
		{"limit refused", []string{"read", "--max-line", "0", forgery}, true, exitUsage,
			"--max-line 0: give a positive value (leave the flag out for its default, 65536)",
			"--max-line 0\u00a0: donnez une valeur positive (omettez l'option pour garder sa valeur par défaut, 65536)"},
		{"live source refused", []string{"live", "-i", "lo", "--source", "carrier-pigeon"}, false, exitUsage,
			`--source "carrier-pigeon": use auto, afpacket or pcap`,
			"--source \"carrier-pigeon\"\u00a0: choisissez auto, afpacket ou pcap"},
		{"extract usage", []string{"extract", forgery}, false, exitUsage,
			"mailwire extract: give a folder and captures",
			"mailwire extract: indiquez un dossier et des captures"},
		{"cert usage", []string{"cert"}, true, exitUsage,
			"no file given; try: mailwire cert",
			"aucun fichier indiqué\u00a0; essayez\u00a0: mailwire cert"},
		{"live without interface", []string{"live"}, false, exitUsage,
			"say which interface with -i",
			"indiquez l'interface avec -i"},
		{"missing rubric", []string{"grade", "--out", t.TempDir(), "--rubric", missing, empty}, true, exitUsage,
			missing + ": no such file (check the path)",
			missing + "\u00a0: fichier introuvable (vérifiez le chemin)"},
		{"students list unusable", []string{"grade", "--out", t.TempDir(), "--students", notCapture, empty}, true, exitUsage,
			"the student list " + notCapture + " cannot be used (line 1: expected id,email",
			"la liste d'étudiants " + notCapture + " est inutilisable (line 1: expected id,email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			said := map[string]string{}
			for _, lang := range []string{"en", "fr"} {
				args, env := tt.args, lang
				if tt.lang {
					args = append(append([]string{}, args...), "--lang", lang)
					env = map[string]string{"en": "fr", "fr": "en"}[lang]
				}
				setLanguage(t, env)
				code, _, stderr := runCmd(args...)
				want := map[string]string{"en": tt.en, "fr": tt.fr}[lang]
				if code != tt.code || !strings.Contains(stderr, want) {
					t.Errorf("%s: exit %d, stderr %q; want %d and %q", lang, code, stderr, tt.code, want)
				}
				said[lang] = stderr
			}
			if tt.en != tt.fr && (said["fr"] == said["en"] || strings.Contains(said["fr"], tt.en)) {
				t.Errorf("the French run says the English sentence: %q", said["fr"])
			}
		})
	}
}

// setLanguage makes lang the environment's language for one test.
func setLanguage(t *testing.T, lang string) {
	t.Helper()
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(v, "")
	}
	t.Setenv("LANGUAGE", lang)
}

// tarOf is a tar archive holding one empty file of that name.
func tarOf(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Typeflag: tar.TypeReg})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestExtractSaysWhatItWroteInFrench: what extract prints on standard
// output follows the environment's language too.
func TestExtractSaysWhatItWroteInFrench(t *testing.T) {
	setLanguage(t, "fr")
	code, out, stderr := runCmd("extract", "--out", t.TempDir(), "../../captures/gif-attachment.pcap")
	if code != exitOK || !strings.HasPrefix(out, "2 messages et 2 pièces jointes écrits dans ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// TestEveryKeyErrorIsWorded: each kind of key error smimekey returns has
// its sentence in both languages.
func TestEveryKeyErrorIsWorded(t *testing.T) {
	for kind, key := range keyErrorKeys {
		for _, lang := range []string{"en", "fr"} {
			if tr := i18n.New(lang); !tr.Has(key) {
				t.Errorf("%v: no %s sentence %s", kind, lang, key)
			}
		}
	}
}

// A report whose records cannot go to temporary files says so, and what
// to do, in the user's language.
func TestSpoolFailureInTheUsersLanguage(t *testing.T) {
	sp := spool.New(spool.Limits{InMemory: 1, Dir: filepath.Join(t.TempDir(), "missing")})
	sp.Add(&record.Session{ID: "s1"})
	sp.Add(&record.Session{ID: "s2"})
	if sp.Err() == nil {
		t.Fatal("no spool error to say")
	}
	want := map[string]string{
		"en": "the report's records could not be kept in temporary files (no such file or directory): set TMPDIR to a folder with room",
		"fr": "les enregistrements du rapport n'ont pu être gardés dans des fichiers temporaires (no such file or directory)\u00a0: indiquez dans TMPDIR un dossier où il y a de la place",
	}
	for lang, w := range want {
		if got := writeError(i18n.New(lang), sp.Err()); got != w {
			t.Errorf("%s: %q, want %q", lang, got, w)
		}
	}
}
