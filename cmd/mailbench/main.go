// Command mailbench measures mailwire end to end on a synthetic mail
// capture and puts the figures beside two references measured in the same
// run, so that ratios stay comparable on a noisy machine: the floor (read,
// decode and reassemble, throwing the data away) and tshark's credential
// extraction, when tshark is installed. A second capture of many short
// sessions checks that memory stays bounded when records, not bytes, are
// what grows.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/testdata/pcapgen/mailgen"
)

func main() {
	mb := flag.Int("mb", mailgen.BenchMB(), "size of the synthetic capture in MB (MAILWIRE_BENCH_MB)")
	bin := flag.String("mailwire", "bin/mailwire", "the mailwire binary to measure")
	sessions := flag.Int("sessions", 200000, "sessions of the many-sessions capture (0: skip it)")
	flag.Parse()
	err := bench(*mb, *bin)
	if err == nil && *sessions > 0 {
		err = benchSessions(*sessions, *bin)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mailbench:", err)
		os.Exit(1)
	}
}

// rssBound is the resident memory mailwire must stay under, whatever the
// capture.
const rssBound = 256

// benchSessions analyses a capture of n short sessions and checks that
// every one is reported within the memory bound.
func benchSessions(n int, bin string) error {
	fmt.Printf("\ngenerating a capture of %d short sessions (kept for later runs)...\n", n)
	path, exp, err := mailgen.ManySessionsFile(n)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	sessions := 0
	r, err := measure("mailwire read --json", exec.Command(bin, "read", "--json", "--progress", "never", path), func(out io.Reader) {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), `{"kind":"session"`) {
				sessions++
			}
		}
	})
	if err != nil {
		return err
	}
	verdict := "ok"
	if sessions != exp.Sessions || r.rssMiB >= rssBound {
		verdict = "FAILED"
	}
	fmt.Printf("%s: %.0f MB, %d sessions: %d analysed in %.2fs (%.1f cores), peak RSS %.0f MiB (bound %d MiB): %s\n",
		path, float64(st.Size())/1e6, exp.Sessions, sessions, r.wall.Seconds(), r.cpu.Seconds()/r.wall.Seconds(), r.rssMiB, rssBound, verdict)
	if verdict != "ok" {
		return fmt.Errorf("the many-sessions capture was not analysed whole within %d MiB", rssBound)
	}
	return benchReport(path, bin, exp.Sessions)
}

// benchReport lays out the text report of the many-sessions capture and
// checks that it lists every session within the memory bound.
func benchReport(path, bin string, want int) error {
	rows := 0
	r, err := measure("mailwire read (text)", exec.Command(bin, "read", "--lang", "en", "--color", "never", "--progress", "never", path), func(out io.Reader) {
		rows = sessionRows(out)
	})
	if err != nil {
		return err
	}
	verdict := "ok"
	if rows != want || r.rssMiB >= rssBound {
		verdict = "FAILED"
	}
	fmt.Printf("text report of it: %d of %d sessions listed in %.2fs (%.1f cores), peak RSS %.0f MiB (bound %d MiB): %s\n",
		rows, want, r.wall.Seconds(), r.cpu.Seconds()/r.wall.Seconds(), r.rssMiB, rssBound, verdict)
	if verdict != "ok" {
		return fmt.Errorf("the text report of the many-sessions capture did not list every session within %d MiB", rssBound)
	}
	return nil
}

// sessionRows counts the rows of the sessions table of a text report:
// the lines that start with a session id between its heading and the
// next section's.
func sessionRows(out io.Reader) int {
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	in, rows := false, 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "Sessions":
			in = true
		case strings.HasPrefix(line, "What an eavesdropper learned"):
			in = false
		case in && strings.HasPrefix(line, "  s") && len(line) > 3 && line[3] >= '0' && line[3] <= '9':
			rows++
		}
	}
	return rows
}

// run is one measured command.
type run struct {
	name     string
	wall     time.Duration
	cpu      time.Duration
	rssMiB   float64
	found    int // usernames found, of the expected ones
	messages int
	note     string
}

