package message

import (
	"encoding/base64"
	"math/rand"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigAttachment is a message carrying size random bytes as a base64
// attachment in 76-character lines, as mail clients write it.
func bigAttachment(size int) []byte {
	data := make([]byte, size)
	rand.New(rand.NewSource(1)).Read(data)
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.WriteString("From: a@lab.fr\r\nTo: b@lab.fr\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for i := 0; i < len(enc); i += 76 {
		b.WriteString(enc[i:min(i+76, len(enc))])
		b.WriteString("\r\n")
	}
	b.WriteString("--b--\r\n")
	return []byte(b.String())
}

func benchAnalyze(b *testing.B, raw []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		Analyze(raw, Options{MaxAttachment: 32 << 20})
		n++
	}
	// On a shared machine wall time says little; CPU time of the process
	// tells what the analyser itself costs.
	if cpu := (cpuTime() - start).Seconds(); cpu > 0 {
		b.ReportMetric(float64(len(raw))*float64(n)/cpu/1e6, "cpu-MB/s")
	}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkAnalyze5MBBase64Attachment(b *testing.B) { benchAnalyze(b, bigAttachment(5<<20)) }

func BenchmarkAnalyzeFixture(b *testing.B) {
	for _, name := range []string{"gif.eml", "signed.eml", "encrypted-aes256.eml"} {
		raw, err := os.ReadFile("testdata/smime/" + name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) { benchAnalyze(b, raw) })
	}
}

// BenchmarkStreamDKIMSigned reads a DKIM-signed 5 MB message as it
// arrives, in pieces of 64 KiB: the body hash is canonicalized on the way.
func BenchmarkStreamDKIMSigned(b *testing.B) {
	for _, c := range []string{"simple/simple", "relaxed/relaxed"} {
		raw := append([]byte("DKIM-Signature: v=1; a=rsa-sha256; c="+c+"; d=lab.fr; s=x; bh=AAAA; h=from; b=x\r\n"), bigAttachment(5<<20)...)
		b.Run(c, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				s := NewStream(Options{MaxAttachment: 32 << 20})
				for p := raw; len(p) > 0; {
					n := min(len(p), 64<<10)
					s.Write(p[:n])
					p = p[n:]
				}
				s.Message()
			}
		})
	}
}
