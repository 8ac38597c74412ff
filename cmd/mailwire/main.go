// Command mailwire shows what an eavesdropper learns from mail traffic:
// it reads captures (or watches an interface), reassembles TCP, dissects
// SMTP, IMAP, POP3, TLS and DNS, and reports credentials, STARTTLS,
// messages and findings as text, JSON Lines, markdown or HTML.
//
// The command line is built with cobra: each command is one newXxxCmd
// function (read.go, extract.go, grade.go, live.go with interfaces,
// cert.go; man.go for the manual pages), each concern's flags one options
// type with an addFlags method (flags.go; the key log in keylog.go, S/MIME
// keys in smimekey.go), and every flag value is checked in one place,
// checkFlags, before any command runs.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/i18n"
)

// Exit codes, documented in the root command's help and the README.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

var version = "0.1.0"

const rootLong = `mailwire reads mail traffic (pcap and pcapng files, or a live interface)
and says, with evidence, what an eavesdropper learns: cleartext credentials,
STARTTLS offers and upgrades, messages and attachments, S/MIME, forged
senders, DNS MX look-ups and TLS metadata.

Flags may come before or after the captures; --flag=value and --flag value
are the same. Limits (--max-*, --hole-timeout, --workers, --count, --buffer...)
take positive values only: 0 and negative values are refused; leave a flag
out to keep its default.

Exit codes:
  0  the analysis ran
  1  findings at or above the --fail-on severity were found
  2  usage error, or an input could not be read (the other inputs are still reported)`

const rootExample = `  mailwire read capture.pcapng
  mailwire read capture.pcap --lang fr
  mailwire read --json capture.pcap
  mailwire extract --out mails capture.pcap
  mailwire grade --out grades class/
  sudo mailwire live -i lo
  mailwire help read`

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// tuneGC trades a little memory for less collection work: analysis
// allocates message buffers at a high rate while what it keeps stays
// small. A soft limit keeps the resident size well under 256 MiB. The
// GOGC and GOMEMLIMIT variables still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}

// app carries what every command writes to, the language it speaks and
// the exit code the command chose; cobra only knows about errors, which
// all mean exitUsage.
type app struct {
	stdout, stderr io.Writer
	// tr says every sentence written for the user: in the environment's
	// language until a command's --lang is read.
	tr   i18n.Tr
	code int
}

// commands lists the subcommands in the order help shows them. Adding a
// command is one newXxxCmd function in its own file and one entry here.
var commands = []func(*app) *cobra.Command{
	newReadCmd,
	newExtractCmd,
	newGradeCmd,
	newLiveCmd,
	newCertCmd,
	newInterfacesCmd,
	newVersionCmd,
	newManCmd,
}

func run(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, tr: i18n.New(report.LangFromEnv())}
	root := newRootCmd(a)
	if args == nil {
		// cobra reads os.Args when given nil: no arguments must stay none.
		args = []string{}
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return a.code
	}
	var u usageError
	if !errors.As(err, &u) {
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		if cmd.Runnable() || cmd.HasSubCommands() {
			fmt.Fprintln(stderr, a.tr.T("cli.root.help", "command", cmd.CommandPath()))
		}
	}
	return exitUsage
}

// usageError is returned by a command that has already told the user
// what went wrong: run only turns it into exitUsage.
type usageError struct{}

func (usageError) Error() string { return "usage error" }

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:     "mailwire",
		Short:   "What an eavesdropper learns from mail traffic",
		Long:    rootLong,
		Example: rootExample,
		Version: version,
		// With no command, the usage goes to standard error with
		// exitUsage, as for any other usage error.
		Args: a.unknownCommand,
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(a.stderr)
			cmd.Usage()
			return usageError{}
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			a.tr = i18n.New(commandLang(cmd))
			return checkFlags(cmd, a.tr)
		},
		SuggestionsMinimumDistance: 2,
		SilenceErrors:              true,
		SilenceUsage:               true,
		DisableAutoGenTag:          true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("mailwire {{.Version}}\n")
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	return root
}

// unknownCommand refuses a word that is not a command, suggesting the
// command it was probably meant to be.
func (a *app) unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	word := report.Sanitize(args[0], 100)
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return errors.New(a.tr.T("cli.root.unknown-suggest", "command", word, "suggestions", orList(a.tr, s)))
	}
	return errors.New(a.tr.T("cli.root.unknown", "command", word))
}

// runs adapts a command body that returns an exit code to cobra.
func (a *app) runs(body func(cmd *cobra.Command, args []string) int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.code = body(cmd, args)
		return nil
	}
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mailwire's version",
		Args:  cobra.NoArgs,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			fmt.Fprintln(a.stdout, "mailwire", version)
			return exitOK
		}),
	}
}
