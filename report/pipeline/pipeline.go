// Package pipeline runs a capture through the whole analysis, one stage
// after the other, and hands on its records in capture order:
//
//  1. capture: reassembly/capfile (or reassembly/livecap) reads packets;
//  2. reassembly spreads them over shards by address pair and rebuilds
//     each TCP conversation;
//  3. dissect recognises each conversation's protocol and turns it into
//     records (shard.go);
//  4. each record goes through Options.Transform (the command's S/MIME
//     decryption) and loses its secrets unless they are revealed; when a
//     session closes, report/findings derives the findings that need
//     several of its records and report/lab tags them (shard.go);
//  5. the merger (merge.go) orders the records of every shard by frame,
//     numbers sessions, and lets each record go as soon as no shard can
//     still produce an earlier one, so memory does not grow with the
//     capture; the capture's own record and findings come last.
//
// It lives under report because it is the report's source: it needs both
// the dissectors and the derived findings, and neither dissect nor
// reassembly should know about what comes after them.
package pipeline

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
)

// Options of one analysis.
type Options struct {
	Dissect    dissect.Options
	Reassembly reassembly.Options
	// Reveal keeps secrets in the records; without it they are removed
	// here, before anything else sees them.
	Reveal bool
	// OnRecord, when set, receives every record in capture order as soon
	// as no earlier frame can still produce one (Live: as soon as it is
	// known); Result.Records then stays empty.
	OnRecord func(record.Record)
	// Transform, when set, sees every record before it is redacted and
	// kept (S/MIME decryption with the keys given). Shards call it at
	// the same time.
	Transform func(record.Record)
	// BytesRead, when set, counts the bytes read from capture files.
	BytesRead *atomic.Int64
	// Workers is how many shards analyse one capture at once (at least
	// one; live output uses one).
	Workers int
}

// Result of one capture.
type Result struct {
	Capture *record.Capture
	// Records are every record but the capture's, derived findings
	// included, ordered by the frame that completed them; the capture's
	// own findings come last.
	Records []record.Record
	Stats   reassembly.Stats
	// Sessions and Unknown count mail and other TCP conversations;
	// Skipped counts mail sessions past the MaxSessions bound.
	Sessions, Unknown, Skipped int
	// DNSDropped and MXDropped are DNS records and mx-lookup findings
	// past their bound, counted but not listed.
	DNSDropped, MXDropped int
	// Held is the most records the pipeline held at once to put them in
	// capture order: it stays small whatever the capture's size.
	Held int
}

// File analyses the capture at path ("-" for standard input).
func File(path string, opt Options) (*Result, error) {
	src, err := capfile.OpenCounting(path, opt.BytesRead)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer src.Close()
	return Read(src, opt)
}

// Read analyses an opened capture file.
func Read(src *capfile.Reader, opt Options) (*Result, error) {
	keyWarnings := useEmbeddedKeys(src, &opt)
	res, err := run(reading{src: src}, src.Name, opt, false)
	if err != nil {
		return nil, err
	}
	res.Capture = captureRecord(sourceInfo{src.Name, src.Format, src.LinkType().String(), src.Truncated, src.Err, src.Limits}, res.Stats)
	res.Capture.Warnings = append(res.Capture.Warnings, *keyWarnings...)
	res.warnSkipped()
	finish(res, src.Truncated || src.Err != nil, opt)
	return res, nil
}

// Live analyses packets from a live source until it ends (io.EOF);
// records go to opt.OnRecord as soon as they are known.
func Live(src reassembly.Source, name, linkType string, opt Options) (*Result, error) {
	return live(reading{src: src}, name, linkType, opt)
}

// LiveShares is Live over the shares of one capture read on several
// sockets at once (a kernel fanout group), each analysed on its own
// goroutine. Session ids are given, and MaxSessions applied, over every
// share; records come as they are known, not in capture order.
func LiveShares(shares []reassembly.Framed, name, linkType string, opt Options) (*Result, error) {
	return live(reading{shares: shares}, name, linkType, opt)
}

func live(in reading, name, linkType string, opt Options) (*Result, error) {
	res, err := run(in, name, opt, true)
	if err != nil {
		return nil, err
	}
	res.Capture = captureRecord(sourceInfo{name: name, format: "live", linkType: linkType}, res.Stats)
	res.warnSkipped()
	finish(res, false, opt)
	return res, nil
}

