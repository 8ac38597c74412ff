package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/livecap"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/report/spool"
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
	fs.IntVar(&lo.Buffer, "buffer", 64<<20, "kernel capture buffer in bytes, shared by the sockets of --shares (a larger one absorbs bursts)")
	fs.StringVar(&lo.Source, "source", livecap.SourceAuto, "how to capture: afpacket (Linux's AF_PACKET ring), pcap (libpcap), auto (afpacket where it can)")
	choices(fs, "source", livecap.Sources...)
	fs.IntVar(&lo.Shares, "shares", defaultShares(), "AF_PACKET sockets that share the traffic, one conversation per socket, each analysed on its own core (libpcap reads one)")
	for _, name := range []string{"snaplen", "duration", "count", "buffer", "shares"} {
		limit(fs, name)
	}
}

// defaultShares is one share per core, up to 4: each share's ring takes
// at least 8 MiB, whatever --buffer says.
func defaultShares() int { return min(runtime.NumCPU(), 4) }

func newLiveCmd(a *app) *cobra.Command {
	var out outputOptions
	var lo liveOptions
	an := newAnalysisFlags(a)
	cmd := &cobra.Command{
		Use:     "live -i IFACE [flags]",
		Short:   "Analyse traffic as it happens",
		Long:    liveLong,
		Example: liveExample,
		Args:    cobra.NoArgs,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			out.resolve()
			if lo.Iface == "" {
				fmt.Fprintln(a.stderr, "mailwire live:", a.tr.T("cli.live.usage"))
				return exitUsage
			}
			if err := livecap.CheckFilter(lo.Filter); err != nil {
				fmt.Fprintln(a.stderr, "mailwire live:", filterMessage(a.tr, err))
				return exitUsage
			}
			opt, err := an.options()
			if err != nil {
				fmt.Fprintln(a.stderr, "mailwire live:", err)
				return exitUsage
			}
			c, err := livecap.Open(lo.Options)
			if err != nil {
				msg := withCapabilityHint(a.tr, a.tr.T("cli.live.open", "iface", lo.Iface, "error", err.Error()), err)
				if errors.Is(err, livecap.ErrFanout) {
					msg += "\n" + a.tr.T("cli.live.one-share")
				}
				fmt.Fprintln(a.stderr, "mailwire live:", msg)
				return exitUsage
			}
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
			go func() { <-sig; c.Stop() }()
			defer signal.Stop(sig)
			return a.live(c, lo.Options, opt, &out)
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

// withCapabilityHint adds the setcap line to msg, which says err, when
// the capture was refused: libpcap says "Permission Denied" or "Operation
// not permitted" depending on where the kernel refused.
func withCapabilityHint(tr i18n.Tr, msg string, err error) string {
	low := strings.ToLower(err.Error())
	if errors.Is(err, fs.ErrPermission) || strings.Contains(low, "permission") || strings.Contains(low, "not permitted") {
		return msg + "\n" + tr.T("cli.live.needs-root", "setcap", setcapLine())
	}
	return msg
}

// filterMessage says why libpcap refused a capture filter.
func filterMessage(tr i18n.Tr, err error) string {
	var fe *livecap.FilterError
	if errors.As(err, &fe) {
		return tr.T("cli.live.filter", "filter", strconv.Quote(fe.Expr), "error", fe.Err.Error())
	}
	return err.Error()
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
func (a *app) live(c *livecap.Capture, lo livecap.Options, opt pipeline.Options, out *outputOptions) int {
	opt.Reveal = out.reveal
	// The report at the end lays out a spool; JSON Lines need only the
	// totals, so that a long capture holds nothing in memory.
	var recs *spool.Spool
	if out.format != "json" {
		recs = spool.New(spool.DefaultLimits())
		defer recs.Close()
	}
	t := newTally()
	jsonOut := a.stdout
	if out.format == "json" {
		// JSON Lines stream to --output as they come, like read's.
		w, closeOut, ok := a.reportWriter(out)
		if !ok {
			c.Close()
			return exitUsage
		}
		defer closeOut()
		jsonOut = w
	}
	jw := jsonl.NewWriter(jsonOut)
	opt.OnRecord = func(r record.Record) {
		if out.format == "json" {
			t.count(r)
			jw.Write(r)
			jw.Flush()
			return
		}
		recs.Add(r)
		if line := liveLine(a.tr, r); line != "" {
			fmt.Fprintln(a.stdout, line)
		}
	}
	shares := c.Shares()
	if len(shares) > 1 {
		fmt.Fprintln(a.stderr, a.tr.T("cli.live.capturing-shares", "iface", lo.Iface, "filter", strconv.Quote(lo.Filter), "source", c.Source(),
			"shares", strconv.Itoa(len(shares))))
	} else {
		fmt.Fprintln(a.stderr, a.tr.T("cli.live.capturing", "iface", lo.Iface, "filter", strconv.Quote(lo.Filter), "source", c.Source()))
	}
	res, err := analyseLive(c, lo.Iface, opt)
	stats := c.Stats()
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(a.stderr, "mailwire live:", a.tr.T("cli.live.failed", "error", err.Error()))
		return exitUsage
	}
	res.Capture.Warnings = append(res.Capture.Warnings, record.NewWarning(0, record.WarnCaptureLiveDrops,
		"received", stats.Received, "kernel", stats.DroppedKernel, "interface", stats.DroppedInterface))
	if out.format == "json" {
		jw.Write(res.Capture)
		t.capture(res.Capture)
		jw.Write(t.sum)
		jw.Flush()
		if out.failOn != "" && t.rank >= record.Severity(out.failOn).Rank() {
			return exitFindings
		}
		return exitOK
	}
	return a.finish([]report.Capture{{Info: res.Capture, Records: recs}}, false, out)
}

// analyseLive analyses the capture until it stops: its shares each on
// their own goroutine when it has several.
func analyseLive(c *livecap.Capture, iface string, opt pipeline.Options) (*pipeline.Result, error) {
	shares := c.Shares()
	if len(shares) <= 1 {
		return pipeline.Live(c, iface, c.LinkType().String(), opt)
	}
	framed := make([]reassembly.Framed, len(shares))
	for i, s := range shares {
		framed[i] = s
	}
	return pipeline.LiveShares(framed, iface, c.LinkType().String(), opt)
}

// liveLine is the one-line form of a record printed as it happens, in
// tr's language; values from the wire are sanitised.
func liveLine(tr i18n.Tr, r record.Record) string {
	s := func(v string) string { return report.Sanitize(v, 120) }
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	switch r := r.(type) {
	case *record.Session:
		return tr.T("cli.live.session", "time", stamp(r.End), "id", r.ID, "proto", string(r.Proto), "client", r.Client, "server", r.Server,
			"security", tr.T("security."+string(r.Security)))
	case *record.Credential:
		outcome := "cli.live.outcome-unknown"
		if r.Accepted != nil {
			outcome = map[bool]string{true: "cli.live.accepted", false: "cli.live.refused"}[*r.Accepted]
		}
		secret := r.PasswordMasked
		if r.Password != "" {
			secret = r.Password
		}
		return tr.T("cli.live.credential", "frame", n(r.Packet), "proto", string(r.Proto), "mechanism", r.Mechanism, "user", strconv.Quote(s(r.Username)),
			"password", s(secret), "len", strconv.Itoa(r.PasswordLen), "outcome", tr.T(outcome))
	case *record.StartTLS:
		return tr.T("cli.live.starttls", "frame", n(r.Packet), "proto", string(r.Proto), "requested", yesNo(tr, r.Requested),
			"accepted", yesNo(tr, r.Accepted), "tls", yesNo(tr, r.TLSSeen))
	case *record.Message:
		return tr.T("cli.live.message", "frame", n(r.Packet), "proto", string(r.Proto), "direction", tr.T("direction."+string(r.Direction)),
			"from", s(r.From), "to", s(strings.Join(r.To, ", ")), "subject", strconv.Quote(s(r.Subject)), "attachments", strconv.Itoa(len(r.Attachments)))
	case *record.Finding:
		title, _, _ := tr.FindingText(r)
		if title == "" {
			title = r.Title
		}
		return tr.T("cli.live.finding", "frame", n(r.Packet), "severity", tr.T("severity."+string(r.Severity)), "title", s(title))
	case *record.DNS:
		return tr.T("cli.live.dns", "frame", n(r.Packet), "type", r.Type, "name", s(r.Name), "answers", strconv.Itoa(len(r.Answers)))
	}
	return ""
}

func yesNo(tr i18n.Tr, b bool) string {
	if b {
		return tr.T("cli.live.yes")
	}
	return tr.T("cli.live.no")
}

func stamp(t time.Time) string { return t.Format("15:04:05") }

func newInterfacesCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "interfaces",
		Short:   "List the interfaces live capture can use",
		Example: "  mailwire interfaces",
		Args:    cobra.NoArgs,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			return a.listInterfaces()
		}),
	}
}

func (a *app) listInterfaces() int {
	ifs, err := livecap.Interfaces()
	if err != nil {
		fmt.Fprintln(a.stderr, "mailwire interfaces:", withCapabilityHint(a.tr, a.tr.T("cli.interfaces.failed", "error", err.Error()), err))
		return exitUsage
	}
	if len(ifs) == 0 {
		fmt.Fprintln(a.stderr, "mailwire interfaces:", a.tr.T("cli.interfaces.none", "setcap", setcapLine()))
		return exitUsage
	}
	for _, i := range ifs {
		fmt.Fprintf(a.stdout, "%-16s %s", i.Name, strings.Join(i.Addresses, " "))
		if i.Description != "" {
			fmt.Fprintf(a.stdout, "  (%s)", i.Description)
		}
		fmt.Fprintln(a.stdout)
	}
	return exitOK
}
