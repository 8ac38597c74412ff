package report_test

import (
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/report/view"
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
			if err := report.WriteText(&b, []report.Capture{report.Held(res.Capture, recs)}, nil, report.Options{Lang: "en", Width: 400}); err != nil {
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

// analyseWithKeys is analyse with the capture's own key log, as
// mailwire read --keylog does.
func analyseWithKeys(t *testing.T, path, keyFile string) analysed {
	t.Helper()
	keys := keylog.New()
	if _, err := keys.ReadFile(keyFile); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.File(path, pipeline.Options{Dissect: dissect.Options{Limits: session.DefaultLimits(), Keys: keys}})
	if err != nil {
		t.Fatal(err)
	}
	recs := res.Records
	for _, f := range report.Derive(recs) {
		recs = append(recs, f)
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Frame() < recs[j].Frame() })
	return analysed{Info: res.Capture, Records: recs}
}

// decryptedFrames lists the frames of the records read from bytes that
// only the key log opened.
func decryptedFrames(recs []record.Record) map[int64]bool {
	out := map[int64]bool{}
	add := func(ok bool, frames ...int64) {
		for _, f := range frames {
			if ok && f > 0 {
				out[f] = true
			}
		}
	}
	for _, r := range recs {
		switch r := r.(type) {
		case *record.Credential:
			add(r.Decrypted, r.Packet, r.ReplyPacket)
		case *record.Command:
			add(r.Decrypted, r.Packet, r.ReplyPacket)
		case *record.Message:
			add(r.Decrypted, r.Packet, r.EndPacket)
		case *record.Mailbox:
			add(r.Decrypted, r.Packet)
		}
	}
	return out
}

// TestLabAnswersWithKeyLog reads every capture that has a key log with
// it: the IMAP steps typed inside TLS (as the facts list them) are
// answered from the decrypted records, and every answer whose evidence
// was decrypted says it was read with the key log, while one that rests
// on clear text only does not. The same capture without its key log
// answers none of the steps inside TLS.
func TestLabAnswersWithKeyLog(t *testing.T) {
	tried := 0
	for _, path := range captureFiles(t) {
		f := readFacts(t, path)
		if f.TLSKeylog == "" {
			continue
		}
		tried++
		t.Run(filepath.Base(path), func(t *testing.T) {
			// What the key log opens: the IMAP and SMTP conversations inside TLS.
			inTLS := expectation{found: map[string]bool{}, mentions: map[string][]string{}}
			inClear := expectation{found: map[string]bool{}, mentions: map[string][]string{}}
			var smtpVerbs []string
			for _, c := range f.Conversations {
				switch {
				case c.Proto == "imap" && c.TLS.Mode != "none":
					expectIMAP(&inTLS, "none", c.Auth, c.Commands, c.MailboxesCreated, c.Expunged)
				case c.Proto == "imap":
					expectIMAP(&inClear, c.TLS.Mode, c.Auth, c.Commands, c.MailboxesCreated, c.Expunged)
				case c.Proto == "smtp" && c.TLS.Mode == "starttls" && c.StartTLS != nil && c.StartTLS.Accepted:
					inTLS.found["1.2.7"] = true
					smtpVerbs = append(smtpVerbs, c.Commands...)
				}
			}
			with := analyseWithKeys(t, path, filepath.Join(filepath.Dir(path), f.TLSKeylog))
			dec := decryptedFrames(with.Records)
			if len(dec) == 0 {
				t.Fatal("the key log opened no record")
			}
			answers := map[string]view.LabAnswer{}
			for _, a := range view.LabAnswers(with.Records, "en") {
				answers[a.ID] = a
			}
			// 1.2.7's evidence is the upgrade itself (frames in clear); what
			// the key log opened is checked on its text below.
			for _, id := range []string{"1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7"} {
				a := answers[id]
				text := strings.Join(a.Lines, "\n")
				if inTLS.found[id] && !a.Found {
					t.Errorf("%s: the key log opens it, but it is not answered", id)
				}
				fromKeys := false
				for _, fr := range a.Frames {
					fromKeys = fromKeys || dec[fr]
				}
				if inTLS.found[id] && !inClear.found[id] && !fromKeys {
					t.Errorf("%s: answered from frames %v, none of them decrypted %v", id, a.Frames, keys(dec))
				}
				says := strings.Contains(text, "key log")
				if fromKeys && !says {
					t.Errorf("%s: answered from decrypted frames %v without saying so: %q", id, a.Frames, text)
				}
				if a.Found && !fromKeys && says {
					t.Errorf("%s: says key log, but frames %v were read in clear: %q", id, a.Frames, text)
				}
			}
			if inTLS.found["1.2.7"] {
				text := strings.Join(answers["1.2.7"].Lines, "\n")
				if !answers["1.2.7"].Found || !strings.Contains(text, "With your key log") {
					t.Errorf("1.2.7: the key log opens the upgraded session, the answer does not say what it holds: %q", text)
				}
				for _, v := range smtpVerbs {
					if v != "STARTTLS" && !strings.Contains(text, v) {
						t.Errorf("1.2.7: the commands sent inside TLS lack %s: %q", v, text)
					}
				}
			}
			// Without the key log, a step only typed inside TLS is not answered.
			for _, a := range view.LabAnswers(analyse(t, path).Records, "en") {
				if a.ID != "1.1.2" && a.ID != "1.2.7" && inTLS.found[a.ID] && !inClear.found[a.ID] && a.Found {
					t.Errorf("%s: answered without the key log: %q", a.ID, a.Lines)
				}
			}
		})
	}
	if tried == 0 {
		t.Fatal("no capture with a key log in ../captures")
	}
}

func keys(m map[int64]bool) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
