// Package mailgen generates synthetic mail captures for benchmarks and
// tests: interleaved SMTP, IMAP and POP3 sessions with real handshakes,
// logins, messages and attachments, deterministic from a seed, with the
// credentials and messages it wrote listed so a run can be checked.
package mailgen

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gopacket/gopacket/layers"

	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen"
)

// Options shape a generated capture.
type Options struct {
	Seed       int64
	Sessions   int // total sessions
	Concurrent int // sessions open at once, interleaved packet by packet
	Attachment int // attachment size in bytes (0: none)
	IPv6       bool
	VLAN       uint16
	Reorder    bool // swap the first two segments of multi-segment sends
	Duplicate  bool // retransmit the first segment of each send
	STARTTLS   int  // one SMTP session in STARTTLS out of this many (0: none)
}

// Credential is a login the capture holds.
type Credential struct {
	Proto, Mechanism, Username, Password string
}

// Attachment is one file a message carries.
type Attachment struct {
	Filename string `json:"filename"`
	Size     int    `json:"size"`
	SHA256   string `json:"sha256"`
}

// Message is one message the capture holds.
type Message struct {
	Proto, Subject string
	Attachments    []Attachment
}

// Expected is what a correct analysis must find.
type Expected struct {
	Sessions    int
	Credentials []Credential
	Messages    []Message
}

// step is one send of one side.
type step struct {
	fromClient bool
	data       []byte
	skip       bool // the bytes are lost (not captured)
}

type script struct {
	conn  *pcapgen.Conn
	steps []step
	next  int
}

// Write generates the capture into w and returns what it holds.
func Write(w io.Writer, opt Options) (*Expected, error) {
	if opt.Concurrent <= 0 {
		opt.Concurrent = 16
	}
	pw, err := pcapgen.NewWriter(w, layers.LinkTypeEthernet, 0)
	if err != nil {
		return nil, err
	}
	pw.VLAN = opt.VLAN
	pw.Step = 50_000 // 50 µs between packets
	g := &gen{opt: opt, rnd: rand.New(rand.NewSource(opt.Seed)), w: pw, exp: &Expected{}}
	return g.exp, g.run()
}

type gen struct {
	opt    Options
	rnd    *rand.Rand
	w      *pcapgen.Writer
	exp    *Expected
	made   int
	active []*script
}

func (g *gen) run() error {
	for g.made < g.opt.Sessions || len(g.active) > 0 {
		for len(g.active) < g.opt.Concurrent && g.made < g.opt.Sessions {
			s, err := g.start(g.made)
			if err != nil {
				return err
			}
			g.active = append(g.active, s)
			g.made++
		}
		kept := g.active[:0]
		for _, s := range g.active {
			done, err := g.advance(s)
			if err != nil {
				return err
			}
			if !done {
				kept = append(kept, s)
			}
		}
		g.active = kept
	}
	return nil
}

func (g *gen) advance(s *script) (bool, error) {
	if s.next == len(s.steps) {
		return true, s.conn.Close()
	}
	st := s.steps[s.next]
	s.next++
	if st.skip {
		s.conn.Skip(st.fromClient, len(st.data))
		return false, nil
	}
	return false, s.conn.Send(st.fromClient, st.data)
}

func (g *gen) start(i int) (*script, error) {
	cip, sip := net.IPv4(10, 1, byte(i>>8), byte(i)), net.IPv4(10, 2, 0, byte(1+i%3))
	if g.opt.IPv6 {
		cip = net.ParseIP(fmt.Sprintf("2001:db8:1::%x", i+1))
		sip = net.ParseIP(fmt.Sprintf("2001:db8:2::%x", 1+i%3))
	}
	var steps []step
	var port uint16
	switch i % 3 {
	case 0:
		port, steps = 587, g.smtp(i)
	case 1:
		port, steps = 143, g.imap(i)
	default:
		port, steps = 110, g.pop3(i)
	}
	c := g.w.Conn(cip, sip, uint16(20000+i%40000), port)
	c.Reorder, c.Duplicate = g.opt.Reorder, g.opt.Duplicate
	g.exp.Sessions++
	return &script{conn: c, steps: steps}, c.Handshake()
}

func (g *gen) user(i int) (string, string) {
	return fmt.Sprintf("user%d@lab.example", i), fmt.Sprintf("pw-%d-%x", i, g.rnd.Uint32())
}

func (g *gen) smtp(i int) []step {
	u, p := g.user(i)
	s := []step{srv("220 mail.lab.example ESMTP\r\n"), cli("EHLO client.lab.example\r\n"),
		srv("250-mail.lab.example\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 8BITMIME\r\n")}
	if g.opt.STARTTLS > 0 && i%(3*g.opt.STARTTLS) == 0 {
		hello := make([]byte, 517)
		g.rnd.Read(hello)
		copy(hello, []byte{0x16, 0x03, 0x01, 0x02, 0x00})
		return append(s, cli("STARTTLS\r\n"), srv("220 2.0.0 Ready to start TLS\r\n"), step{true, hello, false})
	}
	mech := "PLAIN"
	if i%2 == 0 {
		s = append(s, cli("AUTH PLAIN "+b64("\x00"+u+"\x00"+p)+"\r\n"))
	} else {
		mech = "LOGIN"
		s = append(s, cli("AUTH LOGIN\r\n"), srv("334 VXNlcm5hbWU6\r\n"), cli(b64(u)+"\r\n"),
			srv("334 UGFzc3dvcmQ6\r\n"), cli(b64(p)+"\r\n"))
	}
	g.exp.Credentials = append(g.exp.Credentials, Credential{"smtp", mech, u, p})
	subject := fmt.Sprintf("Report %d", i)
	msg, atts := g.message(subject, u)
	g.exp.Messages = append(g.exp.Messages, Message{"smtp", subject, atts})
	return append(s, srv("235 2.7.0 Authentication successful\r\n"),
		cli("MAIL FROM:<"+u+">\r\n"), srv("250 2.1.0 Ok\r\n"),
		cli("RCPT TO:<boss@lab.example>\r\n"), srv("250 2.1.5 Ok\r\n"),
		cli("DATA\r\n"), srv("354 End data with <CR><LF>.<CR><LF>\r\n"),
		cli(msg+".\r\n"), srv("250 2.0.0 Ok: queued\r\n"), cli("QUIT\r\n"), srv("221 2.0.0 Bye\r\n"))
}

