// Command mailwire shows what an eavesdropper learns from mail traffic:
// it reads captures (or watches an interface), reassembles TCP, dissects
// SMTP, IMAP, POP3, TLS and DNS, and reports credentials, STARTTLS,
// messages and findings as text, JSON Lines, markdown or HTML.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Exit codes, documented in the usage text and the README.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

const usage = `mailwire: what an eavesdropper learns from mail traffic

Usage:
  mailwire read [flags] CAPTURE...      analyse pcap/pcapng files (gzip too; - for standard input)
  mailwire extract --out DIR CAPTURE... write every message (.eml) and attachment to DIR
  mailwire grade [flags] --out DIR DIR_OR_FILES...  grade a class's captures
  mailwire live -i IFACE [flags]        analyse traffic as it happens
  mailwire cert [--json] [--pass P] FILE...  describe certificates (PEM, DER, .p12, .p7s/.p7m)
  mailwire interfaces                   list the interfaces live capture can use
  mailwire version

Run 'mailwire COMMAND -h' for a command's flags.

Exit codes:
  0  the analysis ran
  1  findings at or above the --fail-on severity were found
  2  usage error, or an input could not be read
`

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

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "read":
		return cmdRead(args[1:], stdout, stderr)
	case "extract":
		return cmdExtract(args[1:], stdout, stderr)
	case "grade":
		return cmdGrade(args[1:], stdout, stderr)
	case "live":
		return cmdLive(args[1:], stdout, stderr)
	case "cert":
		return cmdCert(args[1:], stdout, stderr)
	case "interfaces":
		return cmdInterfaces(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "mailwire", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "mailwire: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

var version = "0.1.0"
