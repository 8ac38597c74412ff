package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/livecap"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/report/pipeline"
)

func cmdLive(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var out outputFlags
	out.register(fs)
	lim := registerLimits(fs)
	var lo livecap.Options
	fs.StringVar(&lo.Iface, "i", "", "interface to capture on (see 'mailwire interfaces'; \"any\" for all)")
	fs.BoolVar(&lo.Promisc, "promisc", false, "promiscuous mode (see traffic not addressed to this machine)")
	fs.IntVar(&lo.Snaplen, "snaplen", 0, "bytes kept per packet (0: whole packets)")
	fs.StringVar(&lo.Filter, "filter", livecap.DefaultFilter, "capture filter, in tcpdump's syntax")
	fs.StringVar(&lo.Write, "write", "", "also save the packets to this pcapng file (open it in Wireshark later)")
	fs.DurationVar(&lo.Duration, "duration", 0, "stop after this long (e.g. 30s); default: at Ctrl-C")
	fs.Int64Var(&lo.Count, "count", 0, "stop after this many packets")
	fs.IntVar(&lo.Buffer, "buffer", 64<<20, "kernel capture buffer in bytes (a larger one absorbs bursts)")
	fs.BoolVar(&lo.AFPacket, "af-packet", false, "Linux: capture with AF_PACKET rings (TPACKET_V3) instead of libpcap")
	fs.IntVar(&lo.Sockets, "af-packet-rings", 2, "with --af-packet: rings in one fanout group, each drained on its own")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mailwire live -i IFACE [flags]\n\nWatches mail traffic as it happens; Ctrl-C prints the full report.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if err := out.check(); err != nil {
		fmt.Fprintln(stderr, "mailwire live:", err)
		return exitUsage
	}
	if lo.Iface == "" {
		fmt.Fprintln(stderr, "mailwire live: say which interface with -i (see 'mailwire interfaces'), e.g. mailwire live -i lo")
		return exitUsage
	}
	if err := livecap.CheckFilter(lo.Filter); err != nil {
		fmt.Fprintf(stderr, "mailwire live: %v\n", err)
		return exitUsage
	}
	c, err := livecap.Open(lo)
	if err != nil {
		fmt.Fprintf(stderr, "mailwire live: %s: %v\n", lo.Iface, err)
		return exitUsage
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; c.Stop() }()
	defer signal.Stop(sig)
	return live(c, lo, lim, &out, stdout, stderr)
}

// live analyses until the capture stops, printing records as they come,
// then prints the full report with the capture's statistics.
func live(c *livecap.Capture, lo livecap.Options, lim *limitFlags, out *outputFlags, stdout, stderr io.Writer) int {
	opt := lim.options()
	opt.Reveal = out.reveal
	var recs []record.Record
	jw := jsonl.NewWriter(stdout)
	opt.OnRecord = func(r record.Record) {
		recs = append(recs, r)
		if out.format == "json" {
			jw.Write(r)
			jw.Flush()
		} else if line := liveLine(r); line != "" {
			fmt.Fprintln(stdout, line)
		}
	}
	fmt.Fprintf(stderr, "capturing on %s (filter %q); Ctrl-C to stop\n", lo.Iface, lo.Filter)
	res, err := pipeline.Live(c, lo.Iface, c.LinkType().String(), opt)
	stats := c.Stats()
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailwire live: %v\n", err)
		return exitUsage
	}
	res.Capture.Warnings = append(res.Capture.Warnings, fmt.Sprintf("capture statistics: %d packets received, %d dropped by the kernel, %d dropped by the interface",
		stats.Received, stats.DroppedKernel, stats.DroppedInterface))
	caps := []report.Capture{{Info: res.Capture, Records: recs}}
	if out.format == "json" {
		jw.Write(res.Capture)
		jw.Write(summarize(caps))
		jw.Flush()
		return exitOK
	}
	return finish(caps, false, out, stdout, stderr)
}

// liveLine is the one-line form of a record printed as it happens.
func liveLine(r record.Record) string {
	s := func(v string) string { return report.Sanitize(v, 120) }
	switch r := r.(type) {
	case *record.Session:
		return fmt.Sprintf("[%s] session %s %s %s -> %s (%s)", stamp(r.End), r.ID, r.Proto, r.Client, r.Server, r.Security)
	case *record.Credential:
		acc := "outcome unknown"
		if r.Accepted != nil {
			acc = map[bool]string{true: "accepted", false: "refused"}[*r.Accepted]
		}
		secret := r.PasswordMasked
		if r.Password != "" {
			secret = r.Password
		}
		return fmt.Sprintf("frame %d: %s credential %s %q password %s (%d chars), %s", r.Packet, r.Proto, r.Mechanism, s(r.Username), s(secret), r.PasswordLen, acc)
	case *record.StartTLS:
		return fmt.Sprintf("frame %d: %s STARTTLS requested=%v accepted=%v tls=%v", r.Packet, r.Proto, r.Requested, r.Accepted, r.TLSSeen)
	case *record.Message:
		return fmt.Sprintf("frame %d: %s message %s from %s to %s subject %q, %d attachments", r.Packet, r.Proto, r.Direction, s(r.From), s(strings.Join(r.To, ", ")), s(r.Subject), len(r.Attachments))
	case *record.Finding:
		return fmt.Sprintf("frame %d: finding [%s] %s", r.Packet, r.Severity, s(r.Title))
	case *record.DNS:
		return fmt.Sprintf("frame %d: DNS %s %s (%d answers)", r.Packet, r.Type, s(r.Name), len(r.Answers))
	}
	return ""
}

func stamp(t time.Time) string { return t.Format("15:04:05") }

func cmdInterfaces(args []string, stdout, stderr io.Writer) int {
	ifs, err := livecap.Interfaces()
	if err != nil {
		fmt.Fprintf(stderr, "mailwire interfaces: %v\n", err)
		return exitUsage
	}
	if len(ifs) == 0 {
		fmt.Fprintln(stderr, "mailwire interfaces: none found; capturing needs root or: sudo setcap cap_net_raw,cap_net_admin=eip $(command -v mailwire)")
		return exitUsage
	}
	for _, i := range ifs {
		fmt.Fprintf(stdout, "%-16s %s", i.Name, strings.Join(i.Addresses, " "))
		if i.Description != "" {
			fmt.Fprintf(stdout, "  (%s)", i.Description)
		}
		fmt.Fprintln(stdout)
	}
	return exitOK
}
