package pop3

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// peers is where the public peer captures live, relative to this package.
const peers = "../../../shared/corpus/peers"

// sink runs this dissector on every TCP conversation with port 110, the
// way the pipeline does once detection said POP3.
type sink struct {
	records  []record.Record
	sessions []*session.Session
}

func (k *sink) NewConversation(flow stream.Flow, mid bool, start time.Time, frame int64) stream.Handler {
	if flow.Server.Port() != 110 && flow.Client.Port() != 110 {
		return discard{}
	}
	id := fmt.Sprintf("s%d", len(k.sessions)+1)
	// No TLS dissector: the golden files hold this package's records only.
	s := session.New(id, flow, session.DefaultLimits(), func(r record.Record) { k.records = append(k.records, r) }, nil)
	k.sessions = append(k.sessions, s)
	return New(s)
}

func (*sink) Datagram(*stream.Datagram) {}

type discard struct{}

func (discard) Handle(*stream.Event)   {}
func (discard) Close(time.Time, int64) {}

// analyse runs a capture and returns its records in frame order, with the
// sessions' security and warnings last.
func analyse(t *testing.T, path string) (*sink, []byte) {
	t.Helper()
	src, err := capfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	k := &sink{}
	if _, err := reassembly.Run(src, k, reassembly.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(k.records, func(i, j int) bool { return k.records[i].Frame() < k.records[j].Frame() })
	var out bytes.Buffer
	for _, r := range k.records {
		recordtest.RenderWarnings(r)
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "{\"kind\":%q,%s\n", r.Kind(), line[1:])
	}
	for _, s := range k.sessions {
		fmt.Fprintf(&out, "{\"kind\":\"session-state\",\"id\":%q,\"security\":%q,\"auth_user\":%q,\"warnings\":%d}\n", s.ID, s.Security(), s.AuthUser, len(s.Warnings))
	}
	return k, out.Bytes()
}

// golden compares out with testdata/name.golden.jsonl (-update rewrites it).
func golden(t *testing.T, name string, out []byte) {
	t.Helper()
	recordtest.Golden(t, filepath.Join("testdata", name+".golden.jsonl"), out)
}

func peer(t *testing.T, rel string) string {
	t.Helper()
	path := filepath.Join(peers, rel)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("peer capture %s absent (the shared corpus is not mounted)", rel)
	}
	return path
}

func TestPeerCaptures(t *testing.T) {
	tests := []struct {
		name, path string
		check      func(t *testing.T, k *sink)
	}{
		{"credslayer-pop3", "CredSLayer/tests/samples/pop3.pcap", func(t *testing.T, k *sink) {
			// CredSLayer reports the two distinct pairs; the capture holds
			// three logins, the accepted one made twice.
			creds := only[*record.Credential](k.records)
			if len(creds) != 3 {
				t.Fatalf("%d credentials, want 3", len(creds))
			}
			for i, w := range []struct {
				pass     string
				accepted bool
			}{{"napier", false}, {"napier123", true}, {"napier123", true}} {
				c := creds[i]
				if c.Username != "digitalinvestigator@networksims.com" || c.Password != w.pass || c.Accepted == nil || *c.Accepted != w.accepted || c.Mechanism != "PLAIN" {
					t.Errorf("credential %d: %+v", i, *c)
				}
			}
		}},
		{"ndpi-pop3", "nDPI/tests/cfgs/default/pcap/pop3.pcap", nil},
		{"ndpi-pop3-stls", "nDPI/tests/cfgs/default/pcap/pop3_stls.pcap", func(t *testing.T, k *sink) {
			st := only[*record.StartTLS](k.records)
			if len(st) == 0 || !st[0].Accepted || !st[0].TLSSeen {
				t.Fatalf("starttls %+v", st)
			}
		}},
		{"suricata-pop3", "suricata-verify/tests/pop3/input.pcap", nil},
		{"suricata-pop3-02-bug-7709", "suricata-verify/tests/pop3-02-bug-7709/input.pcap", nil},
		{"suricata-pop3-03-bug-7709", "suricata-verify/tests/pop3-03-bug-7709/input.pcap", nil},
		{"suricata-pop3-auth-01", "suricata-verify/tests/pop3-auth-01/input.pcap", func(t *testing.T, k *sink) {
			var verbs []string
			for _, c := range only[*record.Command](k.records) {
				verbs = append(verbs, c.Verb+" "+c.Status)
			}
			// The capture ends before the reply to QUIT.
			want := "CAPA +OK,AUTH +OK,STAT +OK,LIST +OK,UIDL +OK,QUIT "
			if got := strings.Join(verbs, ","); got != want {
				t.Errorf("commands %s, want %s", got, want)
			}
			creds := only[*record.Credential](k.records)
			if len(creds) != 1 || creds[0].Mechanism != "XOAUTH2" || creds[0].Accepted == nil || !*creds[0].Accepted {
				t.Errorf("credentials %+v", creds)
			}
		}},
		{"email-troubles", "markofu-pcaps/PracticalPacketAnalysis/ppa-capture-files/email-troubles.pcap", func(t *testing.T, k *sink) {
			msgs := only[*record.Message](k.records)
			if len(msgs) != 3 || msgs[0].Subject != "Re: Details" || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].Filename != "document_9446.pif" {
				t.Fatalf("messages %+v", msgs)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, out := analyse(t, peer(t, tt.path))
			golden(t, tt.name, out)
			if tt.check != nil {
				tt.check(t, k)
			}
		})
	}
}
