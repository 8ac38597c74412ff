package tunnel_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report/pipeline"
)

// payloads reads the TCP payloads of a one-connection capture in order,
// each marked as the client's (sent to port) or the server's.
func payloads(t *testing.T, path string, port uint16) []exchange {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []exchange
	src := gopacket.NewPacketSource(r, r.LinkType())
	for p := range src.Packets() {
		tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if tcp == nil || len(tcp.Payload) == 0 {
			continue
		}
		out = append(out, exchange{uint16(tcp.DstPort) == port, string(tcp.Payload)})
	}
	return out
}

// Implicit TLS carried through a proxy is decrypted with the key log, as
// it is without the proxy.
func TestKeyLogOpensTLSThroughTunnel(t *testing.T) {
	dir := "../../captures"
	tlsBytes := payloads(t, filepath.Join(dir, "smtps-465.pcap"), 465)
	script := append([]exchange{cl("CONNECT mx.example.org:465 HTTP/1.1\r\n\r\n"),
		sv("HTTP/1.1 200 Connection established\r\n\r\n")}, tlsBytes...)
	keys := keylog.New()
	if _, err := keys.ReadFile(filepath.Join(dir, "smtps-465.keys")); err != nil {
		t.Fatal(err)
	}
	opt := pipeline.Options{}
	opt.Dissect.Keys = keys
	res, err := pipeline.File(capture(t, 3128, script), opt)
	if err != nil {
		t.Fatal(err)
	}
	var sessions, decrypted int
	for _, r := range res.Records {
		if s, ok := r.(*record.Session); ok {
			sessions++
			if s.Decrypted && s.Proto == record.ProtoSMTP {
				decrypted++
			}
		}
	}
	if sessions != 1 || decrypted != 1 {
		t.Errorf("%d sessions, %d decrypted SMTP; want 1 and 1", sessions, decrypted)
	}
}
