package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd writes the manual pages, made from the same definitions as
// the help, for `make man` and `make install`. It is hidden: users read
// the pages it writes.
func newManCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write mailwire's manual pages (section 1) to DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				fmt.Fprintln(a.stderr, "mailwire man:", a.tr.T("cli.man.failed", "error", detail(err)))
				return exitUsage
			}
			header := &doc.GenManHeader{Section: "1", Source: "mailwire " + version, Manual: "mailwire manual"}
			if err := doc.GenManTree(cmd.Root(), header, args[0]); err != nil {
				fmt.Fprintln(a.stderr, "mailwire man:", a.tr.T("cli.man.failed", "error", detail(err)))
				return exitUsage
			}
			return exitOK
		}),
	}
}
