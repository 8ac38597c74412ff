package cms

import (
	"strings"
	"testing"
)

func TestParseAuthEnveloped(t *testing.T) {
	var got *AuthEnveloped
	for _, der := range seeds(t) {
		if ContentType(der) != AuthEnvelopedData {
			continue
		}
		ae, err := ParseAuthEnveloped(der)
		if err != nil {
			t.Fatal(err)
		}
		got = ae
	}
	if got == nil {
		t.Fatal("no authEnveloped-data fixture")
	}
	if !strings.HasSuffix(got.ContentAlg, "-gcm") || len(got.Nonce) != 12 || got.ICVLen != len(got.MAC) ||
		len(got.Ciphertext) == 0 || len(got.Recipients) == 0 || len(got.Recipients[0].EncryptedKey) != 256 {
		t.Errorf("%s nonce %d icv %d mac %d ciphertext %d recipients %d", got.ContentAlg, len(got.Nonce), got.ICVLen,
			len(got.MAC), len(got.Ciphertext), len(got.Recipients))
	}
	for _, bad := range [][]byte{nil, {0x30, 0}, []byte("not der")} {
		if _, err := ParseAuthEnveloped(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
