package tunnel_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/pipeline"
)

// labFacts is what captures/make.sh wrote while swaks went through a real
// proxy (microsocks, tinyproxy) to postfix.
type labFacts struct {
	Capture       string `json:"capture"`
	Conversations []struct {
		Client, Server struct {
			Port int `json:"port"`
		}
		Helo     string `json:"helo"`
		Messages []struct {
			MessageID    string   `json:"message_id"`
			EnvelopeFrom string   `json:"envelope_from"`
			EnvelopeTo   []string `json:"envelope_to"`
			Subject      string   `json:"subject"`
			Size         int64    `json:"size"`
		} `json:"messages"`
		Tunnel struct {
			Kind     string `json:"kind"`
			Target   string `json:"target"`
			User     string `json:"user"`
			Password string `json:"password"`
		} `json:"tunnel"`
	} `json:"conversations"`
}

// TestRealProxies reads the captures of swaks relayed by real proxies and
// checks every record against what the script did.
func TestRealProxies(t *testing.T) {
	files, _ := filepath.Glob("../../captures/tunnel-*.facts.json")
	if len(files) < 2 {
		t.Fatalf("captures/tunnel-*.facts.json missing (%d): run captures/make.sh tunnel-socks5 tunnel-http-connect", len(files))
	}
	for _, ff := range files {
		t.Run(filepath.Base(ff), func(t *testing.T) {
			b, err := os.ReadFile(ff)
			if err != nil {
				t.Fatal(err)
			}
			var f labFacts
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.File(filepath.Join(filepath.Dir(ff), f.Capture), pipeline.Options{Reveal: true})
			if err != nil {
				t.Fatal(err)
			}
			var sess []*record.Session
			var creds []*record.Credential
			var msgs []*record.Message
			for _, r := range res.Records {
				switch r := r.(type) {
				case *record.Session:
					sess = append(sess, r)
				case *record.Credential:
					creds = append(creds, r)
				case *record.Message:
					msgs = append(msgs, r)
				}
			}
			conv := f.Conversations[0]
			if len(sess) != 1 || len(creds) != 1 || len(msgs) != 1 {
				t.Fatalf("%d sessions, %d credentials, %d messages", len(sess), len(creds), len(msgs))
			}
			s, c, m := sess[0], creds[0], msgs[0]
			if s.Proto != "smtp" || !strings.HasSuffix(s.Client, ":"+strconv.Itoa(conv.Client.Port)) ||
				!strings.HasSuffix(s.Server, ":"+strconv.Itoa(conv.Server.Port)) || s.Tunnel == nil {
				t.Fatalf("session %+v", s)
			}
			tu := s.Tunnel
			if tu.Kind != conv.Tunnel.Kind || tu.Target != conv.Tunnel.Target || tu.User != conv.Tunnel.User || !tu.Accepted ||
				tu.Packet == 0 || tu.ReplyPacket <= tu.Packet {
				t.Errorf("tunnel %+v, want %+v", tu, conv.Tunnel)
			}
			if c.Username != conv.Tunnel.User || c.Password != conv.Tunnel.Password || c.Accepted == nil || !*c.Accepted || c.Session != s.ID {
				t.Errorf("proxy credential %+v", c)
			}
			w := conv.Messages[0]
			if m.MessageID != w.MessageID || m.Subject != w.Subject || m.EnvelopeFrom != w.EnvelopeFrom ||
				strings.Join(m.EnvelopeTo, ",") != strings.Join(w.EnvelopeTo, ",") || m.Truncated {
				t.Errorf("message %+v, want %+v", m, w)
			}
		})
	}
}
