package extract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestDecryptedWrittenNextToEncrypted(t *testing.T) {
	dir := t.TempDir()
	inner := rawMessage("plan.gif")
	m := &record.Message{Session: "s1", Packet: 7, Raw: []byte("Subject: secret\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nMIIB\r\n"),
		SMIMEDecrypted: &record.Decrypted{Raw: inner}}
	idx, err := Write(dir, []*record.Message{m}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]File{}
	for _, f := range idx.Files {
		kinds[f.Kind+":"+f.Filename] = f
	}
	d, ok := kinds["decrypted:"]
	if !ok || d.Message != "s1-p7.eml" || d.Path != "s1-p7-decrypted.eml" {
		t.Fatalf("decrypted file not indexed next to the encrypted one: %+v", idx.Files)
	}
	got, err := os.ReadFile(filepath.Join(dir, d.Path))
	if err != nil || string(got) != string(inner) {
		t.Fatalf("decrypted bytes: %v", err)
	}
	if a, ok := kinds["attachment:plan.gif"]; !ok || a.Message != d.Path {
		t.Errorf("inner attachment not extracted from the decrypted message: %+v", idx.Files)
	}
}