func (res *Result) warnSkipped() {
	if res.Skipped > 0 {
		res.Capture.Warnings = append(res.Capture.Warnings, record.NewWarning(0, record.WarnCaptureSessionsSkipped, "count", res.Skipped))
	}
	if res.DNSDropped > 0 {
		res.Capture.Warnings = append(res.Capture.Warnings, record.NewWarning(0, record.WarnCaptureDNSDropped, "count", res.DNSDropped, "max", maxDNSRecords))
	}
	if res.MXDropped > 0 {
		res.Capture.Warnings = append(res.Capture.Warnings, record.NewWarning(0, record.WarnCaptureMXDropped, "count", res.MXDropped, "max", maxMXFindings))
	}
}

type sourceInfo struct {
	name, format, linkType string
	truncated              bool
	err                    error
	limits                 capfile.Limits
}

// reading is what run reads: one source, spread over shards by flow, or
// the shares of a capture that a fanout group spread already.
type reading struct {
	src    reassembly.Source
	shares []reassembly.Framed
}

func (in reading) run(sinks []reassembly.Sink, opt reassembly.Options) (reassembly.Stats, error) {
	if in.shares != nil {
		return reassembly.RunShares(in.shares, sinks, opt)
	}
	return reassembly.RunParallel(in.src, sinks, opt)
}

func run(in reading, name string, opt Options, passThrough bool) (*Result, error) {
	if opt.Reassembly == (reassembly.Options{}) {
		opt.Reassembly = reassembly.DefaultOptions()
	}
	workers := max(opt.Workers, 1)
	switch {
	case in.shares != nil:
		workers = len(in.shares)
	case passThrough:
		workers = 1
	}
	if passThrough && workers > 1 {
		// Each share's analyzer gives ids from one count.
		opt.Dissect.Numbers = new(dissect.Numbers)
	}
	res := &Result{}
	out := opt.OnRecord
	if out == nil {
		out = func(r record.Record) { res.Records = append(res.Records, r) }
	}
	m := newMerger(workers, opt.Dissect.IDPrefix, opt.Dissect.MaxSessions, passThrough, out)
	reports := make(chan shardReport, 2*workers)
	merged := make(chan struct{})
	go func() {
		defer close(merged)
		for left := workers; left > 0; {
			rep := <-reports
			m.add(rep)
			if rep.done {
				left--
			}
		}
	}()
	// Every shard draws the bytes it holds from one budget per capture.
	lim := opt.Dissect.Limits
	if lim == (session.Limits{}) {
		lim = session.DefaultLimits()
	}
	if lim.Held == nil {
		lim.Held = session.NewBudget(lim.MaxHeld)
	}
	shards := make([]*shard, workers)
	sinks := make([]reassembly.Sink, workers)
	for i := range shards {
		do := opt.Dissect
		do.Limits = lim
		if !passThrough {
			// The merger numbers sessions and applies the bound over
			// every shard; these ids only need to be unique.
			do.MaxSessions = 0
			do.IDPrefix = fmt.Sprintf("~%d.", i)
		}
		sh := &shard{id: i, reveal: opt.Reveal, transform: opt.Transform, immediate: passThrough,
			bySession: map[string][]record.Record{}, commands: map[string]int{}, send: func(r shardReport) { reports <- r }}
		sh.an = dissect.New(do, sh.emit)
		sh.dns = sh.an
		shards[i], sinks[i] = sh, sh
	}
	stats, err := in.run(sinks, opt.Reassembly)
	<-merged
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, sh := range shards {
		res.Unknown += sh.an.Unknown
		if passThrough {
			res.Sessions += sh.an.Sessions
			res.Skipped += sh.an.Skipped
		}
	}
	if !passThrough {
		res.Sessions, res.Skipped = m.counts()
	}
	res.Stats = stats
	res.Held = m.held
	res.DNSDropped, res.MXDropped = m.dns.dropped, m.mx.dropped
	return res, nil
}

