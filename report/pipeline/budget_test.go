package pipeline

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/testdata/pcapgen"
)

// concurrentData writes to w a capture of n SMTP sessions that each send
// a message of size bytes; together, their DATA bodies are interleaved
// round by round so that every message is open at once, otherwise each
// session ends before the next starts. It runs while the capture is read,
// so the capture is never in memory.
func concurrentData(w io.Writer, n, size int, together, attach bool) error {
	pw, err := pcapgen.NewWriter(w, layers.LinkTypeEthernet, 0)
	if err != nil {
		return err
	}
	if !together && n > 1 {
		for i := 0; i < n; i++ {
			if err := sendData(pw, i, 1, size, attach); err != nil {
				return err
			}
		}
		return nil
	}
	return sendData(pw, 0, n, size, attach)
}

// sendData writes sessions first to first+n-1, interleaved; with attach,
// each message is the size of one base64 attachment, analysed as it
// arrives, else the signed part of a multipart/signed, held whole.
func sendData(pw *pcapgen.Writer, first, n, size int, attach bool) error {
	conns := make([]*pcapgen.Conn, n)
	for j := range conns {
		i := first + j
		c := pw.Conn(net.IPv4(127, 0, 1, byte(i+1)), server, uint16(41000+i), 25)
		c.Handshake()
		c.ServerSays("220 mail ESMTP\r\n")
		c.ClientSays("EHLO me\r\n")
		c.ServerSays("250 mail\r\n")
		c.ClientSays("MAIL FROM:<a@example.org>\r\n")
		c.ServerSays("250 2.1.0 Ok\r\n")
		c.ClientSays("RCPT TO:<b@example.org>\r\n")
		c.ServerSays("250 2.1.5 Ok\r\n")
		c.ClientSays("DATA\r\n")
		c.ServerSays("354 End data with <CR><LF>.<CR><LF>\r\n")
		c.ClientSays(fmt.Sprintf("From: a@example.org\r\nTo: b@example.org\r\nSubject: big %d\r\n", i))
		if !attach {
			// An S/MIME signature covers every byte of the signed part:
			// such a message is held whole to be analysed.
			c.ClientSays("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n" +
				"--s\r\nContent-Type: text/plain\r\n")
		}
		if attach {
			c.ClientSays("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
				"--b\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n")
		}
		c.ClientSays("\r\n")
		conns[j] = c
	}
	line := bytes.Repeat([]byte("x"), 76)
	line = append(line, "\r\n"...)
	chunk := bytes.Repeat(line, 64<<10/len(line))
	for sent := 0; sent < size; sent += len(chunk) {
		for _, c := range conns {
			if err := c.Send(true, chunk); err != nil {
				return err
			}
		}
	}
	for _, c := range conns {
		if attach {
			c.ClientSays("--b--\r\n")
		} else {
			c.ClientSays("--s--\r\n")
		}
		c.ClientSays(".\r\n")
		c.ServerSays("250 2.0.0 Ok: queued\r\n")
		c.ClientSays("QUIT\r\n")
		c.ServerSays("221 2.0.0 Bye\r\n")
		if err := c.Close(); err != nil {
			return err
		}
	}
	return nil
}

// Many large messages that must be held whole (signed), sent at once, hold no more
// than the capture's budget between them: each is analysed from its first bytes, marked truncated,
// its size counted whole, and its session says the budget was spent.
func TestConcurrentMessagesShareOneBudget(t *testing.T) {
	const (
		sessions = 50
		size     = 4 << 20 // scaled down from 20 MiB, with the budget
		budget   = 32 << 20
	)
	peak, messages, warned := analyseData(t, sessions, size, budget, true, false)
	t.Logf("%d sessions of %d MiB at once, budget %d MiB: peak heap %d MiB", sessions, size>>20, budget>>20, peak>>20)
	if len(messages) != sessions {
		t.Fatalf("%d messages, want %d", len(messages), sessions)
	}
	for _, m := range messages {
		if !m.Truncated || m.Size < size {
			t.Errorf("message of %s: truncated %v, size %d, want truncated and at least %d", m.Session, m.Truncated, m.Size, size)
			break
		}
	}
	// Every session was still sending when the budget was spent.
	if warned != sessions {
		t.Errorf("%d sessions warned of the budget, want %d", warned, sessions)
	}
	// Bodies grow by doubling: twice the budget, and room for the rest
	// (the capture being written, the line buffers of 100 streams, and
	// what the collector has not caught up with under a busy test run;
	// with no budget the peak is over 500 MiB).
	if peak > 2*budget+40<<20 {
		t.Errorf("peak heap %d MiB for a budget of %d MiB", peak>>20, budget>>20)
	}
	if testing.Verbose() && !testing.Short() {
		unbounded, _, _ := analyseData(t, sessions, size, 0, true, false)
		t.Logf("the same capture with no budget: peak heap %d MiB", unbounded>>20)
	}
}

