package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"plain ascii unchanged", "Compte rendu de mission", 0, "Compte rendu de mission"},
		{"accents kept", "Réunion à 10h", 0, "Réunion à 10h"},
		{"escape shown as symbol", "a\x1b[2Jb", 0, "a␛[2Jb"},
		{"line breaks become spaces", "a\r\nb\tc", 0, "a  b c"},
		{"nul shown", "a\x00b", 0, "a␀b"},
		{"delete shown", "a\x7fb", 0, "a␡b"},
		{"c1 csi replaced", "a\u009b2Jb", 0, "a\uFFFD2Jb"},
		{"bidi override replaced", "abc\u202edcba", 0, "abc\uFFFDdcba"},
		{"bidi isolate replaced", "\u2066x\u2069", 0, "\uFFFDx\uFFFD"},
		{"bidi marks replaced", "\u200ex\u200f", 0, "\uFFFDx\uFFFD"},
		{"invalid utf8 replaced", "a\xff\xfeb", 0, "a\uFFFD\uFFFDb"},
		{"cut with marker", "abcdefghij", 5, "abcd…"},
		{"exact length not cut", "abcde", 5, "abcde"},
		{"cut counts runes", "ééééééé", 4, "ééé…"},
		{"empty", "", 3, ""},
		{"max one", "abc", 1, "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := String(c.in, c.max)
			if got != c.want {
				t.Errorf("String(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
			}
		})
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"Subject: \x1b[2J\u202e<script>", "abc", "\xff\xfe", "ééé", "\u009b31m"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max > 1<<16 {
			max = 1 << 16
		}
		got := String(s, max)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid utf8 out: %q", got)
		}
		if max > 0 && utf8.RuneCountInString(got) > max {
			t.Fatalf("too long: %d > %d", utf8.RuneCountInString(got), max)
		}
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidi(r) {
				t.Fatalf("unsafe rune %U in %q", r, got)
			}
		}
		if strings.ContainsRune(got, 0x1b) {
			t.Fatal("escape passed")
		}
	})
}

func BenchmarkString(b *testing.B) {
	s := strings.Repeat("Réunion \x1b[2J à 10h ", 20)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		String(s, 120)
	}
}
