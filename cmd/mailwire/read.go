package main

import (
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
	fs.StringVar(&o.progress, "progress", "auto", "progress bar on standard error: auto (when a terminal), always or never")
	choices(fs, "progress", "auto", "always", "never")
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
			if out.format != "json" && !cmd.Flags().Changed("max-sessions") {
				// Text, markdown and HTML reports are built from every
				// record at once; JSON Lines stream and need no bound.
				opt.Dissect.MaxSessions = reportMaxSessions
			}
			stop := startProgress(files, &opt, out.progress, a.stderr)
			if out.format == "json" {
				defer stop()
				return a.streamJSON(files, opt, &out, ok)
			}
			results := pipeline.Files(files, opt, workers)
			stop()
			caps, failed := a.collect(results)
			return a.finish(caps, failed || !ok, &out)
		}),
	}
	out.addFlags(cmd.Flags())
	an.addFlags(cmd.Flags())
	workersFlag(cmd.Flags(), &workers)
	completeChoices(cmd)
	return cmd
}

// reportMaxSessions bounds the sessions of a report that is not streamed,
// unless --max-sessions says otherwise.
const reportMaxSessions = 10000

// collect turns results into report captures with derived findings, and
// reports the files that could not be read.
func (a *app) collect(results []pipeline.FileResult) ([]report.Capture, bool) {
	var caps []report.Capture
	failed := false
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(a.stderr, "mailwire:", explain(a.tr, r.Path, r.Err))
			failed = true
			continue
		}
		caps = append(caps, report.Capture{Info: r.Result.Capture, Records: r.Result.Records})
	}
	return caps, failed
}

func summarize(caps []report.Capture) *record.Summary {
	s := &record.Summary{Captures: len(caps), Warnings: []record.Warning{}}
	for _, c := range caps {
		for _, w := range c.Info.Warnings {
			w.File, w.Text = c.Info.File, "" // said again, after its file
			s.Warnings = append(s.Warnings, w)
		}
		for _, r := range c.Records {
			s.Count(r)
		}
	}
	return s
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
		fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.read.write-failed", "error", detail(err)))
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
	opt := report.Options{Lang: out.lang, Reveal: out.reveal, Color: useColor(out.color, w), Width: width(w)}
	switch out.format {
	case "json":
		return writeJSON(w, caps, sum)
	case "markdown":
		return report.WriteMarkdown(w, caps, sum, opt)
	case "html":
		return report.WriteHTML(w, caps, sum, opt)
	}
	return report.WriteText(w, caps, sum, opt)
}

func writeJSON(w io.Writer, caps []report.Capture, sum *record.Summary) error {
	jw := jsonl.NewWriter(w)
	for _, c := range caps {
		jw.Write(c.Info)
		for _, r := range c.Records {
			jw.Write(r)
		}
	}
	jw.Write(sum)
	return jw.Flush()
}

func worst(caps []report.Capture) int {
	rank := -1
	for _, c := range caps {
		for _, r := range c.Records {
			if f, ok := r.(*record.Finding); ok {
				rank = max(rank, f.Severity.Rank())
			}
		}
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
	sum := &record.Summary{Warnings: []record.Warning{}}
	rank, failed := -1, !allRead
	for _, path := range files {
		o := opt
		if len(files) > 1 {
			o.Dissect.IDPrefix = filepath.Base(path) + "#"
		}
		o.OnRecord = func(r record.Record) {
			sum.Count(r)
			if f, ok := r.(*record.Finding); ok {
				rank = max(rank, f.Severity.Rank())
			}
			jw.Write(r)
		}
		res, err := pipeline.File(path, o)
		if err != nil {
			fmt.Fprintln(a.stderr, "mailwire:", explain(a.tr, path, err))
			failed = true
			continue
		}
		sum.Captures++
		for _, wn := range res.Capture.Warnings {
			wn.File, wn.Text = res.Capture.File, "" // said again, after its file
			sum.Warnings = append(sum.Warnings, wn)
		}
		jw.Write(res.Capture)
	}
	if failed && sum.Captures == 0 {
		return exitUsage
	}
	jw.Write(sum)
	if err := jw.Flush(); err != nil {
		fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.read.write-failed", "error", detail(err)))
		return exitUsage
	}
	switch {
	case failed:
		return exitUsage
	case out.failOn != "" && rank >= record.Severity(out.failOn).Rank():
		return exitFindings
	}
	return exitOK
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
