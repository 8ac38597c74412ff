package tunnel_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/pipeline"
	"github.com/mailwire/mailwire/testdata/pcapgen"
)

// exchange is one side's bytes: client (true) or server.
type exchange struct {
	client bool
	data   string
}

func cl(s string) exchange { return exchange{true, s} }
func sv(s string) exchange { return exchange{false, s} }

// smtpThrough is a short SMTP session with a login, as it runs inside
// the tunnel.
var smtpThrough = []exchange{
	sv("220 mx.example.org ESMTP\r\n"), cl("EHLO me\r\n"), sv("250-mx\r\n250 AUTH PLAIN\r\n"),
	cl("AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00alice\x00inner-pw")) + "\r\n"), sv("235 ok\r\n"),
	cl("MAIL FROM:<alice@example.org>\r\n"), sv("250 ok\r\n"), cl("RCPT TO:<bob@example.net>\r\n"), sv("250 ok\r\n"),
	cl("DATA\r\n"), sv("354 go\r\n"), cl("Subject: through a proxy\r\n\r\nhello\r\n.\r\n"), sv("250 queued\r\n"),
	cl("QUIT\r\n"), sv("221 bye\r\n"),
}

// capture writes one connection to the proxy at 10.0.0.2:port.
func capture(t *testing.T, port uint16, script []exchange) string {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgen.NewWriter(&b, layers.LinkTypeEthernet, 65535)
	if err != nil {
		t.Fatal(err)
	}
	c := w.Conn(net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2), 40000, port)
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	for _, e := range script {
		if err := c.Send(e.client, []byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tunnel.pcap")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func socks5(user, pass string) []exchange {
	greet := cl("\x05\x01\x00")
	method := sv("\x05\x00")
	var auth []exchange
	if user != "" {
		greet = cl("\x05\x02\x00\x02")
		method = sv("\x05\x02")
		auth = []exchange{cl("\x01" + string(rune(len(user))) + user + string(rune(len(pass))) + pass), sv("\x01\x00")}
	}
	out := append([]exchange{greet, method}, auth...)
	return append(out, cl("\x05\x01\x00\x03\x0emx.example.org\x00\x19"), sv("\x05\x00\x00\x01\x0a\x00\x00\x03\x00\x19"))
}

func TestMailThroughTunnels(t *testing.T) {
	type want struct {
		tunnel record.Tunnel
		cred   *record.Credential // the proxy credential, password revealed
	}
	tests := []struct {
		name   string
		port   uint16
		script []exchange
		want   want
	}{
		{"HTTPConnect", 3128, append([]exchange{cl("CONNECT mx.example.org:25 HTTP/1.1\r\nHost: mx.example.org:25\r\n\r\n"),
			sv("HTTP/1.1 200 Connection established\r\n\r\n")}, smtpThrough...),
			want{record.Tunnel{Kind: "http-connect", Target: "mx.example.org:25", Accepted: true, Reply: "200 Connection established", Packet: 4, ReplyPacket: 5}, nil}},
		{"HTTPConnectWithBasicAuth", 8080, append([]exchange{cl("CONNECT 192.0.2.7:587 HTTP/1.1\r\nProxy-Authorization: Basic " +
			base64.StdEncoding.EncodeToString([]byte("proxyuser:proxy-pw")) + "\r\n\r\n"),
			sv("HTTP/1.0 200 OK\r\nVia: x\r\n\r\n")}, smtpThrough...),
			want{record.Tunnel{Kind: "http-connect", Target: "192.0.2.7:587", Accepted: true, Reply: "200 OK", User: "proxyuser", Packet: 4, ReplyPacket: 5},
				&record.Credential{Proto: "http", Mechanism: "BASIC", Username: "proxyuser", Password: "proxy-pw", Recoverable: true, Packet: 4, ReplyPacket: 5, Reply: "200 OK"}}},
		{"SOCKS4", 1080, append([]exchange{cl("\x04\x01\x00\x19\xc0\x00\x02\x07bob\x00"), sv("\x00\x5a\x00\x00\x00\x00\x00\x00")}, smtpThrough...),
			want{record.Tunnel{Kind: "socks4", Target: "192.0.2.7:25", Accepted: true, Reply: "granted", User: "bob", Packet: 4, ReplyPacket: 5}, nil}},
		{"SOCKS4a", 1080, append([]exchange{cl("\x04\x01\x00\x19\x00\x00\x00\x01\x00mx.example.org\x00"), sv("\x00\x5a\x00\x00\x00\x00\x00\x00")}, smtpThrough...),
			want{record.Tunnel{Kind: "socks4a", Target: "mx.example.org:25", Accepted: true, Reply: "granted", Packet: 4, ReplyPacket: 5}, nil}},
		{"SOCKS5", 1080, append(socks5("", ""), smtpThrough...),
			want{record.Tunnel{Kind: "socks5", Target: "mx.example.org:25", Accepted: true, Reply: "succeeded", Packet: 4, ReplyPacket: 7}, nil}},
		{"SOCKS5WithPassword", 1080, append(socks5("sockuser", "sock-pw"), smtpThrough...),
			want{record.Tunnel{Kind: "socks5", Target: "mx.example.org:25", Accepted: true, Reply: "succeeded", User: "sockuser", Packet: 4, ReplyPacket: 9},
				&record.Credential{Proto: "socks5", Mechanism: "USERNAME/PASSWORD", Username: "sockuser", Password: "sock-pw", Recoverable: true, Packet: 6, ReplyPacket: 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := pipeline.File(capture(t, tt.port, tt.script), pipeline.Options{Reveal: true})
			if err != nil {
				t.Fatal(err)
			}
			var sess []*record.Session
			var creds []*record.Credential
			var msgs []*record.Message
			var proxyFinding *record.Finding
			for _, r := range res.Records {
				switch r := r.(type) {
				case *record.Finding:
					if r.ID == "mail-through-proxy" {
						proxyFinding = r
					}
				case *record.Session:
					sess = append(sess, r)
				case *record.Credential:
					creds = append(creds, r)
				case *record.Message:
					msgs = append(msgs, r)
				}
			}
			if len(sess) != 1 || sess[0].Proto != "smtp" || sess[0].Tunnel == nil || sess[0].AuthUser != "alice" {
				t.Fatalf("sessions %+v", sess)
			}
			if !reflect.DeepEqual(*sess[0].Tunnel, tt.want.tunnel) {
				t.Errorf("tunnel\n got %+v\nwant %+v", *sess[0].Tunnel, tt.want.tunnel)
			}
			if f := proxyFinding; f == nil || f.Severity != "info" || f.Session != sess[0].ID || f.Args["target"] != tt.want.tunnel.Target ||
				f.Args["kind"] != tt.want.tunnel.Kind || f.Args["proxy"] != sess[0].Server ||
				!reflect.DeepEqual(f.Frames, []int64{tt.want.tunnel.Packet, tt.want.tunnel.ReplyPacket}) {
				t.Errorf("mail-through-proxy finding %+v", f)
			}
			wantCreds := 1
			if tt.want.cred != nil {
				wantCreds = 2
				var got *record.Credential
				for _, c := range creds {
					if c.Proto == tt.want.cred.Proto {
						got = c
					}
				}
				w := *tt.want.cred
				w.Session = sess[0].ID
				w.PasswordLen, w.PasswordMasked = len(w.Password), record.Mask(w.Password)
				w.Accepted = record.Bool(true)
				if got == nil || !reflect.DeepEqual(*got, w) {
					t.Errorf("proxy credential\n got %+v\nwant %+v", got, w)
				}
			}
			if len(creds) != wantCreds {
				t.Errorf("%d credentials, want %d", len(creds), wantCreds)
			}
			if len(msgs) != 1 || msgs[0].Subject != "through a proxy" || msgs[0].EnvelopeFrom != "alice@example.org" {
				t.Errorf("messages %+v", msgs)
			}
		})
	}
}

// A tunnel that carried no mail is still reported when it says something
// about mail (headed for a mail port) or exposed a proxy credential: a
// session of unknown protocol with the tunnel, its warning and the
// credential, masked. A tunnel to a web port with no credential is not.
func TestTunnelWithoutMailIsReported(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte("proxyuser:proxy-pw"))
	socksAuthFailed := []exchange{cl("\x05\x02\x00\x02"), sv("\x05\x02"), cl("\x01\x08sockuser\x07sock-pw"), sv("\x01\x01")}
	tests := []struct {
		name     string
		script   []exchange
		tunnel   *record.Tunnel // nil: not reported
		warning  record.WarningID
		user     string // the proxy credential's user, "" for none
		secret   string // its password, never printed
		accepted bool
	}{
		{"HTTPRefusedWithBasicAuth", []exchange{cl("CONNECT mx.example.org:25 HTTP/1.1\r\nProxy-Authorization: Basic " + basic + "\r\n\r\n"),
			sv("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")},
			&record.Tunnel{Kind: "http-connect", Target: "mx.example.org:25", Reply: "403 Forbidden", User: "proxyuser", Packet: 4, ReplyPacket: 5},
			record.WarnTunnelRefused, "proxyuser", "proxy-pw", false},
		{"HTTPRefusedToMailPort", []exchange{cl("CONNECT mx.example.org:587 HTTP/1.1\r\n\r\n"), sv("HTTP/1.1 403 Forbidden\r\n\r\n")},
			&record.Tunnel{Kind: "http-connect", Target: "mx.example.org:587", Reply: "403 Forbidden", Packet: 4, ReplyPacket: 5},
			record.WarnTunnelRefused, "", "", false},
		{"HTTPRefusedToWebPort", []exchange{cl("CONNECT www.example.org:443 HTTP/1.1\r\n\r\n"), sv("HTTP/1.1 403 Forbidden\r\n\r\n")},
			nil, "", "", "", false},
		{"SOCKS5AuthFailed", socksAuthFailed,
			&record.Tunnel{Kind: "socks5", Reply: "authentication failed", User: "sockuser", Packet: 4, ReplyPacket: 7},
			record.WarnTunnelRefused, "sockuser", "sock-pw", false},
		{"SOCKS5RefusedTarget", []exchange{cl("\x05\x01\x00"), sv("\x05\x00"),
			cl("\x05\x01\x00\x03\x0emx.example.org\x00\x19"), sv("\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")},
			&record.Tunnel{Kind: "socks5", Target: "mx.example.org:25", Reply: "connection refused", Packet: 4, ReplyPacket: 7},
			record.WarnTunnelRefused, "", "", false},
		{"SOCKS4Rejected", []exchange{cl("\x04\x01\x00\x6e\xc0\x00\x02\x07bob\x00"), sv("\x00\x5b\x00\x00\x00\x00\x00\x00")},
			&record.Tunnel{Kind: "socks4", Target: "192.0.2.7:110", Reply: "rejected or failed", User: "bob", Packet: 4, ReplyPacket: 5},
			record.WarnTunnelRefused, "", "", false},
		{"HTTPOpenWithBasicAuthNoMail", []exchange{cl("CONNECT www.example.org:8080 HTTP/1.1\r\nProxy-Authorization: Basic " + basic + "\r\n\r\n"),
			sv("HTTP/1.1 200 OK\r\n\r\n"), cl("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), sv("HTTP/1.1 200 OK\r\n\r\n")},
			&record.Tunnel{Kind: "http-connect", Target: "www.example.org:8080", Accepted: true, Reply: "200 OK", User: "proxyuser", Packet: 4, ReplyPacket: 5},
			record.WarnTunnelNoMail, "proxyuser", "proxy-pw", true},
		{"HTTPOpenToWebPortNoCredential", []exchange{cl("CONNECT www.example.org:80 HTTP/1.1\r\n\r\n"), sv("HTTP/1.1 200 OK\r\n\r\n"),
			cl("GET / HTTP/1.1\r\n\r\n"), sv("HTTP/1.1 200 OK\r\n\r\n")},
			nil, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := pipeline.File(capture(t, 3128, tt.script), pipeline.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var sess []*record.Session
			var creds []*record.Credential
			for _, r := range res.Records {
				switch r := r.(type) {
				case *record.Session:
					sess = append(sess, r)
				case *record.Credential:
					creds = append(creds, r)
				case *record.Finding:
					if r.ID == record.FindingMailThroughProxy {
						t.Errorf("no mail went through, yet %+v", r)
					}
				}
				if tt.secret != "" {
					b, _ := json.Marshal(r)
					if bytes.Contains(b, []byte(tt.secret)) || bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString([]byte(tt.secret)))) {
						t.Errorf("the proxy password is printed: %s", b)
					}
				}
			}
			if tt.tunnel == nil {
				if len(sess) != 0 || len(creds) != 0 {
					t.Fatalf("a web tunnel without credential was reported: %+v %+v", sess, creds)
				}
				return
			}
			if len(sess) != 1 {
				t.Fatalf("%d sessions, want the tunnel's", len(sess))
			}
			s := sess[0]
			if s.ID == "" || s.Proto != record.ProtoUnknown || s.Tunnel == nil || !reflect.DeepEqual(*s.Tunnel, *tt.tunnel) {
				t.Fatalf("session %+v tunnel %+v, want tunnel %+v", s, s.Tunnel, tt.tunnel)
			}
			var ids []record.WarningID
			for _, w := range s.Warnings {
				ids = append(ids, w.ID)
			}
			if !slices.Contains(ids, tt.warning) {
				t.Errorf("warnings %v, want %s", ids, tt.warning)
			}
			if tt.user == "" {
				if len(creds) != 0 {
					t.Errorf("credentials %+v", creds)
				}
				return
			}
			if len(creds) != 1 {
				t.Fatalf("%d credentials, want the proxy's", len(creds))
			}
			c := creds[0]
			if c.Session != s.ID || c.Username != tt.user || c.Password != "" || c.PasswordLen != len(tt.secret) ||
				c.PasswordMasked != record.Mask(tt.secret) || c.Accepted == nil || *c.Accepted != tt.accepted {
				t.Errorf("proxy credential %+v", c)
			}
		})
	}
}
