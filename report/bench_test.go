package report

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
)

// bigCapture is a busy capture: n sessions, each with 20 commands, a
// credential, a message with an attachment, and the derived findings.
func bigCapture(n int) Capture {
	return Held(&record.Capture{File: "big.pcap", LinkType: "Ethernet", Packets: int64(n * 50)}, bigRecords(n))
}

func bigRecords(n int) []record.Record {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var recs []record.Record
	for i := 0; i < n; i++ {
		sid := fmt.Sprintf("s%d", i+1)
		f := int64(i * 50)
		for j := int64(0); j < 20; j++ {
			recs = append(recs, &record.Command{Session: sid, Proto: "smtp", Verb: "RCPT", Args: fmt.Sprintf("TO:<user%d@example.org>", j),
				Status: "250", Reply: "2.1.5 Ok", Packet: f + 2*j + 1, ReplyPacket: f + 2*j + 2})
		}
		c := &record.Credential{Session: sid, Proto: "smtp", Mechanism: "PLAIN", SASL: true, Username: "user" + sid, Recoverable: true, Packet: f + 41}
		c.SetPassword("password-" + sid)
		recs = append(recs, c,
			&record.Message{Session: sid, Proto: "smtp", Direction: "sent", Packet: f + 43, EndPacket: f + 45, Subject: "Rapport " + sid,
				From: "a@example.org", To: []string{"b@example.org"}, Size: 40000, SMIME: "none",
				Attachments: []record.Attachment{{Filename: "chat.gif", ContentType: "image/gif", TransferEncoding: "base64", Size: 30000,
					SHA256: "9f2c1d0e5b7a4c3d2e1f00112233445566778899aabbccddeeff001122334455"}}},
			&record.Session{ID: sid, Proto: "smtp", Client: fmt.Sprintf("10.0.%d.%d:40000", i/250, i%250), Server: "10.1.0.1:25",
				Start: t0.Add(time.Duration(i) * time.Second), Security: "cleartext", Packet: f + 1, ClearBytes: 42000, EndFrame: f + 49})
	}
	for _, f := range Derive(recs) {
		recs = append(recs, f)
	}
	return recs
}

func benchmarkWriter(b *testing.B, write func(io.Writer, []Capture, *record.Summary, Options) error) {
	caps := []Capture{bigCapture(1000)}
	var out bytes.Buffer
	if err := write(&out, caps, nil, Options{Lang: "fr"}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(out.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := write(io.Discard, caps, nil, Options{Lang: "fr"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteText(b *testing.B)     { benchmarkWriter(b, WriteText) }
func BenchmarkWriteMarkdown(b *testing.B) { benchmarkWriter(b, WriteMarkdown) }
func BenchmarkWriteHTML(b *testing.B)     { benchmarkWriter(b, WriteHTML) }

func BenchmarkDerive(b *testing.B) {
	recs := bigRecords(1000)
	b.ReportAllocs()
	for b.Loop() {
		Derive(recs)
	}
}
