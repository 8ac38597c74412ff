package extract

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSafeName checks that no name from the wire can become a path, a
// device, an empty or over-long name.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"photo.gif", "../../etc/passwd", `C:\x\CON.txt`, "..", "nul", "a\x00b", strings.Repeat("é", 200) + ".gif", "\u202egpj.exe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := SafeName(name)
		base, _, _ := strings.Cut(got, ".")
		switch {
		case got == "" || got == "." || got == "..":
			t.Fatalf("SafeName(%q) = %q", name, got)
		case !filepath.IsLocal(got) || strings.ContainsAny(got, `/\:`):
			t.Fatalf("SafeName(%q) = %q is not a plain name", name, got)
		case len(got) > maxName || !utf8.ValidString(got):
			t.Fatalf("SafeName(%q) = %q too long or not UTF-8", name, got)
		case windowsDevices[strings.ToUpper(strings.TrimRight(base, " "))]:
			t.Fatalf("SafeName(%q) = %q is a device", name, got)
		case strings.HasPrefix(got, ".") || strings.HasSuffix(got, ".") || strings.HasSuffix(got, " "):
			t.Fatalf("SafeName(%q) = %q has a leading dot or trailing dot/space", name, got)
		}
	})
}
