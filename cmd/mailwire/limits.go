package main

import (
	"flag"
	"runtime"

	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/report/pipeline"
)

// limitFlags expose the memory bounds; each limit hit is reported.
type limitFlags struct {
	lim         session.Limits
	asm         reassembly.Options
	keep        bool
	maxSessions int
}

func registerLimits(fs *flag.FlagSet) *limitFlags {
	l := &limitFlags{lim: session.DefaultLimits(), asm: reassembly.DefaultOptions()}
	fs.IntVar(&l.lim.MaxLine, "max-line", l.lim.MaxLine, "longest protocol line kept, in bytes (the rest is skipped and reported)")
	fs.Int64Var(&l.lim.MaxLiteral, "max-literal", l.lim.MaxLiteral, "largest IMAP literal kept, in bytes")
	fs.Int64Var(&l.lim.MaxMessage, "max-message", l.lim.MaxMessage, "largest message kept for analysis, in bytes")
	fs.Int64Var(&l.lim.MaxAttachment, "max-attachment", l.lim.MaxAttachment, "largest attachment decoded and hashed whole, in bytes")
	fs.IntVar(&l.maxSessions, "max-sessions", 0, "report only the first N mail sessions of each capture, in the order they were recognised (0: all; the rest are counted); default: all with --json, 10000 in text, markdown and HTML reports, which are built in memory")
	fs.IntVar(&l.asm.MaxPages, "max-buffered-pages", l.asm.MaxPages, "out-of-order TCP data buffered in total, in pages of about 2 KiB")
	fs.IntVar(&l.asm.MaxPagesPerConn, "max-buffered-pages-per-conn", l.asm.MaxPagesPerConn, "out-of-order TCP data buffered per connection, in pages")
	fs.IntVar(&l.asm.MaxConns, "max-conns", l.asm.MaxConns, "open TCP connections tracked at once (the idlest are closed past it)")
	fs.DurationVar(&l.asm.HoleTimeout, "hole-timeout", l.asm.HoleTimeout, "capture time to wait for missing TCP data before reporting a gap")
	return l
}

func (l *limitFlags) options() pipeline.Options {
	var o pipeline.Options
	o.Dissect.Limits = l.lim
	o.Dissect.KeepRaw = l.keep
	o.Dissect.MaxSessions = l.maxSessions
	o.Reassembly = l.asm
	o.Workers = runtime.NumCPU()
	return o
}
