package main

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/extract"
	"github.com/mailwire/mailwire/report/pipeline"
)

const extractLong = `Writes every message seen in the captures as an .eml file and each attachment
as a file, with an index.json mapping files to sessions and frames. Names from
the wire are made safe: nothing is written outside DIR. Extracting again into
the same folder replaces what mailwire wrote there before (the files its
index.json lists) and leaves every other file alone. A folder given as a
capture stands for the capture files directly inside it.`

const extractExample = `  mailwire extract --out mails capture.pcap
  mailwire extract capture.pcap day2.pcapng --out mails`

func newExtractCmd(a *app) *cobra.Command {
	var out, progress string
	an := newAnalysisFlags(a)
	cmd := &cobra.Command{
		Use:     "extract --out DIR CAPTURE...",
		Short:   "Write every message (.eml) and attachment to DIR",
		Long:    extractLong,
		Example: extractExample,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			if out == "" || len(args) == 0 {
				fmt.Fprintln(a.stderr, "mailwire extract:", a.tr.T("cli.extract.usage"))
				return exitUsage
			}
			files, ok := a.captureFiles(args)
			if len(files) == 0 {
				return exitUsage
			}
			an.lim.keep = true
			opt, err := an.options()
			if err != nil {
				fmt.Fprintln(a.stderr, "mailwire extract:", err)
				return exitUsage
			}
			stop := startProgress(a.tr, files, &opt, progress, a.stderr)
			code := extractFiles(files, out, opt, an.lim.lim.MaxAttachment, a)
			stop()
			if !ok {
				code = exitUsage
			}
			return code
		}),
	}
	cmd.Flags().StringVar(&out, "out", "", "folder to write messages (.eml), attachments and index.json to")
	cmd.MarkFlagDirname("out")
	progressFlag(cmd.Flags(), &progress)
	an.addFlags(cmd.Flags())
	completeChoices(cmd)
	return cmd
}

func extractFiles(files []string, out string, base pipeline.Options, maxAttachment int64, a *app) int {
	w, err := extract.Create(out, extract.Options{MaxAttachment: maxAttachment})
	if err != nil {
		fmt.Fprintln(a.stderr, "mailwire extract:", a.tr.T("cli.extract.create", "dir", out, "error", detail(err)))
		return exitUsage
	}
	code := exitOK
	for _, path := range files {
		opt := base
		if len(files) > 1 {
			opt.Dissect.IDPrefix = filepath.Base(path) + "#"
		}
		// Messages are written as they are found, so only one is held
		// in memory at a time.
		opt.OnRecord = func(r record.Record) {
			m, ok := r.(*record.Message)
			if !ok {
				return
			}
			if err := w.Add(m); err != nil {
				fmt.Fprintln(a.stderr, "mailwire extract:", a.tr.T("cli.extract.add", "file", path, "frame", strconv.FormatInt(m.Packet, 10), "error", detail(err)))
				code = exitUsage
			}
			m.Raw = nil
		}
		if _, err := pipeline.File(path, opt); err != nil {
			fmt.Fprintln(a.stderr, "mailwire:", explain(a.tr, path, err))
			code = exitUsage
		}
	}
	idx, err := w.Close()
	if err != nil {
		fmt.Fprintln(a.stderr, "mailwire extract:", a.tr.T("cli.extract.index", "dir", out, "error", detail(err)))
		return exitUsage
	}
	msgs, atts := 0, 0
	for _, f := range idx.Files {
		if f.Kind != "attachment" {
			msgs++
		} else {
			atts++
		}
	}
	fmt.Fprintln(a.stdout, a.tr.T("cli.extract.done", "messages", strconv.Itoa(msgs), "attachments", strconv.Itoa(atts), "dir", out, "index", idx.Path))
	return code
}
