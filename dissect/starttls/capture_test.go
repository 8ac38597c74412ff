package starttls_test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen"
	"github.com/mailwire/mailwire/report/pipeline"
)

// Through the whole pipeline, an SMTP session whose 220 to STARTTLS no TLS
// followed counts every byte as clear and still gives its login and
// message.
func TestAcceptedThenClearCountsClearBytes(t *testing.T) {
	var b bytes.Buffer
	w, err := pcapgen.NewWriter(&b, layers.LinkTypeEthernet, 65535)
	if err != nil {
		t.Fatal(err)
	}
	c := w.Conn(net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2), 40001, 25)
	script := []struct {
		client bool
		data   string
	}{
		{false, "220 mx ESMTP\r\n"}, {true, "EHLO me\r\n"}, {false, "250-mx\r\n250 STARTTLS\r\n"},
		{true, "STARTTLS\r\n"}, {false, "220 2.0.0 Ready to start TLS\r\n"},
		{true, "EHLO me\r\n"}, {false, "250-mx\r\n250 AUTH PLAIN\r\n"},
		{true, "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"}, {false, "235 ok\r\n"},
		{true, "MAIL FROM:<alice@x.org>\r\n"}, {false, "250 ok\r\n"}, {true, "RCPT TO:<bob@y.org>\r\n"}, {false, "250 ok\r\n"},
		{true, "DATA\r\n"}, {false, "354 go\r\n"}, {true, "Subject: clear\r\n\r\nhi\r\n.\r\n"}, {false, "250 queued\r\n"},
	}
	total := 0
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	for _, s := range script {
		total += len(s.data)
		if err := c.Send(s.client, []byte(s.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "notls.pcap")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.File(path, pipeline.Options{Reveal: true})
	if err != nil {
		t.Fatal(err)
	}
	var sess *record.Session
	var creds, msgs, notTLS int
	for _, r := range res.Records {
		switch r := r.(type) {
		case *record.Session:
			sess = r
		case *record.Credential:
			if r.Username == "alice" && r.Password == "s3cret" {
				creds++
			}
		case *record.Message:
			if r.Subject == "clear" {
				msgs++
			}
		case *record.Finding:
			if r.ID == "starttls-not-tls" {
				notTLS++
			}
		}
	}
	if sess == nil || sess.Security != "starttls-failed" || sess.EncryptedBytes != 0 || sess.ClearBytes != int64(total) || sess.TLSPacket != 0 {
		t.Fatalf("session %+v (total %d)", sess, total)
	}
	if creds != 1 || msgs != 1 || notTLS != 1 {
		t.Fatalf("%d credentials, %d messages, %d starttls-not-tls", creds, msgs, notTLS)
	}
}
