package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/mailwire/mailwire/dissect/pipeline"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/extract"
)

func cmdExtract(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder to write messages (.eml), attachments and index.json to")
	lim := registerLimits(fs)
	keys := registerSMIME(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mailwire extract --out DIR CAPTURE...\n\nWrites every message seen in the captures as an .eml file and each attachment as a file, with an index.json mapping files to sessions and frames. Names from the wire are made safe: nothing is written outside DIR and nothing is overwritten.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *out == "" || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "mailwire extract: give a folder and captures, e.g. mailwire extract --out mails capture.pcap")
		return exitUsage
	}
	w, err := extract.Create(*out, extract.Options{MaxAttachment: lim.lim.MaxAttachment})
	if err != nil {
		fmt.Fprintf(stderr, "mailwire extract: %v\n", err)
		return exitUsage
	}
	lim.keep = true
	code := exitOK
	for _, path := range fs.Args() {
		opt := lim.options()
		if code := keys.apply(&opt, stderr); code != exitOK {
			return code
		}
		if fs.NArg() > 1 {
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
				fmt.Fprintf(stderr, "mailwire extract: %s: %v\n", path, err)
				code = exitUsage
			}
			m.Raw = nil
		}
		if _, err := pipeline.File(path, opt); err != nil {
			fmt.Fprintf(stderr, "mailwire: %v\n", explain(err))
			code = exitUsage
		}
	}
	idx, err := w.Close()
	if err != nil {
		fmt.Fprintf(stderr, "mailwire extract: %v\n", err)
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
	fmt.Fprintf(stdout, "%d messages and %d attachments written to %s (index: %s)\n", msgs, atts, *out, idx.Path)
	return code
}
