package starttls_test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/testdata/pcapgen"
)

// TestImpatientClient: the client sends its TLS hello right behind the
// command (in its segment or the next), before the reply that the capture
// does hold: the reply is read as the protocol's, not taken as lost, and
// TLS starts at the hello.
func TestImpatientClient(t *testing.T) {
	for _, apart := range []bool{false, true} {
		impatientClient(t, apart)
	}
}

func impatientClient(t *testing.T, apart bool) {
	tests := []struct {
		name    string
		port    uint16
		greet   string
		command string
		reply   string
	}{
		{"SMTP", 25, "220 mx ESMTP\r\n", "STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n"},
		{"POP3", 110, "+OK ready\r\n", "STLS\r\n", "+OK Begin TLS\r\n"},
		{"IMAP", 143, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", "a STARTTLS\r\n", "a OK Begin TLS negotiation now\r\n"},
	}
	for _, tt := range tests {
		name := tt.name
		if apart {
			name += "/hello in its own segment"
		}
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			w, err := pcapgen.NewWriter(&b, layers.LinkTypeEthernet, 65535)
			if err != nil {
				t.Fatal(err)
			}
			c := w.Conn(net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2), 40003, tt.port)
			sends := []error{c.Handshake(), c.Send(false, []byte(tt.greet))}
			if apart {
				sends = append(sends, c.Send(true, []byte(tt.command)), c.Send(true, []byte(helloFromClient)))
			} else {
				sends = append(sends, c.Send(true, []byte(tt.command+helloFromClient)))
			}
			sends = append(sends, c.Send(false, []byte(tt.reply)), c.Send(false, []byte(helloFromServer)), c.Send(true, []byte(appData)), c.Close())
			for _, err := range sends {
				if err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(t.TempDir(), "impatient.pcap")
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.File(path, pipeline.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var sess *record.Session
			var st *record.StartTLS
			for _, r := range res.Records {
				switch r := r.(type) {
				case *record.Session:
					sess = r
				case *record.StartTLS:
					st = r
				}
			}
			if sess == nil || st == nil || !st.Accepted || st.ReplyPacket == 0 || !st.TLSSeen {
				t.Fatalf("starttls %+v", st)
			}
			want := len(helloFromClient) + len(helloFromServer) + len(appData)
			if sess.Security != record.SecurityStartTLS || sess.EncryptedBytes != int64(want) {
				t.Errorf("security %s, %d B encrypted, want %d", sess.Security, sess.EncryptedBytes, want)
			}
			// The hellos here are too short to parse; only the upgrade's
			// warnings matter.
			for _, w := range sess.Warnings {
				if strings.HasPrefix(string(w.ID), "starttls-") || strings.HasSuffix(string(w.ID), "-garbage") {
					t.Errorf("warning %s", w)
				}
			}
		})
	}
}
