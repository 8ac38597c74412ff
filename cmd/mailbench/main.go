// Command mailbench measures mailwire end to end on a synthetic mail
// capture and puts the figures beside two references measured in the same
// run, so that ratios stay comparable on a noisy machine: the floor (read,
// decode and reassemble, throwing the data away) and tshark's credential
// extraction, when tshark is installed.
package main

import (
	"bufio"
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
	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen/mailgen"
)

func main() {
	mb := flag.Int("mb", mailgen.BenchMB(), "size of the synthetic capture in MB (MAILWIRE_BENCH_MB)")
	bin := flag.String("mailwire", "bin/mailwire", "the mailwire binary to measure")
	flag.Parse()
	if err := bench(*mb, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "mailbench:", err)
		os.Exit(1)
	}
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
	floor, packets, err := measureFloor(path)
	if err != nil {
		return err
	}
	runs := []run{floor}
	mw, err := measureMailwire(bin, path, exp)
	if err != nil {
		return err
	}
	runs = append(runs, mw)
	if ts, err := measureTshark(path, exp); err == nil {
		runs = append(runs, ts)
	} else {
		fmt.Println("tshark:", err)
	}
	fmt.Printf("%-28s %9s %9s %10s %12s %9s %13s %9s\n", "", "wall", "cpu", "MB/s", "packets/s", "RSS MiB", "credentials", "messages")
	for _, r := range runs {
		fmt.Printf("%-28s %8.2fs %8.2fs %10.0f %12.0f %9.0f %7d/%-5d %9s  %s\n", r.name, r.wall.Seconds(), r.cpu.Seconds(),
			size/r.wall.Seconds(), float64(packets)/r.wall.Seconds(), r.rssMiB, r.found, len(exp.Credentials), count(r.messages), r.note)
	}
	fmt.Printf("\nmailwire / floor: %.1fx the time", mw.wall.Seconds()/floor.wall.Seconds())
	if len(runs) == 3 {
		fmt.Printf("; tshark / mailwire: mailwire is %.1fx faster", runs[2].wall.Seconds()/mw.wall.Seconds())
	}
	fmt.Printf("; mailwire used %.1f cores on average\n", mw.cpu.Seconds()/mw.wall.Seconds())
	return nil
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
	scan(out)
	if err := cmd.Wait(); err != nil {
		return run{}, fmt.Errorf("%s: %w", name, err)
	}
	r := run{name: name, wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMiB = float64(ru.Maxrss) / 1024
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r, nil
}

func measureMailwire(bin, path string, exp *mailgen.Expected) (run, error) {
	users := map[string]bool{}
	msgs := 0
	r, err := measure("mailwire read --json", exec.Command(bin, "read", "--json", "--progress", "never", path), func(out io.Reader) {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var rec struct {
				Kind, Username string
				Attachments    []struct{ SHA256 string }
			}
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
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
