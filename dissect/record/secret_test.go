package record

import "testing"

func TestMaskShowsShapeOnly(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "***"},
		{"Wonderland!42", "W***********2"},
		{"\x1b[2Jsecret\x07", "***********"},
		{"\x1b[2Jsecretpass\x07", "***************"},
		{"pässwörter", "p********r"},
	}
	for _, tc := range tests {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactDropsSecretsUnlessRevealed(t *testing.T) {
	c := &Credential{Hash: "h"}
	c.SetPassword("Wonderland!42")
	Redact(c, true)
	if c.Password == "" || c.Hash == "" {
		t.Fatal("revealed secrets were dropped")
	}
	Redact(c, false)
	if c.Password != "" || c.Hash != "" || c.PasswordLen != 13 || c.PasswordMasked != "W***********2" {
		t.Fatalf("after redaction: %+v", c)
	}
}
