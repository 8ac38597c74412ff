package conformance

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// peersDir is the public peer corpus (captures and the peers' expected
// results, described in its MANIFEST.md), a sibling of the repository.
const peersDir = "../../../shared/corpus/peers"

// peers returns the corpus folder, or skips the test when it is absent.
func peers(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(peersDir, "MANIFEST.md")); err != nil {
		t.Skipf("peer corpus absent (%s/MANIFEST.md): peer conformance not checked", peersDir)
	}
	return peersDir
}

// captureFiles lists every capture of the corpus, relative to it.
func captureFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if isCapture(p) {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func isCapture(name string) bool {
	for _, ext := range []string{".pcap", ".pcapng", ".cap", ".pcap.gz", ".tgz"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// manifestCaptures lists the captures MANIFEST.md describes: each "### `path`"
// heading under a "## peer (owner/repo)" section, as peer/path.
func manifestCaptures(t *testing.T, root string) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "MANIFEST.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	section := regexp.MustCompile(`^## (\S+) `)
	heading := regexp.MustCompile("^### `([^`]+)`")
	listed := map[string]bool{}
	peer := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := section.FindStringSubmatch(sc.Text()); m != nil {
			peer = m[1]
		} else if m := heading.FindStringSubmatch(sc.Text()); m != nil {
			listed[peer+"/"+m[1]] = true
		}
	}
	return listed
}

// TestPeerCapturesReadCleanly reads every capture of the peer corpus:
// no error, no crash, no hang, and records that hold together.
func TestPeerCapturesReadCleanly(t *testing.T) {
	root := peers(t)
	files := captureFiles(t, root)
	listed := manifestCaptures(t, root)
	if len(files) < 100 {
		t.Fatalf("only %d captures found under %s", len(files), root)
	}
	onDisk := map[string]bool{}
	for _, rel := range files {
		onDisk[rel] = true
	}
	for rel := range listed {
		if !onDisk[rel] {
			t.Errorf("MANIFEST.md describes %s, which is not in the corpus", rel)
		}
	}
	for _, rel := range files {
		if !listed[rel] {
			t.Errorf("%s is not described in MANIFEST.md: add its facts", rel)
		}
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(root, rel)
			if strings.HasSuffix(rel, ".tgz") {
				checkArchiveRefused(t, path)
				return
			}
			a := analyse(t, path)
			checkConsistent(t, a)
		})
	}
}

// checkArchiveRefused: a tar archive is not a capture; mailwire must say so
// rather than fail obscurely (the corpus keeps the extracted copy too).
func checkArchiveRefused(t *testing.T, path string) {
	_, err := run(path)
	if err == nil {
		t.Fatal("a gzip tar archive was read as a capture")
	}
	if !strings.Contains(err.Error(), "tar") {
		t.Errorf("the error does not name the tar archive: %v", err)
	}
}

// checkConsistent: every record belongs to a reported session and points at
// a frame of the capture.
func checkConsistent(t *testing.T, a *analysis) {
	t.Helper()
	if a.res.Capture.Packets == 0 {
		t.Fatal("no packets read")
	}
	ids := map[string]bool{}
	for _, s := range a.sessions {
		ids[s.ID] = true
	}
	last := a.res.Capture.Packets
	frame := func(kind, sess string, p int64) {
		if sess != "" && !ids[sess] {
			t.Errorf("%s record of unknown session %q", kind, sess)
		}
		if p < 1 || p > last {
			t.Errorf("%s record at frame %d outside 1..%d", kind, p, last)
		}
	}
	for _, c := range a.commands {
		frame("command", c.Session, c.Packet)
	}
	for _, c := range a.creds {
		frame("credential", c.Session, c.Packet)
	}
	for _, m := range a.messages {
		frame("message", m.Session, m.Packet)
	}
	for _, s := range a.starttls {
		frame("starttls", s.Session, s.Packet)
	}
}

// fact is one thing a peer's own tests (or the manifest's decode of a classic
// capture) say about a capture, checked on mailwire's records.
type fact struct {
	name  string // peer/behaviour: the subtest name
	file  string // capture, relative to the corpus
	check check
	// bug, when set, says how mailwire is wrong here; the case is skipped
	// until its owner fixes it, and passes once fixed.
	bug string
}

// TestPeerFacts checks the facts the peers agree on, one case per capture
// and fact.
func TestPeerFacts(t *testing.T) {
	root := peers(t)
	names := map[string]bool{}
	for _, f := range peerFacts {
		if names[f.name] {
			t.Fatalf("two facts named %s", f.name)
		}
		names[f.name] = true
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			a := analyse(t, filepath.Join(root, f.file))
			err := f.check(a)
			switch {
			case err != nil && f.bug != "":
				t.Skipf("mailwire bug: %s (%v)", f.bug, err)
			case err != nil:
				t.Errorf("%s: %v", f.file, err)
			case f.bug != "":
				t.Logf("fixed: %s now holds; drop its bug mark", f.name)
			}
		})
	}
}

// difference is a fact where a peer and mailwire disagree and the capture
// proves mailwire right.
type difference struct {
	name     string
	file     string
	peer     check // what the peer expects: must not hold
	mailwire check // what the capture shows: must hold
	reason   string
}

// TestPeerKnownDifferences keeps each listed disagreement honest: mailwire
// still reports what the capture shows, and the peer's claim still differs
// (otherwise the entry is stale and must go).
func TestPeerKnownDifferences(t *testing.T) {
	root := peers(t)
	for _, d := range knownDifferences {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			a := analyse(t, filepath.Join(root, d.file))
			if err := d.mailwire(a); err != nil {
				t.Errorf("%s: mailwire no longer reports what the capture shows: %v", d.file, err)
			}
			if d.peer(a) == nil {
				t.Errorf("%s: mailwire now agrees with the peer; the difference (%s) is stale", d.file, d.reason)
			}
		})
	}
}

// TestChecksRejectWrongFacts guards the checks themselves: on a capture they
// accept, a fact changed in one field must fail.
func TestChecksRejectWrongFacts(t *testing.T) {
	root := peers(t)
	a := analyse(t, filepath.Join(root, cred+"smtp.pcap"))
	right := []check{
		credential("LOGIN", "gurpartap@patriots.in", "punjab@123", yes),
		envelope("<gurpartap@patriots.in>", "<raj_deol2002in@yahoo.co.in>"),
		attachment("NEWS.txt", 10807, ""),
		helo("GP"),
		session("10.10.1.4:1470", "74.53.140.153:25", "smtp", "cleartext"),
		subject("SMTP"),
	}
	wrong := map[string]check{
		"password":        credential("LOGIN", "gurpartap@patriots.in", "punjab@124", yes),
		"accepted":        credential("LOGIN", "gurpartap@patriots.in", "punjab@123", no),
		"extra recipient": envelope("<gurpartap@patriots.in>", "<raj_deol2002in@yahoo.co.in>", "<x@y>"),
		"size":            attachment("NEWS.txt", 10806, ""),
		"sha256":          attachment("NEWS.txt", -1, "00"),
		"helo":            helo("GQ"),
		"security":        session("10.10.1.4:1470", "74.53.140.153:25", "smtp", "starttls"),
		"subject":         subject("SMTP "),
		"count":           credentials(2),
		"md5":             extractedMD5("attachment", "NEWS.txt", "00"),
	}
	for i, c := range right {
		if err := c(a); err != nil {
			t.Errorf("right fact %d rejected: %v", i, err)
		}
	}
	for name, c := range wrong {
		if c(a) == nil {
			t.Errorf("fact with a wrong %s accepted", name)
		}
	}
}
