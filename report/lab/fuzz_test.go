package lab

import (
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// FuzzSenders feeds hostile header values and logins to the sender
// analysis and the student identity: neither may crash.
func FuzzSenders(f *testing.F) {
	f.Add("James Bond <james.bond@mi6.example>", "james.bond@mi6.example", "", "moreaul", "lea.moreau@lab.fr")
	f.Add("\"a@b.c\" <x@y>", "<>", "x", "", "<<@>>")
	f.Fuzz(func(t *testing.T, from, env, auth, id, rcpt string) {
		m := &record.Message{Session: "s1", Proto: "smtp", Direction: "sent", From: from, EnvelopeFrom: env,
			AuthUser: auth, ReplyTo: rcpt, EnvelopeTo: []string{rcpt}}
		for _, s := range Senders([]record.Record{m}) {
			_ = s.Unverified()
		}
		me := &Identity{ID: id, Logins: []string{auth}}
		NewClass([]*Identity{me, {ID: rcpt}}).Recipients(me, m)
		NameMatches(id, rcpt)
	})
}

// FuzzDKIMKey feeds hostile DNS TXT answers and signatures to the DKIM
// verification: it may only answer valid, invalid or nothing.
func FuzzDKIMKey(f *testing.F) {
	f.Add("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDXW0G0z6S7ZidpdiG0OEyl4s/6k9sH2pHsggJzOvfVUKMvQQ6bFT2Zt04X3dpN5nDTVsKrozStO+7PNzVe+DHpAHuLrL9JQd31p75BkIfjzU4ua0ZBIUk1hK6sa3UwqpmkoaRrKGzKgadG4VLoWmMMMr/MMdnuaHb2e/lcjDLHlwIDAQAB", []byte("sig"))
	f.Add("k=ed25519; p=", []byte{})
	f.Fuzz(func(t *testing.T, txt string, sig []byte) {
		d := record.DKIM{Domain: "lab.example", Selector: "s", Algorithm: "rsa-sha256", BodyHash: "match",
			HeaderDigest: make([]byte, 32), Signature: sig}
		switch v := verifyDKIM(d, map[string]string{"s._domainkey.lab.example": txt}); v {
		case "", "valid", "invalid":
		default:
			t.Fatalf("verdict %q", v)
		}
	})
}
