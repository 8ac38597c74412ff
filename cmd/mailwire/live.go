package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/livecap"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/report/pipeline"
)

const liveLong = `Watches mail traffic as it happens, printing each record as it completes;
Ctrl-C (or --duration, --count) stops and prints the full report.

Capturing needs root, or these capabilities on the binary:
  sudo setcap cap_net_raw,cap_net_admin=eip "$(command -v mailwire)"`

const liveExample = `  sudo mailwire live -i lo
  sudo mailwire live -i any --write lab.pcapng
  mailwire live -i eth0 --json --duration 30s --filter "tcp port 25"`

// liveOptions are the capture's own flags.
type liveOptions struct{ livecap.Options }

func (lo *liveOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&lo.Iface, "interface", "i", "", "interface to capture on (see 'mailwire interfaces'; \"any\" for all)")
	fs.BoolVar(&lo.Promisc, "promisc", false, "promiscuous mode (see traffic not addressed to this machine)")
	fs.IntVar(&lo.Snaplen, "snaplen", 0, "bytes kept per packet (default: whole packets)")
	fs.StringVar(&lo.Filter, "filter", livecap.DefaultFilter, "capture filter, in tcpdump's syntax")
	fs.StringVar(&lo.Write, "write", "", "also save the packets to this pcapng file (open it in Wireshark later)")
	fs.DurationVar(&lo.Duration, "duration", 0, "stop after this long, e.g. 30s (default: at Ctrl-C)")
	fs.Int64Var(&lo.Count, "count", 0, "stop after this many packets (default: at Ctrl-C)")
	fs.IntVar(&lo.Buffer, "buffer", 64<<20, "kernel capture buffer in bytes (a larger one absorbs bursts)")
	fs.StringVar(&lo.Source, "source", livecap.SourceAuto, "how to capture: afpacket (Linux's AF_PACKET ring), pcap (libpcap), auto (afpacket where it can)")
	choices(fs, "source", livecap.Sources...)
	for _, name := range []string{"snaplen", "duration", "count", "buffer"} {
		limit(fs, name)
	}
}

func newLiveCmd(a *app) *cobra.Command {
	var out outputOptions
	var lo liveOptions
	an := newAnalysisFlags(a.stderr)
	cmd := &cobra.Command{
		Use:     "live -i IFACE [flags]",
		Short:   "Analyse traffic as it happens",
		Long:    liveLong,
		Example: liveExample,
		Args:    cobra.NoArgs,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			out.resolve()
			if lo.Iface == "" {
				fmt.Fprintln(a.stderr, "mailwire live: say which interface with -i (see 'mailwire interfaces'), e.g. mailwire live -i lo")
				return exitUsage
			}
			if err := livecap.CheckFilter(lo.Filter); err != nil {
				fmt.Fprintf(a.stderr, "mailwire live: %v\n", err)
				return exitUsage
			}
			opt, err := an.options()
			if err != nil {
				fmt.Fprintln(a.stderr, "mailwire live:", err)
				return exitUsage
			}
			c, err := livecap.Open(lo.Options)
			if err != nil {
				fmt.Fprintf(a.stderr, "mailwire live: %s: %s\n", lo.Iface, withCapabilityHint(err))
				return exitUsage
			}
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
			go func() { <-sig; c.Stop() }()
			defer signal.Stop(sig)
			return live(c, lo.Options, opt, &out, a.stdout, a.stderr)
		}),
	}
	out.addFlags(cmd.Flags())
	lo.addFlags(cmd.Flags())
	an.addFlags(cmd.Flags())
	completeChoices(cmd)
	cmd.RegisterFlagCompletionFunc("interface", completeInterfaces)
	return cmd
}

// setcapLine is what gives a normal user's mailwire the right to capture.
func setcapLine() string {
	exe, err := os.Executable()
	if err != nil {
		exe = "$(command -v mailwire)"
	}
	return "sudo setcap cap_net_raw,cap_net_admin=eip " + exe
}

// withCapabilityHint adds the setcap line to a refused capture: libpcap
// says "Permission Denied" or "Operation not permitted" depending on
// where the kernel refused.
func withCapabilityHint(err error) string {
	msg := err.Error()
	low := strings.ToLower(msg)
	denied := errors.Is(err, fs.ErrPermission) || strings.Contains(low, "permission") || strings.Contains(low, "not permitted")
	if !denied || strings.Contains(msg, "setcap") {
		return msg
	}
	return msg + "\ncapturing needs root, or these capabilities on mailwire:\n  " + setcapLine()
}

func completeInterfaces(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	ifs, _ := livecap.Interfaces()
	var names []string
	for _, i := range ifs {
		names = append(names, i.Name)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// live analyses until the capture stops, printing records as they come,
// then prints the full report with the capture's statistics.
func live(c *livecap.Capture, lo livecap.Options, opt pipeline.Options, out *outputOptions, stdout, stderr io.Writer) int {
	opt.Reveal = out.reveal
	var recs []record.Record
	jsonOut := stdout
	if out.format == "json" {
		// JSON Lines stream to --output as they come, like read's.
		w, closeOut, ok := reportWriter(out, stdout, stderr)
		if !ok {
			c.Close()
			return exitUsage
		}
		defer closeOut()
		jsonOut = w
	}
	jw := jsonl.NewWriter(jsonOut)
	opt.OnRecord = func(r record.Record) {
		recs = append(recs, r)
		if out.format == "json" {
			jw.Write(r)
			jw.Flush()
		} else if line := liveLine(r); line != "" {
			fmt.Fprintln(stdout, line)
		}
	}
	fmt.Fprintf(stderr, "capturing on %s (filter %q, source %s); Ctrl-C to stop\n", lo.Iface, lo.Filter, c.Source())
	res, err := pipeline.Live(c, lo.Iface, c.LinkType().String(), opt)
	stats := c.Stats()
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailwire live: %v\n", err)
		return exitUsage
	}
	res.Capture.Warnings = append(res.Capture.Warnings, record.NewWarning(0, record.WarnCaptureLiveDrops,
		"received", stats.Received, "kernel", stats.DroppedKernel, "interface", stats.DroppedInterface))
	caps := []report.Capture{{Info: res.Capture, Records: recs}}
	if out.format == "json" {
		jw.Write(res.Capture)
		jw.Write(summarize(caps))
		jw.Flush()
		if out.failOn != "" && worst(caps) >= record.Severity(out.failOn).Rank() {
			return exitFindings
		}
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
		title, _, _ := i18n.New("en").FindingText(r)
		if title == "" {
			title = r.Title
		}
		return fmt.Sprintf("frame %d: finding [%s] %s", r.Packet, r.Severity, s(title))
	case *record.DNS:
		return fmt.Sprintf("frame %d: DNS %s %s (%d answers)", r.Packet, r.Type, s(r.Name), len(r.Answers))
	}
	return ""
}

func stamp(t time.Time) string { return t.Format("15:04:05") }

func newInterfacesCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "interfaces",
		Short:   "List the interfaces live capture can use",
		Example: "  mailwire interfaces",
		Args:    cobra.NoArgs,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			return listInterfaces(a.stdout, a.stderr)
		}),
	}
}

func listInterfaces(stdout, stderr io.Writer) int {
	ifs, err := livecap.Interfaces()
	if err != nil {
		fmt.Fprintf(stderr, "mailwire interfaces: %s\n", withCapabilityHint(err))
		return exitUsage
	}
	if len(ifs) == 0 {
		fmt.Fprintln(stderr, "mailwire interfaces: none found; capturing needs root or: "+setcapLine())
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
