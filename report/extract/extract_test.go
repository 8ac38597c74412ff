package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

func TestSafeName(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"PlainNameKept", "photo.gif", "photo.gif"},
		{"UnicodeKept", "pïxel été.gif", "pïxel été.gif"},
		{"ParentTraversalReducedToBase", "../../etc/passwd", "passwd"},
		{"AbsolutePathReducedToBase", "/etc/shadow", "shadow"},
		{"WindowsPathReducedToBase", `C:\Windows\System32\evil.exe`, "evil.exe"},
		{"DotDotAlone", "..", "unnamed"},
		{"DotAlone", ".", "unnamed"},
		{"Empty", "", "unnamed"},
		{"HiddenFileDotRemoved", ".bashrc", "bashrc"},
		{"WindowsDevice", "CON", "_CON"},
		{"WindowsDeviceWithExtension", "nul.txt", "_nul.txt"},
		{"WindowsDeviceCOM", "com1.gif", "_com1.gif"},
		{"ControlCharacters", "a\x00b\x1b[2J\nc.txt", "a_b_[2J_c.txt"},
		{"ReservedCharacters", `a<b>c:d"e|f?g*h.txt`, "a_b_c_d_e_f_g_h.txt"},
		{"TrailingDotsAndSpaces", "report.pdf. . ", "report.pdf"},
		{"BidiOverrideReplaced", "invoice\u202egpj.exe", "invoice_gpj.exe"},
		{"InvalidUTF8Replaced", "a\xffb.gif", "a_b.gif"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SafeName(c.in); got != c.want {
				t.Errorf("SafeName(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestSafeNameShortensLongNamesKeepingExtension(t *testing.T) {
	got := SafeName(strings.Repeat("é", 300) + ".gif")
	if len(got) > maxName || !strings.HasSuffix(got, ".gif") || !strings.HasPrefix(got, "éé") {
		t.Errorf("got %d bytes %q", len(got), got)
	}
}

// message builds a raw message with one attachment per filename.
func rawMessage(names ...string) []byte {
	var b strings.Builder
	b.WriteString("From: a@lab.fr\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for _, n := range names {
		b.WriteString("--b\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"" + n + "\"\r\n\r\nR0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==\r\n")
	}
	b.WriteString("--b--\r\n")
	return []byte(b.String())
}

func analyzed(session string, packet int64, raw []byte) *record.Message {
	m := message.Analyze(raw, message.Options{KeepRaw: true})
	m.Session, m.Packet = session, packet
	return m
}

func TestHostileNamesStayInsideTheFolder(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	names := []string{"../../escape.gif", "/tmp/abs.gif", `..\..\win.gif`, "CON", "a\x01b.gif", strings.Repeat("x", 400) + ".gif", "same.gif", "same.gif", ""}
	idx, err := Write(dir, []*record.Message{analyzed("cap.pcap#s1", 12, rawMessage(names...))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(idx.Files); got != 1+len(names) {
		t.Fatalf("index has %d files, want %d: %+v", got, 1+len(names), idx.Files)
	}
	outside, _ := os.ReadDir(parent)
	if len(outside) != 1 {
		t.Errorf("files written next to the folder: %v", outside)
	}
	seen := map[string]bool{}
	for _, f := range idx.Files {
		if !filepath.IsLocal(f.Path) || strings.ContainsAny(f.Path, `/\`) {
			t.Errorf("path %q is not a plain local name", f.Path)
		}
		if seen[f.Path] {
			t.Errorf("path %q used twice", f.Path)
		}
		seen[f.Path] = true
		b, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
			t.Errorf("%s: file sha256/size differ from the index", f.Path)
		}
	}
	if idx.Files[0].Kind != "message" || idx.Files[0].Path != "cap.pcap#s1-p12.eml" {
		t.Errorf("first file = %+v", idx.Files[0])
	}
	if a := idx.Files[1]; a.Kind != "attachment" || a.Path != "cap.pcap#s1-p12-escape.gif" || a.Message != "cap.pcap#s1-p12.eml" || a.Filename != "../../escape.gif" {
		t.Errorf("first attachment = %+v", a)
	}
	if idx.Files[8].Path != "cap.pcap#s1-p12-same-2.gif" {
		t.Errorf("second same.gif = %q", idx.Files[8].Path)
	}
}

func TestExistingFilesAndLinksAreNeverWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "s1-p5-a.gif")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s1-p5.eml"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx, err := Write(dir, []*record.Message{analyzed("s1", 5, rawMessage("a.gif"))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("link target overwritten: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "s1-p5.eml")); string(b) != "old" {
		t.Errorf("existing file overwritten: %q", b)
	}
	want := []string{"s1-p5-2.eml", "s1-p5-a-2.gif"}
	for i, f := range idx.Files {
		if f.Path != want[i] {
			t.Errorf("file %d = %q, want %q", i, f.Path, want[i])
		}
	}
	if idx.Path != "index-2.json" {
		t.Errorf("index written to %q", idx.Path)
	}
}

func TestIndexFileListsEverything(t *testing.T) {
	dir := t.TempDir()
	msgs := []*record.Message{
		analyzed("s1", 5, rawMessage("a.gif")),
		{Session: "s2", Packet: 9}, // bytes not kept
	}
	idx, err := Write(dir, msgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back Index
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Files) != 2 || back.Skipped != 1 || back.Files[1].SHA256 != idx.Files[1].SHA256 || back.Files[1].Session != "s1" || back.Files[1].Packet != 5 {
		t.Errorf("index = %s", b)
	}
	eml, _ := os.ReadFile(filepath.Join(dir, "s1-p5.eml"))
	if string(eml) != string(msgs[0].Raw) {
		t.Error(".eml differs from the message bytes")
	}
}

func TestAttachmentLimitWritesTheHashedBytes(t *testing.T) {
	dir := t.TempDir()
	idx, err := Write(dir, []*record.Message{analyzed("s1", 5, rawMessage("a.gif"))}, Options{MaxAttachment: 10})
	if err != nil {
		t.Fatal(err)
	}
	a := idx.Files[1]
	b, _ := os.ReadFile(filepath.Join(dir, a.Path))
	sum := sha256.Sum256(b)
	if len(b) != 10 || a.Size != 10 || !a.Truncated || hex.EncodeToString(sum[:]) != a.SHA256 {
		t.Errorf("attachment = %+v, %d bytes written", a, len(b))
	}
}
