package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/jsonl"
	"github.com/mailwire/mailwire/report/pipeline"
)

// outputFlags are shared by the commands that print a report.
type outputFlags struct {
	json     bool
	format   string
	output   string
	color    string
	lang     string
	reveal   bool
	failOn   string
	progress string
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "write JSON Lines (same as --format json)")
	fs.StringVar(&o.format, "format", "text", "output format: text, json, markdown or html")
	fs.StringVar(&o.output, "output", "", "write the report to this file instead of standard output")
	fs.StringVar(&o.color, "color", "auto", "colour the text report: auto, always or never (NO_COLOR is honoured)")
	fs.StringVar(&o.lang, "lang", "", "report language: en or fr (default from LANG/LC_ALL)")
	fs.BoolVar(&o.reveal, "reveal-secrets", false, "show passwords, tokens and hashes instead of masking them")
	fs.StringVar(&o.failOn, "fail-on", "", "exit with status 1 when a finding of this severity or higher is found: info, low, medium or high")
	fs.StringVar(&o.progress, "progress", "auto", "progress bar on standard error: auto (when a terminal), always or never")
}

func (o *outputFlags) check() error {
	if o.json {
		o.format = "json"
	}
	switch o.format {
	case "text", "json", "markdown", "html":
	default:
		return fmt.Errorf("--format %q: use text, json, markdown or html", o.format)
	}
	switch o.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("--color %q: use auto, always or never", o.color)
	}
	if o.lang == "" {
		o.lang = report.LangFromEnv()
	}
	if o.lang != "en" && o.lang != "fr" {
		return fmt.Errorf("--lang %q: use en or fr", o.lang)
	}
	if o.failOn != "" && record.SeverityRank(o.failOn) < 0 {
		return fmt.Errorf("--fail-on %q: use info, low, medium or high", o.failOn)
	}
	return nil
}

func cmdRead(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var out outputFlags
	out.register(fs)
	lim := registerLimits(fs)
	workers := fs.Int("workers", runtime.NumCPU(), "captures analysed at the same time")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mailwire read [flags] CAPTURE...\n\nReads pcap and pcapng files (gzip-compressed too; - reads standard input) and reports what their mail traffic reveals.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if err := out.check(); err != nil {
		fmt.Fprintln(stderr, "mailwire read:", err)
		return exitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "mailwire read: no capture given; try: mailwire read capture.pcap")
		return exitUsage
	}
	opt := lim.options()
	opt.Reveal = out.reveal
	if out.format != "json" && !flagSet(fs, "max-sessions") {
		// Text, markdown and HTML reports are built from every record
		// at once; JSON Lines stream and need no bound.
		opt.Dissect.MaxSessions = reportMaxSessions
	}
	stop := startProgress(files, &opt, out.progress, stderr)
	if out.format == "json" {
		defer stop()
		return streamJSON(files, opt, &out, stdout, stderr)
	}
	results := pipeline.Files(files, opt, *workers)
	stop()
	caps, failed := collect(results, stderr)
	return finish(caps, failed, &out, stdout, stderr)
}

// reportMaxSessions bounds the sessions of a report that is not streamed,
// unless --max-sessions says otherwise.
const reportMaxSessions = 10000

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// streamJSON writes each capture's records as the pipeline lets them go,
// in capture order, then the capture record (it holds the totals), and
// the summary last: memory does not grow with the capture.
func streamJSON(files []string, opt pipeline.Options, out *outputFlags, stdout, stderr io.Writer) int {
	w := stdout
	if out.output != "" {
		f, err := os.Create(out.output)
		if err != nil {
			fmt.Fprintf(stderr, "mailwire: cannot write the report: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		w = f
	}
	jw := jsonl.NewWriter(w)
	sum := &record.Summary{Warnings: []string{}}
	rank, failed := -1, false
	for _, path := range files {
		o := opt
		if len(files) > 1 {
			o.Dissect.IDPrefix = filepath.Base(path) + "#"
		}
		o.OnRecord = func(r record.Record) {
			count(sum, r)
			if f, ok := r.(*record.Finding); ok {
				rank = max(rank, record.SeverityRank(f.Severity))
			}
			jw.Write(r)
		}
		res, err := pipeline.File(path, o)
		if err != nil {
			fmt.Fprintf(stderr, "mailwire: %v\n", explain(err))
			failed = true
			continue
		}
		sum.Captures++
		for _, wn := range res.Capture.Warnings {
			sum.Warnings = append(sum.Warnings, res.Capture.File+": "+wn)
		}
		jw.Write(res.Capture)
	}
	if failed && sum.Captures == 0 {
		return exitUsage
	}
	jw.Write(sum)
	if err := jw.Flush(); err != nil {
		fmt.Fprintf(stderr, "mailwire: writing the report: %v\n", err)
		return exitUsage
	}
	switch {
	case failed:
		return exitUsage
	case out.failOn != "" && rank >= record.SeverityRank(out.failOn):
		return exitFindings
	}
	return exitOK
}

// collect turns results into report captures with derived findings, and
// reports the files that could not be read.
func collect(results []pipeline.FileResult, stderr io.Writer) ([]report.Capture, bool) {
	var caps []report.Capture
	failed := false
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(stderr, "mailwire: %v\n", explain(r.Err))
			failed = true
			continue
		}
		caps = append(caps, report.Capture{Info: r.Result.Capture, Records: r.Result.Records})
	}
	return caps, failed
}

// explain adds what to do next to the errors a user can fix.
func explain(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, capfile.ErrUnknownFormat) && !strings.Contains(msg, "tar archive"):
		msg += " (is it a capture? save it from Wireshark as pcap or pcapng)"
	case errors.Is(err, fs.ErrNotExist):
		msg += " (check the path)"
	case errors.Is(err, fs.ErrPermission):
		msg += " (check the file's permissions)"
	}
	return msg
}

func summarize(caps []report.Capture) *record.Summary {
	s := &record.Summary{Captures: len(caps), Warnings: []string{}}
	for _, c := range caps {
		for _, w := range c.Info.Warnings {
			s.Warnings = append(s.Warnings, c.Info.File+": "+w)
		}
		for _, r := range c.Records {
			count(s, r)
		}
	}
	return s
}

func count(s *record.Summary, r record.Record) {
	switch r.(type) {
	case *record.Session:
		s.Sessions++
	case *record.Credential:
		s.Credentials++
	case *record.Message:
		s.Messages++
	case *record.Finding:
		s.Findings++
	}
}

// finish renders the report and chooses the exit code.
func finish(caps []report.Capture, failed bool, out *outputFlags, stdout, stderr io.Writer) int {
	if failed && len(caps) == 0 {
		return exitUsage
	}
	sum := summarize(caps)
	w := stdout
	if out.output != "" {
		f, err := os.Create(out.output)
		if err != nil {
			fmt.Fprintf(stderr, "mailwire: cannot write the report: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		w = f
	}
	if err := render(w, caps, sum, out); err != nil {
		fmt.Fprintf(stderr, "mailwire: writing the report: %v\n", err)
		return exitUsage
	}
	if failed {
		return exitUsage
	}
	if out.failOn != "" && worst(caps) >= record.SeverityRank(out.failOn) {
		return exitFindings
	}
	return exitOK
}

func render(w io.Writer, caps []report.Capture, sum *record.Summary, out *outputFlags) error {
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
				rank = max(rank, record.SeverityRank(f.Severity))
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
