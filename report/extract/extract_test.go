package extract

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
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

// bigMessage is a message of a quoted-printable attachment (read whole)
// then a base64 one of n bytes (read on the way), and the second's bytes.
func bigMessage(n int) (raw, data []byte) {
	data = make([]byte, n)
	for i := range data {
		data[i] = byte(i * 7)
	}
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.WriteString("Subject: big\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n" +
		"Content-Type: text/plain; name=first.txt\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n" +
		"--q\r\nContent-Type: application/octet-stream; name=second.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for i := 0; i < len(enc); i += 76 {
		b.WriteString(enc[i:min(i+76, len(enc))] + "\r\n")
	}
	b.WriteString("--q--\r\n")
	return []byte(b.String()), data
}

// A message too large to keep in memory reaches the extraction in a
// temporary file: the .eml is its bytes, the attachments are written in
// the order of the message, whichever was read on the way.
func TestLargeMessageIsExtractedFromItsFile(t *testing.T) {
	raw, data := bigMessage(3 << 20)
	s := message.NewStream(message.Options{KeepRaw: true})
	for i := 0; i < len(raw); i += 5000 {
		s.Write(raw[i:min(i+5000, len(raw))])
	}
	m := s.Message()
	if m.RawFile == nil || m.Raw != nil {
		t.Fatalf("a %d-byte message kept in memory (Raw %d bytes, file %v)", len(raw), len(m.Raw), m.RawFile)
	}
	m.Session, m.Packet = "s1", 7
	dir := t.TempDir()
	idx, err := Write(dir, []*record.Message{m}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.RawFile != nil {
		t.Error("the temporary file was not closed")
	}
	eml, _ := os.ReadFile(filepath.Join(dir, "s1-p7.eml"))
	if !bytes.Equal(eml, raw) {
		t.Fatalf(".eml of %d bytes differs from the %d bytes of the message", len(eml), len(raw))
	}
	var names []string
	for _, f := range idx.Files[1:] {
		names = append(names, f.Filename)
	}
	if len(idx.Files) != 3 || strings.Join(names, ",") != "first.txt,second.bin" {
		t.Fatalf("files %+v", idx.Files)
	}
	first, _ := os.ReadFile(filepath.Join(dir, idx.Files[1].Path))
	second, _ := os.ReadFile(filepath.Join(dir, idx.Files[2].Path))
	sum := sha256.Sum256(data)
	if string(first) != "café" || !bytes.Equal(second, data) || idx.Files[2].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("first %q, second %d bytes (want %d), index %+v", first, len(second), len(data), idx.Files[2])
	}
}

// Extracting a large attachment holds little memory: it waits in a
// temporary file until its name is known.
func TestExtractionHoldsNoAttachment(t *testing.T) {
	raw, _ := bigMessage(16 << 20)
	dir := t.TempDir()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	_, err = message.Extract(bytes.NewReader(raw), message.Options{}, func(a *record.Attachment) (io.WriteCloser, error) {
		n++
		f, _, err := w.create(a.Filename)
		return f, err
	})
	runtime.ReadMemStats(&after)
	if err != nil || n != 2 {
		t.Fatalf("%d attachments written, error %v", n, err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 4<<20 {
		t.Errorf("extracting a %d MiB message allocated %d MiB", len(raw)>>20, grown>>20)
	}
}
