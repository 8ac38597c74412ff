package smtp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/dissect/tls"
	"github.com/mailwire/mailwire/reassembly"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// smtpPorts are the ports this package's capture tests dissect as SMTP;
// protocol detection is the pipeline's job, not this package's.
var smtpPorts = map[uint16]bool{25: true, 587: true, 2525: true, 26: true}

// captureSink runs the SMTP dissector alone on every SMTP conversation of
// a capture.
type captureSink struct {
	n        int
	records  []record.Record
	sessions []*session.Session
}

type discard struct{}

func (discard) Handle(*stream.Event)   {}
func (discard) Close(time.Time, int64) {}

func (k *captureSink) NewConversation(flow stream.Flow, mid bool, start time.Time, frame int64) stream.Handler {
	if !smtpPorts[flow.Server.Port()] {
		return discard{}
	}
	k.n++
	s := session.New(fmt.Sprintf("s%d", k.n), flow, session.DefaultLimits(), func(r record.Record) { k.records = append(k.records, r) },
		func(s *session.Session) stream.Handler { return tls.New(s, false) })
	s.Proto = "smtp"
	s.KeepRaw = true
	k.sessions = append(k.sessions, s)
	return New(s)
}

func (k *captureSink) Datagram(*stream.Datagram) {}

// analyse runs a capture file through reassembly and this dissector.
func analyse(t *testing.T, path string) *captureSink {
	t.Helper()
	src, err := capfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	k := &captureSink{}
	st, err := reassembly.Run(src, k, reassembly.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets == 0 {
		t.Fatalf("%s holds no packets", path)
	}
	return k
}

// golden compares the records, one JSON object per line, with
// testdata/golden/name.jsonl. Its first line pins the capture's SHA-256, so
// that a capture made again fails until its golden file is rewritten with
// -update and reviewed.
func golden(t *testing.T, name, capture string, k *captureSink) {
	t.Helper()
	raw, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"capture_sha256\":%q}\n", hex.EncodeToString(sum[:]))
	buf.Write(recordtest.JSONL(t, k.records))
	for _, s := range k.sessions {
		fmt.Fprintf(&buf, "{\"session\":%q,\"security\":%q,\"auth_user\":%q,\"warnings\":%q}\n", s.ID, s.Security(), s.AuthUser, recordtest.Texts(s.Warnings))
	}
	recordtest.Golden(t, filepath.Join("testdata", "golden", name+".jsonl"), buf.Bytes())
}

// TestLabCaptures checks every SMTP capture of captures/ against what was
// really sent, field by field, and against its golden records.
func TestLabCaptures(t *testing.T) {
	var compared []string
	for _, capture := range recordtest.Captures(t, "../../captures") {
		name := recordtest.Name(capture)
		if !strings.HasPrefix(name, "smtp") {
			continue
		}
		compared = append(compared, filepath.Join("testdata", "golden", name+".jsonl"))
		t.Run(name, func(t *testing.T) {
			f := recordtest.LoadFacts(t, capture)
			k := analyse(t, capture)
			checkFacts(t, f, k)
			golden(t, name, capture, k)
		})
	}
	// The peer captures' golden files are TestPeerCaptures'.
	recordtest.NoStrays(t, filepath.Join("testdata", "golden"), compared, "peer-*")
}

func checkFacts(t *testing.T, f *recordtest.Facts, k *captureSink) {
	t.Helper()
	var creds []*record.Credential
	var msgs []*record.Message
	var sts []*record.StartTLS
	for _, r := range k.records {
		switch v := r.(type) {
		case *record.Credential:
			creds = append(creds, v)
		case *record.Message:
			msgs = append(msgs, v)
		case *record.StartTLS:
			sts = append(sts, v)
		}
	}
	ci, mi := 0, 0
	for _, conv := range f.Conversations {
		if conv.Proto != "smtp" || !smtpPorts[conv.Server.Port] {
			continue
		}
		if conv.TLS.Mode != "none" {
			// What went inside TLS must not be seen.
			conv.Auth, conv.Messages = nil, nil
		}
		for _, a := range conv.Auth {
			if ci >= len(creds) {
				t.Errorf("credential of %s missing", a.Username)
				continue
			}
			c := creds[ci]
			ci++
			if c.Mechanism != a.Mechanism || c.Username != a.Username || c.Accepted == nil || *c.Accepted != a.Accepted {
				t.Errorf("credential = %+v, want %+v", c, a)
			}
			if c.Recoverable && c.Password != a.Password {
				t.Errorf("password = %q, want %q", c.Password, a.Password)
			}
			if (a.Mechanism == "CRAM-MD5" || a.Mechanism == "NTLM") && (c.Recoverable || c.Hash == "") {
				t.Errorf("challenge-response without hash: %+v", c)
			}
		}
		for _, want := range conv.Messages {
			if mi >= len(msgs) {
				t.Errorf("message %s missing", want.MessageID)
				continue
			}
			m := msgs[mi]
			mi++
			whole := sameMessage(m.Raw, want.Size, want.SHA256) && !m.Truncated
			if f.Dropped != nil {
				// Frames were cut out of the capture: the message must say
				// it is incomplete.
				whole = m.Truncated && m.Size < want.Size
			}
			if m.MessageID != want.MessageID || m.EnvelopeFrom != want.EnvelopeFrom || strings.Join(m.EnvelopeTo, ",") != strings.Join(want.EnvelopeTo, ",") ||
				m.Subject != want.Subject || !whole {
				t.Errorf("message = %+v\nwant %+v", m, want)
			}
			if len(m.Attachments) != len(want.Attachments) {
				t.Errorf("attachments = %+v, want %+v", m.Attachments, want.Attachments)
			}
			if conv.AuthUser != "" && m.AuthUser != conv.AuthUser {
				t.Errorf("auth_user = %q, want %q", m.AuthUser, conv.AuthUser)
			}
		}
		if st := conv.StartTLS; st != nil && st.Requested {
			if len(sts) == 0 {
				t.Errorf("starttls record missing")
				continue
			}
			g := sts[0]
			if g.Offered == nil || *g.Offered != st.Offered || g.Accepted != st.Accepted || (st.Reply != 0 && !strings.HasPrefix(g.Reply, fmt.Sprint(st.Reply))) {
				t.Errorf("starttls = %+v, want %+v", g, st)
			}
			if st.Accepted && !g.TLSSeen {
				t.Errorf("no TLS seen after an accepted STARTTLS")
			}
		}
	}
	if ci != len(creds) {
		t.Errorf("%d credentials, %d expected", len(creds), ci)
	}
	if mi != len(msgs) {
		t.Errorf("%d messages, %d expected", len(msgs), mi)
	}
}

// sameMessage compares the message seen with the one the tool was given.
// Some tools (swaks) end DATA with CRLF "." CRLF even after a final CRLF,
// so the wire holds one more empty line than the file they sent.
func sameMessage(raw []byte, size int64, sum string) bool {
	for _, b := range [][]byte{raw, bytes.TrimSuffix(raw, []byte("\r\n"))} {
		h := sha256.Sum256(b)
		if int64(len(b)) == size && hex.EncodeToString(h[:]) == sum {
			return true
		}
	}
	return false
}
