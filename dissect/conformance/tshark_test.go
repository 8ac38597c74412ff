package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tshark starts in about a quarter of a second of CPU, far more than it
// takes to read one of the small captures; so captures are merged with
// mergecap into a few files, each capture keeping its own pcapng interface,
// and tshark reads each merged file once. Captures that share a TCP
// connection (the derived copies of one scenario) go to different merged
// files, so that tshark never mixes two copies of a conversation.

// capture is one capture of captures/ with mailwire's analysis of it.
type capture struct {
	name string
	path string
	a    *analysis
}

// tools returns tshark and mergecap, or skips the test.
func tools(t *testing.T) (tshark, mergecap string) {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed: the cross-check against Wireshark's dissectors is skipped (CI installs it)")
	}
	mergecap, err = exec.LookPath("mergecap")
	if err != nil {
		t.Skip("mergecap (wireshark-common) not installed: the tshark cross-check is skipped")
	}
	return tshark, mergecap
}

// groups splits captures into the sets read by one tshark invocation: a
// capture cut in the middle of a packet alone (mergecap stops at the cut),
// the others merged as long as no TCP connection repeats in a set.
func groups(caps []*capture) [][]*capture {
	var out [][]*capture
	var seen []map[string]bool
next:
	for _, c := range caps {
		if c.a.res.Capture.Truncated {
			out = append(out, []*capture{c})
			seen = append(seen, nil)
			continue
		}
		conns := connections(c.a)
		for i, g := range out {
			if seen[i] == nil || overlaps(seen[i], conns) {
				continue
			}
			out[i] = append(g, c)
			for k := range conns {
				seen[i][k] = true
			}
			continue next
		}
		out = append(out, []*capture{c})
		seen = append(seen, conns)
	}
	return out
}

func connections(a *analysis) map[string]bool {
	m := map[string]bool{}
	for _, s := range a.sessions {
		m[pair(s.Client, s.Server)] = true
	}
	return m
}

func overlaps(a, b map[string]bool) bool {
	for k := range b {
		if a[k] {
			return true
		}
	}
	return false
}

// readGroup runs tshark once over a group and returns each capture's view.
func readGroup(t *testing.T, tshark, mergecap string, group []*capture) []*tsharkView {
	t.Helper()
	path := group[0].path
	if len(group) > 1 {
		path = filepath.Join(t.TempDir(), "merged.pcapng")
		args := []string{"-a", "-I", "none", "-F", "pcapng", "-w", path}
		for _, c := range group {
			args = append(args, c.path)
		}
		if out, err := exec.Command(mergecap, args...).CombinedOutput(); err != nil {
			t.Fatalf("mergecap: %v\n%s", err, out)
		}
	}
	args := []string{"-r", path, "-n", "-Y", "smtp.req || imap.request || pop.request",
		// The scripts' second and broken SMTP servers listen on 2525 and
		// 2526: tshark dissects SMTP there only when told to.
		"-d", "tcp.port==2525,smtp", "-d", "tcp.port==2526,smtp",
		"-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + aggregator}
	for _, f := range tsharkFields {
		args = append(args, "-e", f)
	}
	if len(group) == 1 {
		args = append(args, "-z", "conv,tcp") // a pcap file has no interface id to filter on
	} else {
		for i := range group {
			args = append(args, "-z", fmt.Sprintf("conv,tcp,frame.interface_id==%d", i))
		}
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tshark, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// A capture cut in the middle of a packet is read up to the cut, and
	// then tshark exits 2 with this message: what it read stands.
	if err != nil && !strings.Contains(stderr.String(), "cut short in the middle of a packet") {
		t.Fatalf("tshark %s: %v\n%s", path, err, stderr.String())
	}
	return parseTshark(t, out, group)
}

var (
	// conversationLine is a row of `-z conv,tcp`.
	conversationLine = regexp.MustCompile(`^(\S+)\s+<->\s+(\S+)\s+\d+`)
	// filterLine names the interface, hence the capture, of a table.
	filterLine = regexp.MustCompile(`^Filter:frame\.interface_id==(\d+)`)
)

// parseTshark splits tshark's output by capture: frames by their interface
// (numbered again from 1 within their capture), conversation tables by
// their filter.
func parseTshark(t *testing.T, out []byte, group []*capture) []*tsharkView {
	t.Helper()
	views := make([]*tsharkView, len(group))
	offsets := make([]int64, len(group))
	var total int64
	for i, c := range group {
		views[i] = &tsharkView{}
		offsets[i] = total
		total += c.a.res.Capture.Packets
	}
	table := 0 // the capture whose conversation table is being read
	inTables := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "===="):
			inTables = true
		case !inTables:
			f := strings.Split(line, "\t")
			i := iface(t, f, len(group))
			views[i].addRequest(t, f, offsets[i])
			checkFrame(t, f[0], offsets[i], group[i])
		case filterLine.MatchString(line):
			table, _ = strconv.Atoi(filterLine.FindStringSubmatch(line)[1])
		default:
			if m := conversationLine.FindStringSubmatch(line); m != nil && table >= 0 && table < len(group) {
				views[table].conversations = append(views[table].conversations, pair(m[1], m[2]))
			}
		}
	}
	return views
}

func iface(t *testing.T, f []string, n int) int {
	t.Helper()
	if len(f) != len(tsharkFields) {
		t.Fatalf("tshark printed %d fields, want %d: %q", len(f), len(tsharkFields), f)
	}
	if f[1] == "" && n == 1 {
		return 0 // a pcap file read alone has no interface block
	}
	i, err := strconv.Atoi(f[1])
	if err != nil || i < 0 || i >= n {
		t.Fatalf("tshark interface %q: want one interface per merged capture (0..%d)", f[1], n-1)
	}
	return i
}

// checkFrame guards the renumbering: a frame of capture c must fall within
// its packets, as mailwire counted them.
func checkFrame(t *testing.T, field string, offset int64, c *capture) {
	t.Helper()
	n, _ := strconv.ParseInt(field, 10, 64)
	if n-offset < 1 || n-offset > c.a.res.Capture.Packets {
		t.Fatalf("%s: merged frame %d is not one of its %d packets (offset %d): the packet counts of tshark and mailwire differ",
			c.name, n, c.a.res.Capture.Packets, offset)
	}
}