// finish passes on the capture's own findings: they need the whole
// capture, so they come after its other records.
func finish(res *Result, damaged bool, opt Options) {
	for _, f := range captureFindings(damaged, res.Stats) {
		record.Redact(f, opt.Reveal)
		if opt.OnRecord != nil {
			opt.OnRecord(f)
		} else {
			res.Records = append(res.Records, f)
		}
	}
}

func captureRecord(src sourceInfo, st reassembly.Stats) *record.Capture {
	c := &record.Capture{File: src.name, Schema: record.Schema, Format: src.format,
		LinkType: src.linkType, Packets: st.Packets, Bytes: st.Bytes,
		First: st.First.UTC(), Last: st.Last.UTC(), Truncated: src.truncated}
	if src.truncated {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureCutShort, "frame", st.Packets))
	}
	if src.err != nil {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureDamaged, "frame", st.Packets, "error", src.err))
	}
	if st.CutPackets > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureSnapLength, "packets", st.CutPackets, "frame", st.CutFrame))
	}
	if st.BigPackets > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureBigPackets, "packets", st.BigPackets, "kib", capfile.MaxPacket>>10, "frame", st.BigFrame))
	}
	if l := src.limits; l.DroppedInterfaces > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureInterfacesDropped, "count", l.DroppedInterfaces, "max", capfile.MaxInterfaces, "packets", l.Remapped))
	}
	if l := src.limits; l.SkippedBlocks > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureBlocksSkipped, "count", l.SkippedBlocks))
	}
	if st.FragmentsDropped > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureFragmentsDropped, "count", st.FragmentsDropped))
	}
	if st.GapBytes > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureGaps, "bytes", st.GapBytes))
	}
	if st.OverlapBytes > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureOverlaps, "bytes", st.OverlapBytes, "segments", st.OverlapPackets))
	}
	if st.ConnsEvicted > 0 {
		c.Warnings = append(c.Warnings, record.NewWarning(0, record.WarnCaptureEvicted, "count", st.ConnsEvicted))
	}
	return c
}

func captureFindings(damaged bool, st reassembly.Stats) []*record.Finding {
	var out []*record.Finding
	if damaged {
		out = append(out, &record.Finding{ID: record.FindingCaptureTruncated, Severity: record.SeverityLow, Packet: st.Packets})
	}
	if st.CutPackets > 0 {
		out = append(out, &record.Finding{ID: record.FindingPayloadTruncated, Severity: record.SeverityLow, Packet: st.CutFrame,
			Frames: []int64{st.CutFrame}, Args: map[string]string{"packets": strconv.FormatInt(st.CutPackets, 10)}})
	}
	return out
}

// FileResult is the outcome of one of several files.
type FileResult struct {
	Path   string
	Result *Result
	Err    error
}

// Files analyses several captures on up to workers goroutines and returns
// their results in the order of paths, whatever order they finish in.
// With sink, the records of paths[i] go to sink(i) as opt.OnRecord
// would take them, instead of their Result.
func Files(paths []string, opt Options, workers int, sink func(i int) func(record.Record)) []FileResult {
	out := make([]FileResult, len(paths))
	if workers < 1 {
		workers = 1
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := opt
				if len(paths) > 1 {
					o.Dissect.IDPrefix = filepath.Base(paths[i]) + "#"
				}
				if sink != nil {
					o.OnRecord = sink(i)
				}
				res, err := File(paths[i], o)
				out[i] = FileResult{Path: paths[i], Result: res, Err: err}
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// useEmbeddedKeys adds the TLS key logs of a pcapng file's Decryption
// Secrets Blocks to the analysis' key log (creating it when the file
// holds some before its packets). It returns the warnings of their
// malformed lines, complete once the file is read.
func useEmbeddedKeys(src *capfile.Reader, opt *Options) *[]record.Warning {
	var warns []record.Warning
	if opt.Dissect.Keys == nil && src.HasTLSKeyLog() {
		opt.Dissect.Keys = keylog.New()
	}
	if keys := opt.Dissect.Keys; keys != nil {
		src.TLSKeyLog(func(b []byte) {
			// The block's name in the pcapng specification, as Wireshark
			// shows it: the key log has no file name of its own.
			warns = append(warns, keys.Add(b, "Decryption Secrets Block")...)
		})
	}
	return &warns
}
