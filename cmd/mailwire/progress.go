package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/pipeline"
)

// progressFlag is how the commands that read captures show their
// progress.
func progressFlag(fs *pflag.FlagSet, mode *string) {
	fs.StringVar(mode, "progress", "auto", "progress bar on standard error: auto (when a terminal), always or never")
	choices(fs, "progress", "auto", "always", "never")
}

// progressMin is the input size below which no progress bar is drawn.
const progressMin = 16 << 20

// startProgress draws a progress bar on stderr while files are read, when
// asked or when stderr is a terminal and the input is large. It returns
// the function that stops it.
func startProgress(tr i18n.Tr, files []string, opt *pipeline.Options, mode string, stderr io.Writer) func() {
	total := int64(0)
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			total += st.Size()
		}
	}
	show := mode == "always" || (mode == "auto" && isTerminal(stderr) && total >= progressMin)
	if !show || total == 0 {
		return func() {}
	}
	opt.BytesRead = new(atomic.Int64)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		start := time.Now()
		drawProgress(tr, stderr, 0, total, 0)
		for {
			select {
			case <-done:
				fmt.Fprint(stderr, "\r\033[K")
				return
			case <-tick.C:
				drawProgress(tr, stderr, opt.BytesRead.Load(), total, time.Since(start))
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func drawProgress(tr i18n.Tr, w io.Writer, read, total int64, elapsed time.Duration) {
	const width = 30
	frac := min(float64(read)/float64(total), 1)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if float64(i) < frac*width {
			bar[i] = '#'
		}
	}
	rate := float64(read) / (1 << 20) / max(elapsed.Seconds(), 0.001)
	fmt.Fprint(w, "\r"+tr.T("cli.progress", "bar", string(bar), "percent", fmt.Sprintf("%3.0f", frac*100),
		"read", strconv.FormatInt(read>>20, 10), "total", strconv.FormatInt(total>>20, 10), "rate", fmt.Sprintf("%.0f", rate)))
}
