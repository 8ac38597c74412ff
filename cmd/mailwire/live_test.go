//go:build cgo && linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLiveCaptureOnRealServers starts the lab's postfix and dovecot in a
// network namespace of its own (so that its ports are free and nothing
// else is captured), runs `mailwire live -i lo` there while swaks logs in,
// sends a message and upgrades with STARTTLS, and checks the records; then
// it checks that the pcapng written during the capture reads back to the
// same records; once with each capture source. It needs root; in CI it
// fails rather than skip.
func TestLiveCaptureOnRealServers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real mail servers")
	}
	if reason := liveUnavailable(); reason != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the live-capture test cannot run in CI: %s", reason)
		}
		t.Skip(reason)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mailwire")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ns := fmt.Sprintf("mailwire-live-%d", os.Getpid())
	netns(t, ns)
	// The servers run as their own users: their folder must be reachable,
	// which a test's private temporary folder is not.
	lab, err := os.MkdirTemp("", "mailwire-live-lab")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(lab, 0o755)
	t.Cleanup(func() { os.RemoveAll(lab) })
	serve(t, ns, lab)

	// AF_PACKET reads one socket, or three in a fanout group, each
	// analysed on its own core; libpcap reads one.
	for _, c := range []struct{ source, shares string }{{"afpacket", "1"}, {"afpacket", "3"}, {"pcap", "1"}} {
		t.Run(c.source+"-"+c.shares, func(t *testing.T) { liveAndReadBack(t, bin, ns, c.source, c.shares) })
	}
}

// liveAndReadBack captures the lab's clients with one capture source and
// compares the live records with the written capture's.
func liveAndReadBack(t *testing.T, bin, ns, source, shares string) {
	pcapng := filepath.Join(t.TempDir(), "live.pcapng")
	jsonPath := filepath.Join(t.TempDir(), "live.jsonl")
	live := exec.Command("ip", "netns", "exec", ns, bin, "live", "-i", "lo", "--json", "--source", source, "--shares", shares,
		"--write", pcapng, "--output", jsonPath, "--fail-on", "high")
	// Read while the command writes them: locked.
	var stdout, stderr lockedBuffer
	live.Stdout, live.Stderr = &stdout, &stderr
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, &stderr, "capturing on lo")
	if !strings.Contains(stderr.String(), "source "+source) {
		t.Fatalf("asked for source %s: %s", source, stderr.String())
	}
	if sockets := strings.Contains(stderr.String(), shares+" sockets"); sockets != (shares != "1") {
		t.Fatalf("asked for %s shares: %s", shares, stderr.String())
	}
	swaks(t, ns, "--port", "587", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "Wonderland!42",
		"--from", "alice@grenoble-inp.example", "--to", "alice@grenoble-inp.example",
		"--header", "Subject: live capture test", "--body", "Sent while mailwire was watching.")
	swaks(t, ns, "--port", "25", "-tls", "--from", "bob@grenoble-inp.example", "--to", "alice@grenoble-inp.example",
		"--header", "Subject: over TLS")
	time.Sleep(500 * time.Millisecond)
	live.Process.Signal(syscall.SIGINT)
	// The AUTH PLAIN in clear on 587 is a high finding: --fail-on high
	// exits 1, and the records went to --output, not to stdout.
	if err := live.Wait(); live.ProcessState == nil || live.ProcessState.ExitCode() != exitFindings {
		t.Fatalf("mailwire live --fail-on high: %v, want exit status %d\n%s", err, exitFindings, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Fatalf("mailwire live --json --output wrote to stdout: %.200s", stdout.String())
	}
	written, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatalf("--output: %v", err)
	}
	recs := parseLines(t, string(written))
	checkLiveRecords(t, recs)
	back, err := exec.Command(bin, "read", "--json", "--progress", "never", pcapng).Output()
	if err != nil {
		t.Fatalf("reading the written capture back: %v", err)
	}
	if onlyLive, onlyBack := differ(comparable(recs), comparable(parseLines(t, string(back)))); len(onlyLive)+len(onlyBack) > 0 {
		t.Fatalf("live records and the written capture's differ:\nonly live:\n%s\nonly read back:\n%s", strings.Join(onlyLive, "\n"), strings.Join(onlyBack, "\n"))
	}
}

func liveUnavailable() string {
	if os.Geteuid() != 0 {
		return "needs root (network namespace, lab servers, capture)"
	}
	for _, c := range []string{"ip", "swaks", "postfix", "dovecot"} {
		if _, err := exec.LookPath(c); err != nil {
			if _, err := os.Stat("/usr/sbin/" + c); err != nil {
				return c + " is not installed (make test installs it)"
			}
		}
	}
	return ""
}

func netns(t *testing.T, ns string) {
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "delete", ns).Run() })
	if out, err := exec.Command("ip", "-n", ns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo up: %v: %s", err, out)
	}
}

