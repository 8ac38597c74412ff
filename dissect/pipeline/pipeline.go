// Package pipeline runs one capture through the whole analysis: capture
// file, reassembly, dissectors, and returns its records in output order.
package pipeline

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
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
	// OnRecord, when set, receives every record as soon as it is known
	// (live output); Result.Records then stays empty.
	OnRecord func(record.Record)
	// BytesRead, when set, counts the bytes read from capture files.
	BytesRead *atomic.Int64
	// Workers is how many shards analyse one capture at once (at least
	// one; live output uses one).
	Workers int
}

// Result of one capture.
type Result struct {
	Capture *record.Capture
	// Records are every record but the capture's, ordered by the frame
	// that completed them.
	Records []record.Record
	Stats   reassembly.Stats
	// Sessions and Unknown count mail and other TCP conversations;
	// Skipped counts mail sessions past the MaxSessions bound.
	Sessions, Unknown, Skipped int
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
	res, err := run(src, src.Name, opt)
	if err != nil {
		return nil, err
	}
	res.Capture = captureRecord(sourceInfo{src.Name, src.Format, src.LinkType().String(), src.Truncated, src.Err}, res.Stats)
	res.warnSkipped()
	finish(res, src.Truncated || src.Err != nil, opt)
	return res, nil
}

// Live analyses packets from a live source until it ends (io.EOF);
// records go to opt.OnRecord as soon as they are known.
func Live(src reassembly.Source, name, linkType string, opt Options) (*Result, error) {
	res, err := run(src, name, opt)
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
}

type sourceInfo struct {
	name, format, linkType string
	truncated              bool
	err                    error
}

func run(src reassembly.Source, name string, opt Options) (*Result, error) {
	if opt.Reassembly == (reassembly.Options{}) {
		opt.Reassembly = reassembly.DefaultOptions()
	}
	workers := opt.Workers
	if workers < 1 || opt.OnRecord != nil {
		// Live output streams records as they come, in one shard.
		workers = 1
	}
	res := &Result{}
	// Each shard keeps its own records, merged once all are done.
	shards := make([]Result, workers)
	analyzers := make([]*dissect.Analyzer, workers)
	sinks := make([]reassembly.Sink, workers)
	for i := range analyzers {
		emit := func(r record.Record) { shards[i].add(r, opt) }
		do := opt.Dissect
		if do.MaxSessions > 0 {
			do.MaxSessions = max(do.MaxSessions/workers, 1)
		}
		if workers > 1 {
			// Provisional ids, unique across shards until renumber.
			do.IDPrefix = fmt.Sprintf("%s%d.", do.IDPrefix, i)
		}
		analyzers[i] = dissect.New(do, emit)
		sinks[i] = analyzers[i]
	}
	stats, err := reassembly.RunParallel(src, sinks, opt.Reassembly)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, an := range analyzers {
		an.Finish()
		res.Sessions += an.Sessions
		res.Unknown += an.Unknown
		res.Skipped += an.Skipped
		res.Records = append(res.Records, shards[i].Records...)
	}
	if opt.OnRecord == nil {
		renumber(res.Records, opt.Dissect.IDPrefix)
	}
	res.Stats = stats
	return res, nil
}

// renumber gives sessions the ids s1, s2… in the order their protocols
// were recognised, so that the output is the same whatever the number of
// shards and whatever order connections were closed in at the end.
func renumber(recs []record.Record, prefix string) {
	var sessions []*record.Session
	for _, r := range recs {
		if s, ok := r.(*record.Session); ok {
			sessions = append(sessions, s)
		}
	}
	sort.Slice(sessions, func(i, j int) bool {
		a, b := sessions[i], sessions[j]
		if a.DetectFrame != b.DetectFrame {
			return a.DetectFrame < b.DetectFrame
		}
		return a.Packet < b.Packet
	})
	ids := make(map[string]string, len(sessions))
	for i, s := range sessions {
		ids[s.ID] = fmt.Sprintf("%ss%d", prefix, i+1)
	}
	for _, r := range recs {
		if ref := record.SessionRef(r); ref != nil {
			if id, ok := ids[*ref]; ok {
				*ref = id
			}
		}
	}
}

// add redacts a record, then keeps it or passes it on.
func (res *Result) add(r record.Record, opt Options) {
	record.Redact(r, opt.Reveal)
	if opt.OnRecord != nil {
		opt.OnRecord(r)
		return
	}
	res.Records = append(res.Records, r)
}

// finish adds the capture's own findings and orders the records.
func finish(res *Result, damaged bool, opt Options) {
	for _, f := range captureFindings(damaged, res.Stats) {
		res.add(f, opt)
	}
	// Records are completed in capture order but emitted when their
	// conversation closes: order them by the frame that completed them.
	sort.SliceStable(res.Records, func(i, j int) bool {
		return res.Records[i].Frame() < res.Records[j].Frame()
	})
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
		out = append(out, &record.Finding{ID: record.FindingCaptureTruncated, Severity: record.SeverityLow, Packet: st.Packets,
			Title:  "The capture file is cut short or damaged",
			Detail: "The file ends before its last packet does; what it held before that point was analysed, anything after is missing."})
	}
	if st.CutPackets > 0 {
		out = append(out, &record.Finding{ID: record.FindingPayloadTruncated, Severity: record.SeverityLow, Packet: st.CutFrame,
			Frames: []int64{st.CutFrame},
			Title:  "Packets were cut by the snap length",
			Detail: fmt.Sprintf("%d packets were captured only in part, so their contents are incomplete; capture with a snap length of 0 (whole packets) to see everything.", st.CutPackets)})
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
func Files(paths []string, opt Options, workers int) []FileResult {
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
