package main

import (
	"errors"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/pipeline"
)

// Flags are checked in one place, checkFlags, from what their definition
// says: a limit must be positive, a choice must be one of its values.
const (
	annLimit   = "mailwire/limit"
	annChoices = "mailwire/choices"
)

// limit marks a numeric or duration flag as a limit: only positive values
// are accepted. 0 is refused everywhere rather than meaning "none" for
// some limits and "nothing" for others; a flag left out keeps its default.
func limit(fs *pflag.FlagSet, name string) {
	fs.SetAnnotation(name, annLimit, []string{"positive"})
}

// choices restricts a string flag to a set of values, which are also what
// shell completion offers.
func choices(fs *pflag.FlagSet, name string, values ...string) {
	fs.SetAnnotation(name, annChoices, values)
}

// checkFlags refuses the values the flags' definitions forbid, in tr's
// language. Only flags given on the command line are checked: defaults
// are valid by design.
func checkFlags(cmd *cobra.Command, tr i18n.Tr) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if err != nil {
			return
		}
		if _, ok := f.Annotations[annLimit]; ok && !positive(f.Value) {
			err = errors.New(limitMessage(tr, f))
		}
		if vals, ok := f.Annotations[annChoices]; ok && !slices.Contains(vals, f.Value.String()) {
			err = errors.New(tr.T("cli.flags.choice", "flag", f.Name, "value", strconv.Quote(f.Value.String()), "choices", orList(tr, vals)))
		}
	})
	return err
}

// limitMessage refuses a limit's value. A default of 0 stands for "none"
// or "all" (its usage says which), and is not offered as the value just
// refused.
func limitMessage(tr i18n.Tr, f *pflag.Flag) string {
	if f.DefValue == "0" || f.DefValue == "0s" {
		return tr.T("cli.flags.positive", "flag", f.Name, "value", f.Value.String())
	}
	return tr.T("cli.flags.positive-default", "flag", f.Name, "value", f.Value.String(), "default", f.DefValue)
}

func positive(v pflag.Value) bool {
	s := v.String()
	if v.Type() == "duration" {
		d, err := time.ParseDuration(s)
		return err == nil && d > 0
	}
	n, err := strconv.ParseFloat(s, 64)
	return err == nil && n > 0
}

// orList writes "a, b or c" in tr's language.
func orList(tr i18n.Tr, vals []string) string {
	if len(vals) < 2 {
		return strings.Join(vals, "")
	}
	return tr.T("cli.or", "first", strings.Join(vals[:len(vals)-1], ", "), "last", vals[len(vals)-1])
}

// completeChoices offers each choice flag's values to shell completion.
func completeChoices(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if vals, ok := f.Annotations[annChoices]; ok {
			cmd.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(vals, cobra.ShellCompDirectiveNoFileComp))
		}
	})
}

// flagGroup is one concern's flags: it registers them and applies them to
// the options of the analysis pipeline. Every command that analyses
// captures (read, extract, grade, live) takes every group.
type flagGroup interface {
	addFlags(fs *pflag.FlagSet)
	apply(o *pipeline.Options) error
}

// analysisFlags are the flags of every command that runs the pipeline.
type analysisFlags struct {
	lim    *limitOptions
	groups []flagGroup
}

// newAnalysisFlags lists the groups. A new concern (a key file, a
// decryption secret) is one type with addFlags and apply, and one entry
// in this list.
func newAnalysisFlags(a *app) *analysisFlags {
	lim := newLimitOptions()
	return &analysisFlags{lim: lim, groups: []flagGroup{lim, &keylogFlags{a: a}, &smimeFlags{a: a}}}
}

func (a *analysisFlags) addFlags(fs *pflag.FlagSet) {
	for _, g := range a.groups {
		g.addFlags(fs)
	}
}

