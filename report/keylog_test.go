package report_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/pipeline"
)

// TestKeyLogReport reads the IMAPS and SMTP STARTTLS captures with their
// key logs: the report shows what TLS hid, and keeps it apart from what an
// eavesdropper saw.
func TestKeyLogReport(t *testing.T) {
	tests := []struct {
		capture string
		want    []string
		never   []string
	}{
		{"imaps-993", []string{
			"IMAP LOGIN (key log only)",
			"alice logged in with LOGIN at frame 13 inside TLS",
			"Read inside TLS with your key log",
			"[keylog-credentials]",
			"an eavesdropper saw 3344 encrypted bytes",
		}, []string{"crossed the network in clear", "cleartext-credentials"}},
		{"smtp-starttls-openssl", []string{
			"With your key log: inside TLS the client then sent EHLO, MAIL, RCPT, DATA, QUIT",
			"(key log only)",
		}, []string{"cleartext-message"}},
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			keys := keylog.New()
			if _, err := keys.ReadFile("../captures/" + tt.capture + ".keys"); err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.File("../captures/"+tt.capture+".pcap", pipeline.Options{Dissect: dissect.Options{Keys: keys}})
			if err != nil {
				t.Fatal(err)
			}
			recs := res.Records
			for _, f := range report.Derive(recs) {
				recs = append(recs, f)
			}
			sort.SliceStable(recs, func(i, j int) bool { return recs[i].Frame() < recs[j].Frame() })
			var b bytes.Buffer
			if err := report.WriteText(&b, []report.Capture{{Info: res.Capture, Records: recs}}, nil, report.Options{Lang: "en", Width: 400}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			for _, w := range tt.never {
				if strings.Contains(out, w) {
					t.Errorf("report says %q", w)
				}
			}
		})
	}
}
