package starttls_test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/testdata/pcapgen"
)

// TLS records as a client and a server send them after the upgrade.
const (
	helloFromClient = "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"
	helloFromServer = "\x16\x03\x03\x00\x05\x02\x00\x00\x01\x00"
	appData         = "\x17\x03\x03\x00\x04abcd"
)

// TestLostReplyThenTLS: the reply to STARTTLS (STLS) is lost from the
// capture and TLS follows; every protocol hands the conversation to TLS
// (a client starts TLS only after an accepting reply), counts its bytes as
// encrypted and says the reply was not captured. The TLS bytes are never
// read as commands.
func TestLostReplyThenTLS(t *testing.T) {
	tests := []struct {
		name    string
		port    uint16
		proto   record.Proto
		before  []string // alternately server, client, from the greeting on
		command string
		reply   string // lost
		verb    string
		ends    bool // the capture ends after the client's hello
	}{
		{"SMTP", 25, record.ProtoSMTP, []string{"220 mx ESMTP\r\n", "EHLO me\r\n", "250-mx\r\n250 STARTTLS\r\n"},
			"STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n", "STARTTLS", false},
		{"POP3", 110, record.ProtoPOP3, []string{"+OK ready\r\n", "CAPA\r\n", "+OK\r\nSTLS\r\n.\r\n"},
			"STLS\r\n", "+OK Begin TLS\r\n", "STLS", false},
		{"IMAP", 143, record.ProtoIMAP, []string{"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"},
			"a STARTTLS\r\n", "a OK Begin TLS negotiation now\r\n", "STARTTLS", false},
		{"IMAPCaptureEndsAfterHello", 143, record.ProtoIMAP, []string{"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"},
			"a STARTTLS\r\n", "a OK Begin TLS negotiation now\r\n", "STARTTLS", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w, err := pcapgen.NewWriter(&b, layers.LinkTypeEthernet, 65535)
			if err != nil {
				t.Fatal(err)
			}
			c := w.Conn(net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2), 40002, tt.port)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(c.Handshake())
			clear := len(tt.command)
			for i, s := range tt.before {
				must(c.Send(i%2 == 1, []byte(s)))
				clear += len(s)
			}
			must(c.Send(true, []byte(tt.command)))
			c.Skip(false, len(tt.reply))
			encrypted := len(helloFromClient)
			must(c.Send(true, []byte(helloFromClient)))
			if !tt.ends {
				must(c.Send(false, []byte(helloFromServer)))
				must(c.Send(true, []byte(appData)))
				must(c.Send(false, []byte(appData)))
				encrypted += len(helloFromServer) + 2*len(appData)
			}
			must(c.Close())
			path := filepath.Join(t.TempDir(), "lost.pcap")
			must(os.WriteFile(path, b.Bytes(), 0o644))
			res, err := pipeline.File(path, pipeline.Options{})
			must(err)

			var sess *record.Session
			var st []*record.StartTLS
			var verbs []string
			for _, r := range res.Records {
				switch r := r.(type) {
				case *record.Session:
					sess = r
				case *record.StartTLS:
					st = append(st, r)
				case *record.Command:
					verbs = append(verbs, r.Verb)
				}
			}
			if sess == nil || sess.Proto != tt.proto {
				t.Fatalf("session %+v", sess)
			}
			if len(st) != 1 || !st[0].Requested || !st[0].Accepted || !st[0].TLSSeen || st[0].ReplyPacket != 0 ||
				st[0].TLSPacket <= st[0].Packet || st[0].TLSPacket != sess.TLSPacket {
				t.Fatalf("starttls %+v, session tls frame %d", st, sess.TLSPacket)
			}
			if sess.Security != record.SecurityStartTLS || sess.EncryptedBytes != int64(encrypted) || sess.ClearBytes != int64(clear) {
				t.Errorf("security %s, %d B encrypted (want %d), %d B clear (want %d)",
					sess.Security, sess.EncryptedBytes, encrypted, sess.ClearBytes, clear)
			}
			var warned bool
			for _, w := range sess.Warnings {
				warned = warned || w.ID == record.WarnStartTLSNoCapturedReply
				if w.ID == record.WarnStartTLSNoTLS || w.ID == record.WarnStartTLSNoReply {
					t.Errorf("warning %s", w.ID)
				}
			}
			if !warned {
				t.Errorf("no %s among %v", record.WarnStartTLSNoCapturedReply, sess.Warnings)
			}
			if !slices.Contains(verbs, tt.verb) {
				t.Errorf("commands %v lack %s", verbs, tt.verb)
			}
			for _, v := range verbs {
				if bytes.ContainsAny([]byte(v), "\x16\x17\x03") {
					t.Errorf("TLS bytes read as the command %q", v)
				}
			}
		})
	}
}
