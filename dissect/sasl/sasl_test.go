package sasl

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// msg is one message of a scripted exchange.
type msg struct {
	server bool
	data   string
}

func c(text string) msg { return msg{data: text} }
func s(text string) msg { return msg{server: true, data: text} }

// want lists the credential fields a case checks.
type want struct {
	ok          bool
	user        string
	authzid     string
	password    string
	hash        string
	recoverable bool
	domain      string
	workstation string
}

func run(mech string, msgs []msg) *Exchange {
	x := Start(mech)
	for _, m := range msgs {
		if m.server {
			x.Server([]byte(m.data))
		} else {
			x.Client([]byte(m.data))
		}
	}
	return x
}

func TestMechanisms(t *testing.T) {
	ntlmV2 := ntlmAuthenticateMessage(t, "User", "Domain", "COMPUTER", make([]byte, 24), append(bytes16(0xAA), 1, 1, 0, 0, 0, 0, 0, 0, 9, 9), true)
	ntlmV1 := ntlmAuthenticateMessage(t, "bob", "CORP", "WS1", bytes24(0x11), bytes24(0x22), true)
	ntlmOEM := ntlmAuthenticateMessage(t, "alice", "LAB", "PC", nil, bytes24(0x22), false)
	challenge := ntlmChallengeMessage([]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef})

	tests := []struct {
		name string
		mech string
		msgs []msg
		want want
	}{
		{"PlainRFC4616WithoutAuthzid", "PLAIN", []msg{c("\x00tim\x00tanstaaftanstaaf")},
			want{ok: true, user: "tim", password: "tanstaaftanstaaf", recoverable: true}},
		{"PlainRFC4616WithAuthzid", "plain", []msg{c("Ursel\x00Kurt\x00xipj3plmq")},
			want{ok: true, user: "Kurt", authzid: "Ursel", password: "xipj3plmq", recoverable: true}},
		{"PlainAfterEmptyChallenge", "PLAIN", []msg{s(""), c("\x00tim\x00secret")},
			want{ok: true, user: "tim", password: "secret", recoverable: true}},
		{"PlainWithoutAuthzidField", "PLAIN", []msg{c("tim\x00secret")},
			want{ok: true, user: "tim", password: "secret", recoverable: true}},
		{"PlainNothingSent", "PLAIN", nil, want{}},
		{"LoginByPrompts", "LOGIN", []msg{s("Username:"), c("tim"), s("Password:"), c("tanstaaf")},
			want{ok: true, user: "tim", password: "tanstaaf", recoverable: true}},
		{"LoginInitialResponseUsername", "LOGIN", []msg{c("tim"), s("Password:"), c("tanstaaf")},
			want{ok: true, user: "tim", password: "tanstaaf", recoverable: true}},
		{"LoginByOrderWithoutPrompts", "LOGIN", []msg{s(""), c("tim"), s(""), c("tanstaaf")},
			want{ok: true, user: "tim", password: "tanstaaf", recoverable: true}},
		{"LoginEmptyInitialResponseSkipped", "LOGIN", []msg{c(""), s("VXNlcg"), c("tim"), s("x"), c("pw")},
			want{ok: true, user: "tim", password: "pw", recoverable: true}},
		{"LoginUsernameOnlyWhenCanceled", "LOGIN", []msg{s("Username:"), c("tim")},
			want{ok: true, user: "tim"}},
		{"CramMD5RFC2195", "CRAM-MD5", []msg{s("<1896.697170952@postoffice.reston.mci.net>"), c("tim b913a602c7eda7a495b4e6e7334d3890")},
			want{ok: true, user: "tim", hash: "$cram_md5$PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+$dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"}},
		{"CramMD5WithoutChallengeHasNoHash", "CRAM-MD5", []msg{c("tim b913a602c7eda7a495b4e6e7334d3890")},
			want{ok: true, user: "tim"}},
		{"XOAuth2GoogleExample", "XOAUTH2", []msg{c("user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01")},
			want{ok: true, user: "someuser@example.com", password: "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", recoverable: true}},
		{"XOAuth2ErrorChallengeThenEmptyReply", "XOAUTH2", []msg{c("user=a@b.c\x01auth=Bearer tok\x01\x01"), s(`{"status":"401"}`), c("")},
			want{ok: true, user: "a@b.c", password: "tok", recoverable: true}},
		{"OAuthBearerRFC7628", "OAUTHBEARER", []msg{c("n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==\x01\x01")},
			want{ok: true, user: "user@example.com", password: "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==", recoverable: true}},
		{"OAuthBearerWithoutAuthzid", "OAUTHBEARER", []msg{c("n,,\x01auth=Bearer tok\x01\x01")},
			want{ok: true, password: "tok", recoverable: true}},
		{"ScramSHA1RFC5802", "SCRAM-SHA-1", []msg{c("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"), s("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")},
			want{ok: true, user: "user"}},
		{"ScramSHA256EscapedNameAndAuthzid", "SCRAM-SHA-256", []msg{c("n,a=adm=3Din,n=a=2Cb,r=abc")},
			want{ok: true, user: "a,b", authzid: "adm=in"}},
		{"ScramGarbage", "SCRAM-SHA-256", []msg{c("nonsense")}, want{}},
		{"NTLMv2WithChallenge", "NTLM", []msg{c("NTLMSSP\x00\x01\x00\x00\x00"), s(string(challenge)), c(string(ntlmV2))},
			want{ok: true, user: "User", domain: "Domain", workstation: "COMPUTER",
				hash: "User::Domain:0123456789abcdef:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:0101000000000000" + "0909"}},
		{"NTLMv1WithChallenge", "NTLM", []msg{s(string(challenge)), c(string(ntlmV1))},
			want{ok: true, user: "bob", domain: "CORP", workstation: "WS1",
				hash: "bob::CORP:111111111111111111111111111111111111111111111111:222222222222222222222222222222222222222222222222:0123456789abcdef"}},
		{"NTLMWithoutChallengeHasNoHash", "NTLM", []msg{c(string(ntlmV2))},
			want{ok: true, user: "User", domain: "Domain", workstation: "COMPUTER"}},
		{"NTLMOEMStrings", "NTLM", []msg{c(string(ntlmOEM))},
			want{ok: true, user: "alice", domain: "LAB", workstation: "PC"}},
		{"NTLMTruncatedAuthenticate", "NTLM", []msg{c(string(ntlmV2[:40]))}, want{}},
		{"DigestMD5Username", "DIGEST-MD5", []msg{s("realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\""), c(`charset=utf-8,username="chris",realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",nc=00000001,response=d388dad90d4bbd760a152321f2143af7`)},
			want{ok: true, user: "chris", domain: "elwood.innosoft.com"}},
		{"ExternalAuthzid", "EXTERNAL", []msg{c("fred@example.com")},
			want{ok: true, user: "fred@example.com", authzid: "fred@example.com"}},
		{"AnonymousTrace", "ANONYMOUS", []msg{c("sirhc")}, want{ok: true, user: "sirhc"}},
		{"UnknownMechanism", "GSSAPI", []msg{c("\x60\x82")}, want{}},
		{"ControlCharactersInUsernameReplaced", "PLAIN", []msg{c("\x00t\x1bim\x00pw")},
			want{ok: true, user: "t\uFFFDim", password: "pw", recoverable: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := run(tt.mech, tt.msgs).Credential()
			if ok != tt.want.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tt.want.ok, got)
			}
			if !got.SASL {
				t.Error("SASL not set")
			}
			if got.Mechanism != upper(tt.mech) {
				t.Errorf("mechanism %q", got.Mechanism)
			}
			check := func(field, got, want string) {
				if got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("username", got.Username, tt.want.user)
			check("authzid", got.Authzid, tt.want.authzid)
			check("password", got.Password, tt.want.password)
			check("hash", got.Hash, tt.want.hash)
			check("domain", got.Domain, tt.want.domain)
			check("workstation", got.Workstation, tt.want.workstation)
			if got.Recoverable != tt.want.recoverable {
				t.Errorf("recoverable = %v", got.Recoverable)
			}
			if got.PasswordLen != len([]rune(tt.want.password)) {
				t.Errorf("password_len = %d", got.PasswordLen)
			}
		})
	}
}

