package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen/mailgen"
)

func TestSyntheticCaptureGivesEveryCredentialAndAttachment(t *testing.T) {
	for _, opt := range []mailgen.Options{
		{Seed: 7, Sessions: 24, Concurrent: 6, Attachment: 5000},
		{Seed: 8, Sessions: 24, Concurrent: 6, Attachment: 5000, IPv6: true, VLAN: 7, Reorder: true, Duplicate: true},
	} {
		t.Run(fmt.Sprintf("ipv6=%v,faults=%v", opt.IPv6, opt.Reorder), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "syn.pcap")
			exp, err := mailgen.WriteFile(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			res, err := File(path, Options{Reveal: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Sessions != exp.Sessions {
				t.Errorf("sessions %d, want %d", res.Sessions, exp.Sessions)
			}
			var gotCreds, wantCreds, gotFiles, wantFiles []string
			for _, r := range res.Records {
				switch r := r.(type) {
				case *record.Credential:
					gotCreds = append(gotCreds, string(r.Proto)+" "+r.Mechanism+" "+r.Username+" "+r.Password+" "+strconv.FormatBool(r.Accepted != nil && *r.Accepted))
				case *record.Message:
					for _, a := range r.Attachments {
						gotFiles = append(gotFiles, string(r.Proto)+" "+r.Subject+" "+a.Filename+" "+a.SHA256)
					}
				}
			}
			for _, c := range exp.Credentials {
				wantCreds = append(wantCreds, c.Proto+" "+c.Mechanism+" "+c.Username+" "+c.Password+" true")
			}
			for _, m := range exp.Messages {
				for _, a := range m.Attachments {
					wantFiles = append(wantFiles, m.Proto+" "+m.Subject+" "+a.Filename+" "+a.SHA256)
				}
			}
			same(t, "credentials", gotCreds, wantCreds)
			same(t, "attachments", gotFiles, wantFiles)
		})
	}
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func benchCapture(b *testing.B) string {
	path, _, err := mailgen.BenchFile(mailgen.BenchMB())
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkEndToEnd is the whole analysis: every credential, message and
// attachment hash.
func BenchmarkEndToEnd(b *testing.B) {
	path := benchCapture(b)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	var packets int64
	for i := 0; i < b.N; i++ {
		res, err := File(path, Options{Workers: runtime.NumCPU()})
		if err != nil {
			b.Fatal(err)
		}
		packets += res.Stats.Packets
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}

func TestOutputIsTheSameWhateverTheNumberOfWorkers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syn.pcap")
	if _, err := mailgen.WriteFile(path, mailgen.Options{Seed: 3, Sessions: 40, Concurrent: 10, Attachment: 2000, STARTTLS: 3}); err != nil {
		t.Fatal(err)
	}
	var outputs []string
	for _, w := range []int{1, 2, 3, 8} {
		res, err := File(path, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range res.Records {
			line, _ := json.Marshal(r)
			b.WriteString(r.Kind() + string(line) + "\n")
		}
		outputs = append(outputs, b.String())
	}
	for i := 1; i < len(outputs); i++ {
		if outputs[i] != outputs[0] {
			t.Fatalf("output with workers #%d differs from one worker", i)
		}
	}
	if !strings.Contains(outputs[0], `"id":"s40"`) || strings.Contains(outputs[0], `"id":"s41"`) {
		t.Fatal("session ids are not s1..s40")
	}
}

func TestSessionsPastTheBoundAreCountedAndReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syn.pcap")
	if _, err := mailgen.WriteFile(path, mailgen.Options{Seed: 5, Sessions: 12, Concurrent: 3}); err != nil {
		t.Fatal(err)
	}
	opt := Options{}
	opt.Dissect.MaxSessions = 5
	res, err := File(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sessions != 5 || res.Skipped != 7 {
		t.Fatalf("sessions %d skipped %d", res.Sessions, res.Skipped)
	}
	if !strings.Contains(strings.Join(recordtest.Texts(res.Capture.Warnings), "\n"), "7 mail sessions past the --max-sessions bound") {
		t.Fatalf("warnings %q", res.Capture.Warnings)
	}
}