// Attachments are analysed as they arrive, not held: the same 50 large
// messages at once, each one attachment, are analysed whole under a
// budget that could hold less than one of them, in little memory.
func TestConcurrentAttachmentsAreAnalysedAsTheyArrive(t *testing.T) {
	const (
		sessions = 50
		size     = 4 << 20
		budget   = 1 << 20
	)
	peak, messages, warned := analyseData(t, sessions, size, budget, true, true)
	t.Logf("%d attachments of %d MiB at once, budget %d MiB: peak heap %d MiB", sessions, size>>20, budget>>20, peak>>20)
	if len(messages) != sessions || warned != 0 {
		t.Fatalf("%d messages, %d budget warnings; want %d and none", len(messages), warned, sessions)
	}
	// sendData sends lines of 76 base64 characters, 57 bytes each, in
	// chunks of 64 KiB of whole lines until size bytes went.
	lines := (64 << 10) / 78
	chunks := (size + lines*78 - 1) / (lines * 78)
	want := int64(chunks * lines * 57)
	for _, m := range messages {
		if m.Truncated || len(m.Attachments) != 1 || m.Attachments[0].Size != want || m.Attachments[0].SHA256 == "" {
			t.Fatalf("message of %s: truncated %v, attachments %+v; want one whole attachment", m.Session, m.Truncated, m.Attachments)
		}
	}
	if peak > 24<<20 {
		t.Errorf("peak heap %d MiB for %d attachments of %d MiB analysed at once", peak>>20, sessions, size>>20)
	}
}

// A message gives its bytes back once analysed: messages sent one after
// another each fit a budget that could not hold them all.
func TestBudgetIsReleasedAfterEachMessage(t *testing.T) {
	const size = 2 << 20
	_, messages, warned := analyseData(t, 6, size, 3<<20, false, false)
	if len(messages) != 6 || warned != 0 {
		t.Fatalf("%d messages, %d budget warnings; want 6 and none", len(messages), warned)
	}
	for _, m := range messages {
		if m.Truncated || m.Size < size {
			t.Errorf("message of %s: truncated %v, size %d", m.Session, m.Truncated, m.Size)
		}
	}
}

// analyseData analyses a capture of concurrentData under a budget of held
// bytes, and returns the peak heap, the messages and the sessions warned
// of the budget.
func analyseData(t *testing.T, sessions, size int, held int64, together, attach bool) (peak uint64, messages []*record.Message, warned int) {
	t.Helper()
	r, w := io.Pipe()
	go func() { w.CloseWithError(concurrentData(w, sessions, size, together, attach)) }()
	// One shard when messages follow each other, so that they are
	// analysed in the capture's order.
	opt := Options{Workers: 2}
	if !together {
		opt.Workers = 1
	}
	opt.Dissect.Limits = session.DefaultLimits()
	opt.Dissect.Limits.MaxHeld = held
	opt.OnRecord = func(rec record.Record) {
		switch rec := rec.(type) {
		case *record.Message:
			messages = append(messages, rec)
		case *record.Session:
			for _, w := range rec.Warnings {
				if w.ID == record.WarnSessionHeldBudget {
					warned++
				}
			}
		}
	}
	peak, _ = peakHeap(t, func() {
		src, err := capfile.NewReader("concurrent.pcap", r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Read(src, opt); err != nil {
			t.Fatal(err)
		}
	})
	r.Close()
	return peak, messages, warned
}