func TestCancelIsRemembered(t *testing.T) {
	x := Start("login")
	x.Server([]byte("Username:"))
	x.Cancel()
	if !x.Canceled() {
		t.Fatal("cancel not recorded")
	}
	if _, ok := x.Credential(); ok {
		t.Fatal("no credential expected")
	}
}

func TestExchangeKeepsBoundedCopies(t *testing.T) {
	x := Start("PLAIN")
	buf := []byte("\x00tim\x00secret")
	x.Client(buf)
	buf[1] = 'X' // the caller's buffer is reused
	for i := 0; i < 100; i++ {
		x.Server(make([]byte, maxMessage+10))
	}
	if len(x.steps) != maxSteps || x.dropped != 100-maxSteps+1 || x.cut != maxSteps-1 {
		t.Fatalf("steps %d dropped %d cut %d", len(x.steps), x.dropped, x.cut)
	}
	if got, _ := x.Credential(); got.Username != "tim" {
		t.Fatalf("username %q: message not copied", got.Username)
	}
}

func TestDecodeBase64(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            bool
	}{
		{"Padded", "dGlt", "tim", false},
		{"MissingPadding", "dGltMQ", "tim1", false},
		{"WithPadding", "dGltMQ==", "tim1", false},
		{"SurroundingWhitespace", "  dGlt \r\n", "tim", false},
		{"EqualsIsEmpty", "=", "", false},
		{"EmptyLine", "", "", false},
		{"URLSafeAlphabet", "-_8", "\xfb\xff", false},
		{"Garbage", "!!!!", "", true},
		{"ImpossibleLength", "dGltM", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeBase64([]byte(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v", err)
			}
			if string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func bytes16(v byte) []byte { return repeat(v, 16) }
func bytes24(v byte) []byte { return repeat(v, 24) }
func repeat(v byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = v
	}
	return b
}

// ntlmChallengeMessage builds a minimal CHALLENGE (type 2) message.
func ntlmChallengeMessage(challenge []byte) []byte {
	b := make([]byte, 48)
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 2)
	binary.LittleEndian.PutUint32(b[20:], 0x00000201)
	copy(b[24:], challenge)
	return b
}

// ntlmAuthenticateMessage builds an AUTHENTICATE (type 3) message laid out
// as MS-NLMP 2.2.1.3 describes, payload after the 64-byte header.
func ntlmAuthenticateMessage(t *testing.T, user, domain, ws string, lm, nt []byte, unicode bool) []byte {
	t.Helper()
	enc := func(s string) []byte {
		if !unicode {
			return []byte(s)
		}
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	b := make([]byte, 64)
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 3)
	put := func(off int, data []byte) {
		binary.LittleEndian.PutUint16(b[off:], uint16(len(data)))
		binary.LittleEndian.PutUint16(b[off+2:], uint16(len(data)))
		binary.LittleEndian.PutUint32(b[off+4:], uint32(len(b)))
		b = append(b, data...)
	}
	put(12, lm)
	put(20, nt)
	put(28, enc(domain))
	put(36, enc(user))
	put(44, enc(ws))
	put(52, nil)
	flags := uint32(0x00088202)
	if unicode {
		flags |= 1
	}
	binary.LittleEndian.PutUint32(b[60:], flags)
	return b
}
