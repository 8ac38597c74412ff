package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/report/spool"
)

// outputOptions are the flags of the commands that print a report.
type outputOptions struct {
	json     bool
	format   string
	output   string
	color    string
	lang     string
	reveal   bool
	failOn   string
	progress string
}

func (o *outputOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "write JSON Lines (same as --format json)")
	fs.StringVar(&o.format, "format", "text", "output format: text, json, markdown or html")
	choices(fs, "format", "text", "json", "markdown", "html")
	fs.StringVar(&o.output, "output", "", "write the report to this file instead of standard output")
	fs.StringVar(&o.color, "color", "auto", "colour the text report: auto, always or never (NO_COLOR is honoured)")
	choices(fs, "color", "auto", "always", "never")
	langFlag(fs, &o.lang, "report")
	fs.BoolVar(&o.reveal, "reveal-secrets", false, "show passwords, tokens and hashes instead of masking them")
	fs.StringVar(&o.failOn, "fail-on", "", "exit with status 1 when a finding of this severity or higher is found: info, low, medium or high")
	choices(fs, "fail-on", severityNames()...)
	progressFlag(fs, &o.progress)
}

// resolve settles what the flags leave open once they are checked.
func (o *outputOptions) resolve() {
	if o.json {
		o.format = "json"
	}
	o.lang = resolveLang(o.lang)
}

const readLong = `Reads pcap and pcapng files (gzip-compressed too; - reads standard input) and
reports what their mail traffic reveals. A folder stands for the capture files
directly inside it (.pcap, .pcapng, .cap, .dmp, .ntar, each maybe .gz).`

const readExample = `  mailwire read capture.pcapng
  mailwire read capture.pcap --lang fr
  mailwire read --json a.pcap b.pcap.gz
  tcpdump -i lo -w - | mailwire read -
  mailwire read --format html --output report.html capture.pcap
  mailwire read captures/ --fail-on high`

func newReadCmd(a *app) *cobra.Command {
	var out outputOptions
	an := newAnalysisFlags(a)
	var workers int
	cmd := &cobra.Command{
		Use:     "read [flags] CAPTURE...",
		Short:   "Analyse pcap/pcapng files (gzip too; - for standard input)",
		Long:    readLong,
		Example: readExample,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			out.resolve()
			if len(args) == 0 {
				fmt.Fprintln(a.stderr, "mailwire read:", a.tr.T("cli.read.usage"))
				return exitUsage
			}
			files, ok := a.captureFiles(args)
			if len(files) == 0 {
				return exitUsage
			}
			opt, err := an.options()
			if err != nil {
				fmt.Fprintln(a.stderr, "mailwire read:", err)
				return exitUsage
			}
			opt.Reveal = out.reveal
			stop := startProgress(a.tr, files, &opt, out.progress, a.stderr)
			if out.format == "json" {
				defer stop()
				return a.streamJSON(files, opt, &out, ok)
			}
			caps, failed := a.spoolFiles(files, opt, workers)
			stop()
			defer closeSpools(caps)
			return a.finish(caps, failed || !ok, &out)
		}),
	}
	out.addFlags(cmd.Flags())
	an.addFlags(cmd.Flags())
	workersFlag(cmd.Flags(), &workers)
	completeChoices(cmd)
	return cmd
}

// spoolFiles analyses files into one spool each, for a report laid out
// once they are read, and reports the files that could not be read.
func (a *app) spoolFiles(files []string, opt pipeline.Options, workers int) ([]report.Capture, bool) {
	spools := make([]*spool.Spool, len(files))
	results := pipeline.Files(files, opt, workers, func(i int) func(record.Record) {
		spools[i] = spool.New(spool.SharedLimits(len(files)))
		return spools[i].Add
	})
	var caps []report.Capture
	failed := false
	for i, r := range results {
		if r.Err != nil {
			fmt.Fprintln(a.stderr, "mailwire:", explain(a.tr, r.Path, r.Err))
			failed = true
			spools[i].Close()
			continue
		}
		caps = append(caps, report.Capture{Info: r.Result.Capture, Records: spools[i]})
	}
	return caps, failed
}

func closeSpools(caps []report.Capture) {
	for _, c := range caps {
		c.Records.Close()
	}
}

func summarize(caps []report.Capture) *record.Summary {
	t := newTally()
	for _, c := range caps {
		t.capture(c.Info)
		if r := c.Records; r != nil {
			t.sum.Sessions += r.Count(spool.Sessions)
			t.sum.Credentials += r.Count(spool.Credentials)
			t.sum.Messages += r.Count(spool.Messages)
			t.sum.Findings += r.FindingCount()
		}
	}
	return t.sum
}