func (g *gen) imap(i int) []step {
	u, p := g.user(i)
	g.exp.Credentials = append(g.exp.Credentials, Credential{"imap", "LOGIN", u, p})
	subject := fmt.Sprintf("Inbox item %d", i)
	msg, atts := g.message(subject, u)
	g.exp.Messages = append(g.exp.Messages, Message{"imap", subject, atts})
	return []step{srv("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n"),
		cli(fmt.Sprintf("a1 LOGIN %s \"%s\"\r\n", u, p)), srv("a1 OK Logged in\r\n"),
		cli("a2 SELECT INBOX\r\n"),
		srv("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UNSEEN 2] First unseen.\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\na2 OK [READ-WRITE] Select completed\r\n"),
		cli("a3 FETCH 2 BODY[]\r\n"),
		srv(fmt.Sprintf("* 2 FETCH (FLAGS (\\Seen) BODY[] {%d}\r\n%s)\r\na3 OK Fetch completed\r\n", len(msg), msg)),
		cli("a4 LOGOUT\r\n"), srv("* BYE Logging out\r\na4 OK Logout completed\r\n")}
}

func (g *gen) pop3(i int) []step {
	u, p := g.user(i)
	g.exp.Credentials = append(g.exp.Credentials, Credential{"pop3", "USER", u, p})
	subject := fmt.Sprintf("Mailbox item %d", i)
	msg, atts := g.message(subject, u)
	g.exp.Messages = append(g.exp.Messages, Message{"pop3", subject, atts})
	return []step{srv("+OK POP3 ready\r\n"), cli("USER " + u + "\r\n"), srv("+OK\r\n"),
		cli("PASS " + p + "\r\n"), srv("+OK Logged in.\r\n"), cli("STAT\r\n"), srv("+OK 1 2048\r\n"),
		cli("RETR 1\r\n"), srv(fmt.Sprintf("+OK %d octets\r\n%s.\r\n", len(msg), dotStuff(msg))),
		cli("QUIT\r\n"), srv("+OK Logging out.\r\n")}
}

// message builds a MIME message with an optional attachment.
func (g *gen) message(subject, to string) (string, []Attachment) {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Sender <sender@lab.example>\r\nTo: <%s>\r\nSubject: %s\r\nDate: Fri, 27 Nov 2026 10:00:00 +0100\r\nMessage-ID: <%x@lab.example>\r\nMIME-Version: 1.0\r\n", to, subject, g.rnd.Uint64())
	if g.opt.Attachment <= 0 {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n.see the report.\r\n")
		return b.String(), nil
	}
	data := make([]byte, g.opt.Attachment)
	g.rnd.Read(data)
	sum := sha256.Sum256(data)
	name := fmt.Sprintf("data-%d.bin", g.rnd.Intn(1000))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"BOUNDARY\"\r\n\r\n--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--BOUNDARY\r\n")
	fmt.Fprintf(&b, "Content-Type: application/octet-stream; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", name, name)
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--BOUNDARY--\r\n")
	return b.String(), []Attachment{{name, len(data), hex.EncodeToString(sum[:])}}
}

func dotStuff(s string) string {
	s = strings.ReplaceAll(s, "\r\n.", "\r\n..")
	if strings.HasPrefix(s, ".") {
		s = "." + s
	}
	return s
}

func cli(s string) step   { return step{fromClient: true, data: []byte(s)} }
func srv(s string) step   { return step{data: []byte(s)} }
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// WriteFile generates the capture into path.
func WriteFile(path string, opt Options) (*Expected, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	exp, err := Write(bw, opt)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return exp, err
}

// BenchFile returns a synthetic capture of about mb megabytes in the
// system's temporary folder, with what it holds, generating it unless a
// previous run did: the same options always give the same bytes.
func BenchFile(mb int) (string, *Expected, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("mailwire-bench-%dMB.pcap", mb))
	expPath := path + ".expected.json"
	var exp Expected
	if b, err := os.ReadFile(expPath); err == nil && json.Unmarshal(b, &exp) == nil {
		if _, err := os.Stat(path); err == nil {
			return path, &exp, nil
		}
	}
	// About 450 KB per session with a 300 KB attachment.
	opt := Options{Seed: 1, Sessions: max(mb*1000/450, 3), Concurrent: 32, Attachment: 300_000, STARTTLS: 10}
	got, err := WriteFile(path+".tmp", opt)
	if err != nil {
		return "", nil, err
	}
	b, err := json.Marshal(got)
	if err == nil {
		err = os.WriteFile(expPath, b, 0o644)
	}
	if err == nil {
		err = os.Rename(path+".tmp", path)
	}
	return path, got, err
}

// BenchMB reads the benchmark capture size from MAILWIRE_BENCH_MB
// (default 64).
func BenchMB() int {
	if v, err := strconv.Atoi(os.Getenv("MAILWIRE_BENCH_MB")); err == nil && v > 0 {
		return v
	}
	return 64
}
