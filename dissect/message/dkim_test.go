package message

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

func TestDKIMBodyHash(t *testing.T) {
	const body = "Hello  world \r\n\r\n\r\n"
	cases := []struct {
		name, sig, want string
	}{
		{"SimpleMatches", "v=1; a=rsa-sha256; c=relaxed/simple; d=lab.example; s=sel; bh=3XrLra+YrMrCDAD5OzZHThKfIC40lXy+/jRzBpC30nI=; b=xx", "match"},
		{"RelaxedMatches", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=lab.example; s=sel;\r\n bh=yGIXoM91E1DiKjvCBcC8NlWyw54TdfMQ08sdtwtOO4I=; b=xx", "match"},
		{"RelaxedChangedBody", "a=rsa-sha256; c=relaxed/relaxed; d=lab.example; s=sel; bh=3XrLra+YrMrCDAD5OzZHThKfIC40lXy+/jRzBpC30nI=; b=xx", "mismatch"},
		{"UnknownAlgorithm", "a=rsa-md5; d=lab.example; s=sel; bh=AAAA; b=xx", "unchecked"},
		{"NoBodyHash", "a=rsa-sha256; d=lab.example; s=sel; b=xx", "unchecked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := "DKIM-Signature: " + c.sig + "\r\nFrom: a@lab.example\r\nAuthentication-Results: mx.example; dkim=pass\r\n\r\n" + body
			m := Analyze([]byte(raw), Options{})
			if len(m.DKIM) != 1 || m.DKIM[0].BodyHash != c.want || m.DKIM[0].Domain != "lab.example" && c.name != "NoBodyHash" {
				t.Fatalf("dkim = %+v", m.DKIM)
			}
			if len(m.AuthResults) != 1 || m.AuthResults[0] != "authentication-results: mx.example; dkim=pass" {
				t.Errorf("auth results = %q", m.AuthResults)
			}
		})
	}
}

// FuzzBodyCanon: the body canonicalization of a body given in pieces
// hashes to what canonBody gives of the whole, both ways, with and
// without a length limit.
func FuzzBodyCanon(f *testing.F) {
	f.Add([]byte("Hello \t world  \r\n\r\n\r\n"), 3, int64(-1))
	f.Add([]byte(" lead\r\r\nx\rno\n\n \t \r\n"), 1, int64(5))
	f.Add([]byte(""), 2, int64(0))
	f.Fuzz(func(t *testing.T, body []byte, step int, limit int64) {
		step = 1 + abs(step)%17
		for _, relaxed := range []bool{false, true} {
			whole := &bodyCheck{h: sha256.New(), relaxed: relaxed, limit: limit}
			whole.write(canonBody(body, relaxed))
			pieces := &bodyCheck{h: sha256.New(), relaxed: relaxed, limit: limit}
			b := &bodyCanon{check: pieces}
			for i := 0; i < len(body); i += step {
				b.write(body[i:min(i+step, len(body))])
			}
			b.end()
			if !bytes.Equal(whole.h.Sum(nil), pieces.h.Sum(nil)) || whole.n != pieces.n {
				t.Fatalf("relaxed %v: %q canonicalized in pieces of %d hashes %d bytes, whole %d (%q)",
					relaxed, body, step, pieces.n, whole.n, canonBody(body, relaxed))
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
