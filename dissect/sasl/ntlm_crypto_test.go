package sasl

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf16"

	//lint:ignore SA1019 NTLM is defined on MD4; the test recomputes its hashes
	"golang.org/x/crypto/md4"
)

func utf16leOf(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// ntowfv2 is MS-NLMP 3.3.2 NTOWFv2.
func ntowfv2(password, user, domain string) []byte {
	h := md4.New()
	h.Write(utf16leOf(password))
	return hmacMD5(h.Sum(nil), utf16leOf(strings.ToUpper(user)+domain))
}

// The NetNTLMv2 hash is what a cracker verifies: HMAC-MD5 keyed with
// NTOWFv2(password) over server challenge and blob gives the NTProofStr.
// The blob and keys are those of MS-NLMP 4.2.4, whose NTProofStr is
// 68cd0ab851e51c96aabc927bebef6a1c.
func TestNTLMv2HashVerifiesWithThePassword(t *testing.T) {
	serverChallenge, _ := hex.DecodeString("0123456789abcdef")
	clientChallenge := bytes.Repeat([]byte{0xaa}, 8)
	var avPairs []byte
	for _, av := range []struct {
		id uint16
		v  string
	}{{2, "Domain"}, {1, "Server"}} {
		v := utf16leOf(av.v)
		avPairs = binary.LittleEndian.AppendUint16(avPairs, av.id)
		avPairs = binary.LittleEndian.AppendUint16(avPairs, uint16(len(v)))
		avPairs = append(avPairs, v...)
	}
	avPairs = append(avPairs, 0, 0, 0, 0) // MsvAvEOL
	blob := []byte{1, 1, 0, 0, 0, 0, 0, 0}
	blob = append(blob, make([]byte, 8)...) // time 0
	blob = append(blob, clientChallenge...)
	blob = append(blob, 0, 0, 0, 0)
	blob = append(blob, avPairs...)
	blob = append(blob, 0, 0, 0, 0)
	key := ntowfv2("Password", "User", "Domain")
	proof := hmacMD5(key, serverChallenge, blob)
	if hex.EncodeToString(proof) != "68cd0ab851e51c96aabc927bebef6a1c" {
		t.Fatalf("test vector not reproduced: %x", proof)
	}

	x := Start("NTLM")
	x.Server(ntlmChallengeMessage(serverChallenge))
	x.Client(ntlmAuthenticateMessage(t, "User", "Domain", "COMPUTER", make([]byte, 24), append(proof, blob...), true))
	c, ok := x.Credential()
	if !ok {
		t.Fatal("no credential")
	}
	// user::domain:challenge:ntproofstr:blob, as hashcat mode 5600 reads.
	f := strings.Split(c.Hash, ":")
	if len(f) != 6 || f[0] != "User" || f[1] != "" || f[2] != "Domain" {
		t.Fatalf("hash %q", c.Hash)
	}
	ch, _ := hex.DecodeString(f[3])
	gotProof, _ := hex.DecodeString(f[4])
	gotBlob, _ := hex.DecodeString(f[5])
	if !bytes.Equal(hmacMD5(ntowfv2("Password", f[0], f[2]), ch, gotBlob), gotProof) {
		t.Fatalf("hash %q does not verify with the password", c.Hash)
	}
	if c.Recoverable || c.Password != "" {
		t.Errorf("challenge-response must not be recoverable: %+v", c)
	}
}

// The CRAM-MD5 hash of RFC 2195's example verifies with its password,
// the way hashcat mode 10200 checks it.
func TestCramMD5HashVerifiesWithThePassword(t *testing.T) {
	x := Start("CRAM-MD5")
	x.Server([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	x.Client([]byte("tim b913a602c7eda7a495b4e6e7334d3890"))
	c, _ := x.Credential()
	f := strings.Split(c.Hash, "$")
	if len(f) != 4 || f[1] != "cram_md5" {
		t.Fatalf("hash %q", c.Hash)
	}
	challenge, err1 := DecodeBase64([]byte(f[2]))
	response, err2 := DecodeBase64([]byte(f[3]))
	if err1 != nil || err2 != nil {
		t.Fatalf("hash %q: %v %v", c.Hash, err1, err2)
	}
	user, digest, _ := strings.Cut(string(response), " ")
	if user != "tim" || hex.EncodeToString(hmacMD5([]byte("tanstaaftanstaaf"), challenge)) != digest {
		t.Fatalf("hash %q does not verify with the password", c.Hash)
	}
}
