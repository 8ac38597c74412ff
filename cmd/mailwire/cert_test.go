package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// needOpenSSL skips without openssl, except under CI where it fails.
func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl is needed to check mailwire cert against it")
		}
		t.Skip("openssl not installed")
	}
}

func openssl(t *testing.T, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	if stdin != nil {
		cmd.Stdin = strings.NewReader(string(stdin))
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %v: %v", args, err)
	}
	return string(out)
}

// opensslView is what `openssl x509 -text` says, in mailwire's names.
type opensslView struct {
	version, serial, email string
	notBefore, notAfter    time.Time
	keyUsage, extKeyUsage  []string
	ca                     bool
}

var opensslNames = map[string]string{
	"Digital Signature": "digitalSignature", "Non Repudiation": "contentCommitment", "Key Encipherment": "keyEncipherment",
	"Data Encipherment": "dataEncipherment", "Key Agreement": "keyAgreement", "Certificate Sign": "keyCertSign",
	"CRL Sign": "cRLSign", "E-mail Protection": "emailProtection", "TLS Web Client Authentication": "clientAuth",
	"TLS Web Server Authentication": "serverAuth", "Code Signing": "codeSigning",
}

func parseOpenSSL(t *testing.T, text string) opensslView {
	t.Helper()
	var v opensslView
	lines := strings.Split(text, "\n")
	next := func(i int) string {
		if i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
		return ""
	}
	names := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ",") {
			out = append(out, opensslNames[strings.TrimSpace(p)])
		}
		sort.Strings(out)
		return out
	}
	date := func(s string) time.Time {
		d, err := time.Parse("Jan _2 15:04:05 2006 MST", strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("openssl date %q: %v", s, err)
		}
		return d
	}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "Version:"):
			v.version = strings.Fields(l)[1]
		case strings.HasPrefix(l, "serial="):
			v.serial = strings.TrimLeft(strings.ToLower(strings.TrimPrefix(l, "serial=")), "0")
		case strings.HasPrefix(l, "Not Before:"):
			v.notBefore = date(strings.TrimPrefix(l, "Not Before:"))
		case strings.HasPrefix(l, "Not After :"):
			v.notAfter = date(strings.TrimPrefix(l, "Not After :"))
		case strings.HasPrefix(l, "X509v3 Key Usage"):
			v.keyUsage = names(next(i))
		case strings.HasPrefix(l, "X509v3 Extended Key Usage"):
			v.extKeyUsage = names(next(i))
		case strings.Contains(l, "CA:TRUE"):
			v.ca = true
		case strings.HasPrefix(l, "email:"):
			v.email = strings.TrimPrefix(strings.Split(l, ",")[0], "email:")
		}
	}
	if m := regexp.MustCompile(`emailAddress = ([^,\s]+)`).FindStringSubmatch(text); m != nil && v.email == "" {
		v.email = m[1]
	}
	return v
}

func TestCertMatchesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	der := filepath.Join(dir, "bob.der")
	openssl(t, nil, "x509", "-in", filepath.Join(pkiDir, "bob.crt"), "-outform", "DER", "-out", der)
	p12pem := openssl(t, nil, "pkcs12", "-in", filepath.Join(pkiDir, "alice.p12"), "-passin", "pass:trousseau-alice", "-nokeys", "-clcerts")
	tests := []struct {
		name, file, encoding string
		args                 []string
		opensslArgs          []string
		stdin                []byte
		uses                 string
	}{
		{"CA", filepath.Join(pkiDir, "ca.crt"), "PEM", nil, []string{"x509", "-in", filepath.Join(pkiDir, "ca.crt")}, nil, "any,ca"},
		{"user certificate", filepath.Join(pkiDir, "bob.crt"), "PEM", nil, []string{"x509", "-in", filepath.Join(pkiDir, "bob.crt")}, nil, "smime"},
		{"DER file", der, "DER", nil, []string{"x509", "-inform", "DER", "-in", der}, nil, "smime"},
		{"p12", filepath.Join(pkiDir, "alice.p12"), "DER", []string{"--pass", "trousseau-alice"}, []string{"x509"}, []byte(p12pem), "smime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := parseOpenSSL(t, openssl(t, tt.stdin, append(tt.opensslArgs, "-noout", "-text", "-serial")...))
			if want.version == "" || want.serial == "" || want.notAfter.IsZero() || len(want.keyUsage) == 0 {
				t.Fatalf("openssl output not understood: %+v", want)
			}
			code, out, stderr := runCmd(append(append([]string{"cert", "--json"}, tt.args...), tt.file)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got struct {
				Kind, Serial, Email, Encoding string
				Version                       int
				NotBefore                     time.Time `json:"not_before"`
				NotAfter                      time.Time `json:"not_after"`
				ValidityDays                  int       `json:"validity_days"`
				KeyUsage                      []string  `json:"key_usage"`
				ExtKeyUsage                   []string  `json:"ext_key_usage"`
				CA                            bool
				Uses                          []string
			}
			if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &got); err != nil {
				t.Fatal(err)
			}
			sort.Strings(got.KeyUsage)
			sort.Strings(got.ExtKeyUsage)
			checks := []struct{ field, got, want string }{
				{"kind", got.Kind, "certificate"},
				{"version", itoaInt(got.Version), want.version},
				{"serial", got.Serial, want.serial},
				{"email", got.Email, want.email},
				{"encoding", got.Encoding, tt.encoding},
				{"not_before", got.NotBefore.String(), want.notBefore.UTC().String()},
				{"not_after", got.NotAfter.String(), want.notAfter.UTC().String()},
				{"validity_days", itoaInt(got.ValidityDays), itoaInt(int(want.notAfter.Sub(want.notBefore).Hours() / 24))},
				{"key_usage", strings.Join(got.KeyUsage, ","), strings.Join(want.keyUsage, ",")},
				{"ext_key_usage", strings.Join(got.ExtKeyUsage, ","), strings.Join(want.extKeyUsage, ",")},
				{"ca", boolStr(got.CA), boolStr(want.ca)},
				{"uses", strings.Join(got.Uses, ","), tt.uses},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: mailwire %q, openssl %q", c.field, c.got, c.want)
				}
			}
		})
	}
}

func itoaInt(n int) string { return strconv.Itoa(n) }

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestCertText(t *testing.T) {
	tests := []struct {
		lang, file string
		want       []string
	}{
		{"en", "bob.crt", []string{"Encoding: PEM, the base64 text of the DER encoding", "X.509 version 3", "S/MIME only", "3650 days"}},
		{"fr", "ca.crt", []string{"Codage : PEM", "autorité de certification", "Aucun usage étendu"}},
	}
	for _, tt := range tests {
		code, out, stderr := runCmd("cert", "--lang", tt.lang, filepath.Join(pkiDir, tt.file))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		out = strings.ReplaceAll(out, "\u00a0", " ")
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s: no %q in\n%s", tt.lang, tt.file, w, out)
			}
		}
	}
}

func TestCertWrongPasswordExits2(t *testing.T) {
	code, _, stderr := runCmd("cert", "--pass", "nope", filepath.Join(pkiDir, "bob.p12"))
	if code != exitUsage || !strings.Contains(stderr, "wrong password") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}

// The signature of a captured signed message carries its signer's
// certificate; an encrypted one only names its recipients.
func TestCertOnExtractedSMIMEParts(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []string{"smime-signed.pcap", "smime-encrypted.pcap"} {
		if code, _, stderr := runCmd("extract", "--out", filepath.Join(dir, c), "../../captures/"+c); code != exitOK {
			t.Fatalf("extract %s: %s", c, stderr)
		}
	}
	p7s, _ := filepath.Glob(filepath.Join(dir, "smime-signed.pcap", "*.p7s"))
	p7m, _ := filepath.Glob(filepath.Join(dir, "smime-encrypted.pcap", "*.p7m"))
	if len(p7s) == 0 || len(p7m) == 0 {
		t.Fatalf("no .p7s (%v) or .p7m (%v) extracted", p7s, p7m)
	}
	code, out, stderr := runCmd("cert", "--json", p7s[0])
	if code != exitOK || !strings.Contains(out, `"email":"alice@grenoble-inp.example"`) || !strings.Contains(out, `"encoding":"DER"`) {
		t.Errorf(".p7s: exit %d, %s %s", code, out, stderr)
	}
	code, _, stderr = runCmd("cert", p7m[0])
	if code != exitUsage || !strings.Contains(stderr, "serial b") {
		t.Errorf(".p7m: exit %d, %s", code, stderr)
	}
}