// finish renders the report and chooses the exit code.
func (a *app) finish(caps []report.Capture, failed bool, out *outputOptions) int {
	if failed && len(caps) == 0 {
		return exitUsage
	}
	sum := summarize(caps)
	w, closeOut, ok := a.reportWriter(out)
	if !ok {
		return exitUsage
	}
	defer closeOut()
	if err := render(w, caps, sum, out); err != nil {
		fmt.Fprintln(a.stderr, "mailwire:", writeError(a.tr, err))
		return exitUsage
	}
	if failed {
		return exitUsage
	}
	if out.failOn != "" && worst(caps) >= record.Severity(out.failOn).Rank() {
		return exitFindings
	}
	return exitOK
}

func render(w io.Writer, caps []report.Capture, sum *record.Summary, out *outputOptions) error {
	for _, c := range caps {
		if err := c.Records.Err(); err != nil {
			return err
		}
	}
	opt := report.Options{Lang: out.lang, Reveal: out.reveal, Color: useColor(out.color, w), Width: width(w)}
	var err error
	switch out.format {
	case "markdown":
		err = report.WriteMarkdown(w, caps, sum, opt)
	case "html":
		err = report.WriteHTML(w, caps, sum, opt)
	default:
		err = report.WriteText(w, caps, sum, opt)
	}
	for _, c := range caps {
		// A list that could not be read back ends short: say so.
		err = errors.Join(err, c.Records.Err())
	}
	return err
}

func worst(caps []report.Capture) int {
	rank := -1
	for _, c := range caps {
		rank = max(rank, c.Records.Worst())
	}
	return rank
}

// useColor follows --color, NO_COLOR, and whether w is a terminal.
func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// width is the terminal's width, or 0 (the report's default) elsewhere.
func width(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return 0
	}
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols >= 60 {
		return min(cols, 160)
	}
	return 0
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// streamJSON writes each capture's records as the pipeline lets them go,
// in capture order, then the capture record (it holds the totals), and
// the summary last: memory does not grow with the capture.
func (a *app) streamJSON(files []string, opt pipeline.Options, out *outputOptions, allRead bool) int {
	w, closeOut, ok := a.reportWriter(out)
	if !ok {
		return exitUsage
	}
	defer closeOut()
	jw := jsonl.NewWriter(w)
	t := newTally()
	failed := !allRead
	for _, path := range files {
		o := opt
		if len(files) > 1 {
			o.Dissect.IDPrefix = filepath.Base(path) + "#"
		}
		o.OnRecord = func(r record.Record) {
			t.count(r)
			jw.Write(r)
		}
		res, err := pipeline.File(path, o)
		if err != nil {
			fmt.Fprintln(a.stderr, "mailwire:", explain(a.tr, path, err))
			failed = true
			continue
		}
		t.capture(res.Capture)
		jw.Write(res.Capture)
	}
	if failed && t.sum.Captures == 0 {
		return exitUsage
	}
	jw.Write(t.sum)
	if err := jw.Flush(); err != nil {
		fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.read.write-failed", "error", detail(err)))
		return exitUsage
	}
	switch {
	case failed:
		return exitUsage
	case out.failOn != "" && t.rank >= record.Severity(out.failOn).Rank():
		return exitFindings
	}
	return exitOK
}

// tally is what the summary and --fail-on need of records that are
// written as they come and not kept.
type tally struct {
	sum  *record.Summary
	rank int // of the most severe finding; -1 for none
}

func newTally() *tally { return &tally{sum: &record.Summary{Warnings: []record.Warning{}}, rank: -1} }

func (t *tally) count(r record.Record) {
	t.sum.Count(r)
	if f, ok := r.(*record.Finding); ok {
		t.rank = max(t.rank, f.Severity.Rank())
	}
}

// capture counts a capture read to its end and repeats its warnings.
func (t *tally) capture(c *record.Capture) {
	t.sum.Captures++
	for _, wn := range c.Warnings {
		wn.File, wn.Text = c.File, "" // said again, after its file
		t.sum.Warnings = append(t.sum.Warnings, wn)
	}
}

// severityNames are the values --fail-on takes.
func severityNames() []string {
	var out []string
	for _, s := range record.Severities() {
		out = append(out, string(s))
	}
	return out
}

// reportWriter is where the report goes: --output's file, or stdout. It
// says why when the file cannot be created.
func (a *app) reportWriter(out *outputOptions) (io.Writer, func(), bool) {
	if out.output == "" {
		return a.stdout, func() {}, true
	}
	f, err := os.Create(out.output)
	if err != nil {
		fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.read.create-failed", "file", out.output, "error", detail(err)))
		return nil, nil, false
	}
	return f, func() { f.Close() }, true
}