// serve starts the lab servers of captures/ in the namespace. Their output
// goes to a file: the daemons keep it open, a pipe would never close.
func serve(t *testing.T, ns, lab string) {
	log, err := os.CreateTemp("", "mailwire-live-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(log.Name())
	defer log.Close()
	script, _ := filepath.Abs("../../captures/make.sh")
	cmd := exec.Command("ip", "netns", "exec", ns, "env", "MAILWIRE_LAB="+lab, "bash", script, "--serve")
	cmd.Stdout, cmd.Stderr = log, log
	stop := func() {
		c := exec.Command("ip", "netns", "exec", ns, "env", "MAILWIRE_LAB="+lab, "bash", script, "--stop")
		c.Run()
	}
	t.Cleanup(stop)
	if err := cmd.Run(); err != nil {
		out, _ := os.ReadFile(log.Name())
		t.Fatalf("the lab servers did not start: %v\n%s", err, out)
	}
}

func swaks(t *testing.T, ns string, args ...string) {
	full := append([]string{"netns", "exec", ns, "swaks", "--server", "127.0.0.1", "--silent", "2"}, args...)
	if out, err := exec.Command("ip", full...).CombinedOutput(); err != nil {
		t.Fatalf("swaks %v: %v\n%s", args, err, out)
	}
}

// lockedBuffer is a buffer a test reads while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Len() int { return len(l.String()) }

func waitFor(t *testing.T, buf *lockedBuffer, what string) {
	for i := 0; i < 100; i++ {
		if strings.Contains(buf.String(), what) {
			time.Sleep(300 * time.Millisecond) // the handle is active; let the filter settle
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("mailwire live did not start: %s", buf.String())
}

func parseLines(t *testing.T, out string) []map[string]any {
	var recs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		recs = append(recs, m)
	}
	return recs
}

func checkLiveRecords(t *testing.T, recs []map[string]any) {
	var cred, msg, tls bool
	for _, r := range recs {
		switch r["kind"] {
		case "credential":
			cred = cred || (r["username"] == "alice" && r["mechanism"] == "PLAIN" && r["accepted"] == true && r["password"] == nil)
		case "message":
			msg = msg || (r["subject"] == "live capture test" && r["envelope_from"] == "alice@grenoble-inp.example")
		case "starttls":
			tls = tls || (r["accepted"] == true && r["tls_seen"] == true)
		}
	}
	if !cred || !msg || !tls {
		t.Fatalf("credential %v, message %v, starttls %v in:\n%v", cred, msg, tls, recs)
	}
}

// comparable keeps the records both runs must agree on, one JSON line
// each, sorted: the capture and summary records name the source, and live
// output comes in the order records complete.
func comparable(recs []map[string]any) []string {
	// Shares read at once number sessions in the order they are
	// recognised, which is not always the capture's: a session is named
	// by its ends and first frame.
	names := map[any]string{}
	for _, r := range recs {
		if r["kind"] == "session" {
			names[r["id"]] = fmt.Sprint(r["client"], ">", r["server"], "@", r["packet"])
		}
	}
	var out []string
	for _, r := range recs {
		if r["kind"] == "capture" || r["kind"] == "summary" {
			continue
		}
		if n, ok := names[r["session"]]; ok {
			r["session"] = n
		}
		if n, ok := names[r["id"]]; ok && r["kind"] == "session" {
			r["id"] = n
		}
		b, _ := json.Marshal(r)
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// differ returns the lines of two sorted lists that the other lacks.
func differ(a, b []string) (onlyA, onlyB []string) {
	count := map[string]int{}
	for _, l := range a {
		count[l]++
	}
	for _, l := range b {
		count[l]--
	}
	for l, n := range count {
		for ; n > 0; n-- {
			onlyA = append(onlyA, l)
		}
		for ; n < 0; n++ {
			onlyB = append(onlyB, l)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA, onlyB
}

// TestLiveAsNormalUserPrintsSetcap runs `mailwire live` as a user who may
// not capture (this one, or nobody when the tests run as root) and checks
// that the refusal says how to allow it.
func TestLiveAsNormalUserPrintsSetcap(t *testing.T) {
	dir, err := os.MkdirTemp("", "mailwire-user")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755) // nobody must reach the binary
	bin := filepath.Join(dir, "mailwire")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "live", "-i", "lo", "--duration", "1s")
	if os.Geteuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("running as root without setpriv (util-linux) to become a normal user")
		}
		cmd = exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", bin, "live", "-i", "lo", "--duration", "1s")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitUsage {
		t.Fatalf("exit %d (%v), want %d: %s", code, err, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), "setcap cap_net_raw,cap_net_admin=eip "+bin) {
		t.Fatalf("no setcap line for %s in: %s", bin, stderr.String())
	}
}
