package cms

import (
	"testing"
)

func TestParseEnvelopedFixtures(t *testing.T) {
	s := seeds(t)
	if len(s) < 4 {
		t.Fatalf("only %d enveloped fixtures", len(s))
	}
	for _, der := range s {
		env, err := ParseEnveloped(der)
		if err != nil || len(env.Recipients) != 1 || env.ContentAlg == "" {
			t.Errorf("env = %+v, err = %v", env, err)
		}
	}
}

func TestIndefiniteLengthBERIsRead(t *testing.T) {
	// ContentInfo { enveloped-data, [0] { EnvelopedData { 0, SET { ktri
	// { 2, [0] skid 0102, rsaEncryption, OCTET STRING 00 } }, eci { data,
	// des-ede3-cbc } } } }, written with indefinite lengths as streaming
	// encoders do.
	b := []byte{
		0x30, 0x80,
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03,
		0xa0, 0x80,
		0x30, 0x80,
		0x02, 0x01, 0x00,
		0x31, 0x80,
		0x30, 0x80,
		0x02, 0x01, 0x02,
		0x80, 0x02, 0x01, 0x02,
		0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
		0x04, 0x01, 0x00,
		0x00, 0x00,
		0x00, 0x00,
		0x30, 0x80,
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
		0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07,
		0x00, 0x00,
		0x00, 0x00,
		0x00, 0x00,
		0x00, 0x00,
	}
	env, err := ParseEnveloped(b)
	if err != nil {
		t.Fatal(err)
	}
	if env.ContentAlg != "des-ede3-cbc" || !env.Weak || len(env.Recipients) != 1 || env.Recipients[0].SubjectKeyID != "0102" || env.Recipients[0].KeyAlg != "rsaEncryption" {
		t.Errorf("env = %+v", env)
	}
	if got := ContentType(b); got != EnvelopedData {
		t.Errorf("content type = %q", got)
	}
}

func TestRC2KeyLengths(t *testing.T) {
	cases := []struct {
		name   string
		params []byte
		want   string
	}{
		{"Version160Is40Bits", []byte{0x30, 0x07, 0x02, 0x02, 0x00, 0xa0, 0x04, 0x01, 0x00}, "rc2-cbc-40"},
		{"Version58Is128Bits", []byte{0x30, 0x06, 0x02, 0x01, 0x3a, 0x04, 0x01, 0x00}, "rc2-cbc-128"},
		{"NoVersionIs32Bits", []byte{0x30, 0x03, 0x04, 0x01, 0x00}, "rc2-cbc-32"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := rc2Name(c.params); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestGarbageIsAnError(t *testing.T) {
	for _, b := range [][]byte{nil, {0x30}, {0x30, 0x80}, {0x04, 0x85, 1, 2, 3, 4, 5}, []byte("not cms at all")} {
		if env, err := ParseEnveloped(b); err == nil {
			t.Errorf("%x parsed as %+v", b, env)
		}
	}
}
