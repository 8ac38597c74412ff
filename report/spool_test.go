package report_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/spool"
	"github.com/mailwire/mailwire/testdata/heapwatch"
)

// TestSpilledReportsAreTheSame lays out every real capture from records
// held in memory and from records read back from temporary files: the
// text, markdown and HTML reports must not tell them apart.
func TestSpilledReportsAreTheSame(t *testing.T) {
	writers := map[string]func(io.Writer, []report.Capture, *record.Summary, report.Options) error{
		"text": report.WriteText, "markdown": report.WriteMarkdown, "html": report.WriteHTML,
	}
	spilled := 0
	for _, path := range captureFiles(t) {
		c := analyse(t, path)
		sp := spool.New(spool.Limits{InMemory: 1, Dir: t.TempDir()})
		for _, r := range c.Records {
			sp.Add(r)
		}
		if sp.Spilled() {
			spilled++
		}
		for name, write := range writers {
			for _, lang := range []string{"en", "fr"} {
				opt := report.Options{Lang: lang, Width: 100}
				var held, read bytes.Buffer
				if err := write(&held, []report.Capture{c.capture()}, nil, opt); err != nil {
					t.Fatal(err)
				}
				if err := write(&read, []report.Capture{{Info: c.Info, Records: sp}}, nil, opt); err != nil {
					t.Fatal(err)
				}
				if sp.Err() != nil {
					t.Fatal(sp.Err())
				}
				if held.String() != read.String() {
					t.Errorf("%s %s %s: the report read back from files differs:\n%s", path, name, lang, firstDiff(held.String(), read.String()))
				}
			}
		}
		sp.Close()
	}
	if spilled == 0 {
		t.Fatal("no capture's records went to a file: the comparison compared nothing")
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n held %q\n read %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines held, %d read", len(al), len(bl))
}

// counter counts what a report writes and the lines that start with
// one of its prefixes, without keeping the report.
type counter struct {
	bytes   int64
	partial []byte
	lines   map[string]int
}

func (c *counter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	c.partial = append(c.partial, p...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		line := string(c.partial[:i])
		for prefix := range c.lines {
			if strings.HasPrefix(line, prefix) {
				c.lines[prefix]++
			}
		}
		c.partial = c.partial[i+1:]
	}
	c.partial = append([]byte(nil), c.partial...)
	return len(p), nil
}

// TestReportOfManySessionsStaysBounded spools 50,000 sessions as a big
// capture would send them and lays out the text report: every session,
// credential and message is listed, and the live heap stays far below
// what holding the records would take (386 MiB, when this was written).
func TestReportOfManySessionsStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a report of 50,000 sessions")
	}
	const n = 50000
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	out := &counter{lines: map[string]int{"  Message ": 0, "  s": 0, "  MEDIUM ": 0}}
	var sp *spool.Spool
	spilled := false
	peak, _ := heapwatch.Peak(func() {
		sp = spool.New(spool.Limits{Dir: t.TempDir()})
		defer sp.Close()
		for i := 1; i <= n; i++ {
			id, f := fmt.Sprintf("s%d", i), int64(10*i)
			yes := true
			sp.Add(&record.Command{Session: id, Proto: record.ProtoSMTP, Verb: "AUTH", Args: "PLAIN", Packet: f + 1})
			sp.Add(&record.Credential{Session: id, Proto: record.ProtoSMTP, Mechanism: "PLAIN", Username: "user" + id,
				PasswordLen: 12, Accepted: &yes, Packet: f + 1})
			sp.Add(&record.Message{Session: id, Proto: record.ProtoSMTP, Direction: record.DirectionSent, Subject: "Report " + id,
				From: "a@example.org", To: []string{"b@example.org"}, Size: 4000, Packet: f + 3,
				Attachments: []record.Attachment{{Filename: "cat.gif", ContentType: "image/gif", Size: 3000}}})
			sp.Add(&record.Finding{ID: record.FindingStartTLSNotOffered, Severity: record.SeverityMedium, Session: id, Packet: f + 4})
			sp.Add(&record.Session{ID: id, Proto: record.ProtoSMTP, Client: fmt.Sprintf("10.0.%d.%d:40000", i/250, i%250),
				Server: "10.1.0.1:25", Start: t0.Add(time.Duration(i) * time.Millisecond), Security: record.SecurityCleartext, Packet: f})
		}
		spilled = sp.Spilled()
		info := &record.Capture{File: "big.pcap", LinkType: "Ethernet", Packets: 10 * n}
		if err := report.WriteText(out, []report.Capture{{Info: info, Records: sp}}, nil, report.Options{Lang: "en", Width: 100}); err != nil {
			t.Fatal(err)
		}
	})
	if err := sp.Err(); err != nil {
		t.Fatal(err)
	}
	if !spilled || sp.Sample().Unsampled() == 0 {
		t.Fatalf("spilled %v, %d sessions left out of the sample: the bounds were not reached", spilled, sp.Sample().Unsampled())
	}
	// Each session is a row of the sessions table and of the credentials
	// table, each message a heading.
	if got := out.lines["  Message "]; got != n {
		t.Errorf("%d messages listed, want %d", got, n)
	}
	// Findings go by in sorted windows: every one is listed once.
	if got := out.lines["  MEDIUM "]; got != n {
		t.Errorf("%d findings listed, want %d", got, n)
	}
	if got := out.lines["  s"]; got != 2*n {
		t.Errorf("%d session and credential rows, want %d", got, 2*n)
	}
	t.Logf("%d MiB of report; live heap peak %d MiB", out.bytes>>20, peak>>20)
	if peak > 64<<20 {
		t.Errorf("live heap peaked at %d MiB laying out %d sessions; want under 64 MiB", peak>>20, n)
	}
}
