package sasl

import (
	"bytes"
	"encoding/base64"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// cramMD5 decodes RFC 2195: the server's challenge, then "user hexdigest"
// where the digest is HMAC-MD5(password, challenge). The password does not
// cross the wire but falls to a dictionary: Hash is hashcat's mode 10200
// (also read by John the Ripper): $cram_md5$base64(challenge)$base64(response).
func (x *Exchange) cramMD5(c *record.Credential) bool {
	var challenge, response []byte
	for _, s := range x.steps {
		switch {
		case s.server && challenge == nil && len(s.data) > 0:
			challenge = s.data
		case !s.server && response == nil && len(s.data) > 0:
			response = s.data
		}
	}
	if response == nil {
		return false
	}
	i := bytes.LastIndexByte(response, ' ')
	if i < 0 {
		c.Username = clean(response)
		return true
	}
	c.Username = clean(response[:i])
	digest := bytes.TrimSpace(response[i+1:])
	if challenge != nil && isHex(digest) {
		c.Hash = "$cram_md5$" + base64.StdEncoding.EncodeToString(challenge) +
			"$" + base64.StdEncoding.EncodeToString(response)
	}
	return true
}

// digestMD5 reads the username and realm of an RFC 2831 digest-response.
// Its hash has no widespread cracking format, so none is given.
func (x *Exchange) digestMD5(c *record.Credential) bool {
	for _, s := range x.steps {
		if s.server || len(s.data) == 0 {
			continue
		}
		if u, ok := directive(s.data, "username"); ok {
			c.Username = clean(u)
			if r, ok := directive(s.data, "realm"); ok {
				c.Domain = clean(r)
			}
			if a, ok := directive(s.data, "authzid"); ok {
				c.Authzid = clean(a)
			}
			return true
		}
	}
	return false
}

// directive finds key=value or key="value" in a comma-separated list of
// RFC 2831 directives. Quoted values may hold commas and \" escapes.
func directive(b []byte, key string) ([]byte, bool) {
	for len(b) > 0 {
		b = bytes.TrimLeft(b, " \t,")
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return nil, false
		}
		k := strings.TrimSpace(string(b[:eq]))
		b = b[eq+1:]
		var v []byte
		if len(b) > 0 && b[0] == '"' {
			v, b = quoted(b[1:])
		} else {
			end := bytes.IndexByte(b, ',')
			if end < 0 {
				end = len(b)
			}
			v, b = bytes.TrimSpace(b[:end]), b[end:]
		}
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// quoted reads a quoted string whose opening quote is already consumed and
// returns its unescaped value and the rest after the closing quote.
func quoted(b []byte) ([]byte, []byte) {
	var v []byte
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			if i+1 < len(b) {
				i++
				v = append(v, b[i])
			}
		case '"':
			return v, b[i+1:]
		default:
			v = append(v, b[i])
		}
	}
	return v, nil
}

// scram decodes the username of RFC 5802 SCRAM-*: the client-first message
// is a GS2 header then "n=user,r=nonce". The proof crosses the wire with
// the salt and iteration count, so the exchange can be attacked offline,
// but no common cracking tool reads it: Hash stays empty.
func (x *Exchange) scram(c *record.Credential) bool {
	msg := x.firstClient()
	if msg == nil {
		return false
	}
	// GS2 header: flag "," [authzid] ","
	parts := bytes.SplitN(msg, []byte{','}, 3)
	if len(parts) < 3 {
		return false
	}
	if a, ok := bytes.CutPrefix(parts[1], []byte("a=")); ok {
		c.Authzid = clean(saslname(a))
	}
	for _, attr := range bytes.Split(parts[2], []byte{','}) {
		if n, ok := bytes.CutPrefix(attr, []byte("n=")); ok {
			c.Username = clean(saslname(n))
			return true
		}
	}
	return c.Authzid != ""
}

func isHex(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