func bench(mb int, bin string) error {
	fmt.Printf("generating a synthetic capture of about %d MB (kept for later runs)...\n", mb)
	path, exp, err := mailgen.BenchFile(mb)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	size := float64(st.Size()) / 1e6
	fmt.Printf("%s: %.0f MB, %d sessions, %d credentials, %d messages\n\n", path, size, exp.Sessions, len(exp.Credentials), len(exp.Messages))
	// The floor, mailwire and tshark run in turns, and the best of each
	// counts: a single run on a shared machine measures the neighbours as
	// much as the program (the first one also fills the page cache).
	var floor, mw, ts run
	var packets int64
	walls := map[string][]string{}
	tshark := true
	for i := 0; i < repeats; i++ {
		f, n, err := measureFloor(path)
		if err != nil {
			return err
		}
		m, err := measureMailwire(bin, path, exp)
		if err != nil {
			return err
		}
		packets = n
		floor, mw = best(floor, f), best(mw, m)
		walls["floor"] = append(walls["floor"], fmt.Sprintf("%.2f", f.wall.Seconds()))
		walls["mailwire"] = append(walls["mailwire"], fmt.Sprintf("%.2f", m.wall.Seconds()))
		if !tshark {
			continue
		}
		t, err := measureTshark(path, exp)
		if err != nil {
			fmt.Println("tshark:", err)
			tshark = false
			continue
		}
		ts = best(ts, t)
		walls["tshark"] = append(walls["tshark"], fmt.Sprintf("%.2f", t.wall.Seconds()))
	}
	fmt.Printf("best of %d runs; floor %s s, mailwire %s s", repeats, strings.Join(walls["floor"], " "), strings.Join(walls["mailwire"], " "))
	runs := []run{floor, mw}
	if tshark {
		fmt.Printf(", tshark %s s", strings.Join(walls["tshark"], " "))
		runs = append(runs, ts)
	}
	fmt.Println()
	fmt.Printf("%-28s %9s %9s %10s %12s %9s %13s %9s\n", "", "wall", "cpu", "MB/s", "packets/s", "RSS MiB", "credentials", "messages")
	for _, r := range runs {
		fmt.Printf("%-28s %8.2fs %8.2fs %10.0f %12.0f %9.0f %7d/%-5d %9s  %s\n", r.name, r.wall.Seconds(), r.cpu.Seconds(),
			size/r.wall.Seconds(), float64(packets)/r.wall.Seconds(), r.rssMiB, r.found, len(exp.Credentials), count(r.messages), r.note)
	}
	fmt.Printf("\nmailwire / floor: %.1fx the time, %.1fx the CPU", mw.wall.Seconds()/floor.wall.Seconds(), mw.cpu.Seconds()/floor.cpu.Seconds())
	if len(runs) == 3 {
		fmt.Printf("; tshark / mailwire: mailwire is %.1fx faster", runs[2].wall.Seconds()/mw.wall.Seconds())
	}
	fmt.Printf("; mailwire used %.1f cores on average\n", mw.cpu.Seconds()/mw.wall.Seconds())
	return nil
}

// repeats is how many times the floor, mailwire and tshark run.
const repeats = 3

// best is the faster of two runs (b when a is not set).
func best(a, b run) run {
	if a.wall == 0 || b.wall < a.wall {
		return b
	}
	return a
}

func count(n int) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func measureFloor(path string) (run, int64, error) {
	start := time.Now()
	cpu0 := cpuTime()
	src, err := capfile.Open(path)
	if err != nil {
		return run{}, 0, err
	}
	defer src.Close()
	st, err := reassembly.Run(src, reassembly.Discard, reassembly.DefaultOptions())
	return run{name: "floor (read+decode+reassembly)", wall: time.Since(start), cpu: cpuTime() - cpu0, found: -1, messages: -1,
		note: "discards the data"}, st.Packets, err
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs a command, feeding its standard output to scan.
func measure(name string, cmd *exec.Cmd, scan func(io.Reader)) (run, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return run{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return run{}, err
	}
	done := make(chan struct{})
	peak := peakRSS(cmd.Process.Pid, done)
	scan(out)
	err = cmd.Wait()
	close(done)
	if err != nil {
		return run{}, fmt.Errorf("%s: %w", name, err)
	}
	r := run{name: name, wall: time.Since(start), rssMiB: <-peak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r, nil
}

// peakRSS follows a child's resident high-water mark (VmHWM) until done is
// closed, and then sends it in MiB. The child's rusage cannot tell it: Go
// starts children with vfork, so their Maxrss counts the parent's own
// high-water mark too, and this program has just generated a capture.
func peakRSS(pid int, done <-chan struct{}) <-chan float64 {
	out := make(chan float64, 1)
	status := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		peak := 0.0
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(status); err == nil {
				peak = max(peak, vmHWM(b))
			}
			select {
			case <-done:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// vmHWM reads the VmHWM line of /proc/PID/status, in MiB.
func vmHWM(status []byte) float64 {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb)
			return kb / 1024
		}
	}
	return 0
}

func measureMailwire(bin, path string, exp *mailgen.Expected) (run, error) {
	users := map[string]bool{}
	msgs := 0
	r, err := measure("mailwire read --json", exec.Command(bin, "read", "--json", "--progress", "never", path), func(out io.Reader) {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			// Only the records counted are decoded: the reader must not
			// be what slows mailwire down.
			line := sc.Bytes()
			if !bytes.HasPrefix(line, []byte(`{"kind":"credential"`)) && !bytes.HasPrefix(line, []byte(`{"kind":"message"`)) {
				continue
			}
			var rec struct {
				Kind, Username string
			}
			if json.Unmarshal(line, &rec) != nil {
				continue
			}
			switch rec.Kind {
			case "credential":
				users[rec.Username] = true
			case "message":
				msgs++
			}
		}
	})
	r.found = expectedFound(exp, func(u string) bool { return users[u] })
	r.messages = msgs
	r.note = "every credential, message and attachment hash"
	return r, err
}

func measureTshark(path string, exp *mailgen.Expected) (run, error) {
	if _, err := exec.LookPath("tshark"); err != nil {
		return run{}, fmt.Errorf("not installed, no comparison")
	}
	var text strings.Builder
	r, err := measure("tshark -z credentials", exec.Command("tshark", "-r", path, "-q", "-z", "credentials"), func(out io.Reader) {
		io.Copy(&text, out)
	})
	all := text.String()
	r.found = expectedFound(exp, func(u string) bool { return strings.Contains(all, u) })
	r.messages = -1
	r.note = "usernames only, no passwords"
	return r, err
}

func expectedFound(exp *mailgen.Expected, has func(string) bool) int {
	n := 0
	for _, c := range exp.Credentials {
		if has(c.Username) {
			n++
		}
	}
	return n
}
