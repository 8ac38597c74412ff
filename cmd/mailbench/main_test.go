package main

import (
	"bytes"
	"testing"

	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/pipeline"
)

// sessionRows counts the rows of the sessions table of a real report,
// and nothing else: the credentials table's rows start with ids too.
func TestSessionRowsCountsTheSessionsTable(t *testing.T) {
	res, err := pipeline.File("../../captures/lab-session.pcap", pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteText(&b, []report.Capture{report.Held(res.Capture, res.Records)}, nil, report.Options{Lang: "en", Width: 100}); err != nil {
		t.Fatal(err)
	}
	if got := sessionRows(&b); got != res.Sessions || got < 2 {
		t.Errorf("%d session rows, want %d", got, res.Sessions)
	}
}
