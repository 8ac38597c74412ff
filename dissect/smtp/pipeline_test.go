package smtp_test

import (
	"os"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/pipeline"
)

// TestThroughPipeline checks what the SMTP dissector gives the rest of
// mailwire on the lab captures: the session's security, and nothing read
// as SMTP once TLS started.
func TestThroughPipeline(t *testing.T) {
	tests := []struct {
		capture  string
		security record.Security
		verbs    []string // the SMTP commands seen, in order
	}{
		{"smtp-forgery.pcap", "cleartext", []string{"EHLO", "MAIL", "RCPT", "DATA", "QUIT"}},
		{"smtp-starttls-refused.pcap", "starttls-failed", []string{"EHLO", "STARTTLS", "MAIL", "RCPT", "DATA", "QUIT"}},
		{"smtp-starttls-swaks.pcap", "starttls", []string{"EHLO", "STARTTLS"}},
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			path := "../../captures/" + tt.capture
			if st, err := os.Stat(path); err != nil || st.Size() <= 24 {
				t.Fatalf("%s absent or empty: the bundled captures are part of the repository", path)
			}
			res, err := pipeline.File(path, pipeline.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var verbs []string
			var sessions []*record.Session
			for _, r := range res.Records {
				switch v := r.(type) {
				case *record.Command:
					if v.Proto == "smtp" {
						verbs = append(verbs, v.Verb)
					}
				case *record.Session:
					if v.Proto == "smtp" {
						sessions = append(sessions, v)
					}
				}
			}
			if len(sessions) == 0 || sessions[0].Security != tt.security {
				t.Fatalf("sessions = %+v, want security %s", sessions, tt.security)
			}
			if len(verbs) != len(tt.verbs) {
				t.Fatalf("commands = %v, want %v", verbs, tt.verbs)
			}
			for i := range verbs {
				if verbs[i] != tt.verbs[i] {
					t.Errorf("commands = %v, want %v", verbs, tt.verbs)
				}
			}
		})
	}
}
