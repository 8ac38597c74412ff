package message

import (
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