// options returns the pipeline options the flags ask for.
func (a *analysisFlags) options() (pipeline.Options, error) {
	o := pipeline.Options{Workers: runtime.NumCPU()}
	for _, g := range a.groups {
		if err := g.apply(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// limitOptions expose the memory bounds; each limit hit is reported.
type limitOptions struct {
	lim         session.Limits
	asm         reassembly.Options
	keep        bool
	maxSessions int
}

func newLimitOptions() *limitOptions {
	return &limitOptions{lim: session.DefaultLimits(), asm: reassembly.DefaultOptions()}
}

func (l *limitOptions) addFlags(fs *pflag.FlagSet) {
	fs.IntVar(&l.lim.MaxLine, "max-line", l.lim.MaxLine, "longest protocol line kept, in bytes (the rest is skipped and reported)")
	fs.Int64Var(&l.lim.MaxLiteral, "max-literal", l.lim.MaxLiteral, "largest IMAP literal kept, in bytes (a literal holding a whole message, FETCH BODY[] or APPEND, or a file a BODYSTRUCTURE named, BODY[2], is read as it arrives, up to --max-message)")
	fs.Int64Var(&l.lim.MaxMessage, "max-message", l.lim.MaxMessage, "largest message analysed, in bytes")
	fs.Int64Var(&l.lim.MaxAttachment, "max-attachment", l.lim.MaxAttachment, "largest attachment decoded and hashed whole, in bytes")
	fs.Int64Var(&l.lim.MaxHeld, "max-held", l.lim.MaxHeld, "message bytes held at once by all the sessions of a capture, in bytes (past it messages are analysed from the bytes kept, and reported)")
	fs.IntVar(&l.maxSessions, "max-sessions", l.maxSessions, "report only the first N mail sessions of each capture, in the order they were recognised, the rest counted (default: all)")
	fs.IntVar(&l.asm.MaxPages, "max-buffered-pages", l.asm.MaxPages, "out-of-order TCP data buffered in total, in pages of about 2 KiB")
	fs.IntVar(&l.asm.MaxPagesPerConn, "max-buffered-pages-per-conn", l.asm.MaxPagesPerConn, "out-of-order TCP data buffered per connection, in pages")
	fs.IntVar(&l.asm.MaxConns, "max-conns", l.asm.MaxConns, "open TCP connections tracked at once (the idlest are closed past it)")
	fs.DurationVar(&l.asm.HoleTimeout, "hole-timeout", l.asm.HoleTimeout, "capture time to wait for missing TCP data before reporting a gap")
	for _, name := range []string{"max-line", "max-literal", "max-message", "max-attachment", "max-held", "max-sessions",
		"max-buffered-pages", "max-buffered-pages-per-conn", "max-conns", "hole-timeout"} {
		limit(fs, name)
	}
}

func (l *limitOptions) apply(o *pipeline.Options) error {
	o.Dissect.Limits = l.lim
	o.Dissect.KeepRaw = l.keep
	o.Dissect.MaxSessions = l.maxSessions
	o.Reassembly = l.asm
	return nil
}

// workersFlag is the number of captures analysed at the same time.
func workersFlag(fs *pflag.FlagSet, n *int) {
	fs.IntVar(n, "workers", runtime.NumCPU(), "captures analysed at the same time")
	limit(fs, "workers")
}

// langFlag is the language of what mailwire writes for people.
func langFlag(fs *pflag.FlagSet, lang *string, what string) {
	fs.StringVar(lang, "lang", "", what+" language: en or fr (default from LANGUAGE, LC_ALL, LC_MESSAGES or LANG)")
	choices(fs, "lang", "en", "fr")
}

// resolveLang is the language asked for, or the environment's.
func resolveLang(lang string) string {
	if lang == "" {
		return report.LangFromEnv()
	}
	return lang
}

// commandLang is the language a command speaks: its --lang when it has
// one with a value mailwire knows, else the environment's. A wrong --lang
// is refused by checkFlags, in the environment's language.
func commandLang(cmd *cobra.Command) string {
	f := cmd.Flags().Lookup("lang")
	if f == nil || !slices.Contains(i18n.Langs, f.Value.String()) {
		return report.LangFromEnv()
	}
	return f.Value.String()
}
