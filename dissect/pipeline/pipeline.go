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
}

// Result of one capture.
type Result struct {
	Capture *record.Capture
	// Records are every record but the capture's, ordered by the frame
	// that completed them.
	Records []record.Record
	Stats   reassembly.Stats
	// Sessions and Unknown count mail and other TCP conversations.
	Sessions, Unknown int
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

// Read analyses an opened capture.
func Read(src *capfile.Reader, opt Options) (*Result, error) {
	if opt.Reassembly == (reassembly.Options{}) {
		opt.Reassembly = reassembly.DefaultOptions()
	}
	res := &Result{}
	var n int
	emit := func(r record.Record) {
		record.Redact(r, opt.Reveal)
		n++
		if opt.OnRecord != nil {
			opt.OnRecord(r)
			return
		}
		res.Records = append(res.Records, r)
	}
	an := dissect.New(opt.Dissect, emit)
	stats, err := reassembly.Run(src, an, opt.Reassembly)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	an.Finish()
	res.Stats, res.Sessions, res.Unknown = stats, an.Sessions, an.Unknown
	res.Capture = captureRecord(src, stats)
	for _, f := range captureFindings(src, stats) {
		emit(f)
	}
	// Records are completed in capture order but emitted when their
	// conversation closes: order them by the frame that completed them.
	sort.SliceStable(res.Records, func(i, j int) bool {
		return res.Records[i].Frame() < res.Records[j].Frame()
	})
	return res, nil
}

func captureRecord(src *capfile.Reader, st reassembly.Stats) *record.Capture {
	c := &record.Capture{File: src.Name, Schema: record.Schema, Format: src.Format,
		LinkType: src.LinkType().String(), Packets: st.Packets, Bytes: st.Bytes,
		First: st.First.UTC(), Last: st.Last.UTC(), Truncated: src.Truncated}
	if src.Truncated {
		c.Warnings = append(c.Warnings, fmt.Sprintf("the file ends in the middle of a packet after frame %d: it was cut short (copy interrupted or capture killed)", st.Packets))
	}
	if src.Err != nil {
		c.Warnings = append(c.Warnings, fmt.Sprintf("the file is damaged and was read only up to frame %d: %v", st.Packets, src.Err))
	}
	if st.CutPackets > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%d packets were cut by the capture's snap length, the first at frame %d: their payload is incomplete (capture again with -s 0)", st.CutPackets, st.CutFrame))
	}
	if st.GapBytes > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%d bytes of TCP data were never captured (gaps in streams)", st.GapBytes))
	}
	if st.ConnsEvicted > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%d connections were closed early to bound memory", st.ConnsEvicted))
	}
	return c
}

func captureFindings(src *capfile.Reader, st reassembly.Stats) []*record.Finding {
	var out []*record.Finding
	if src.Truncated || src.Err != nil {
		out = append(out, &record.Finding{ID: "capture-truncated", Severity: "low", Packet: st.Packets,
			Title:  "The capture file is cut short or damaged",
			Detail: "The file ends before its last packet does; what it held before that point was analysed, anything after is missing."})
	}
	if st.CutPackets > 0 {
		out = append(out, &record.Finding{ID: "payload-truncated", Severity: "low", Packet: st.CutFrame,
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
