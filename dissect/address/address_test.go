package address

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseList(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string // Address.String() of each
		err         bool
	}{
		{"empty", "  ", nil, false},
		{"bare", "a@b.example", []string{"a@b.example"}, false},
		{"angle only", "<a@b.example>", []string{"a@b.example"}, false},
		{"display name", "James Bond <jb@mi6.example>", []string{"James Bond <jb@mi6.example>"}, false},
		{"quoted name with comma", `"Bond, James" <jb@mi6.example>`, []string{"Bond, James <jb@mi6.example>"}, false},
		{"quoted name with an address", `"boss@bank.example" <x@evil.example>`, []string{"boss@bank.example <x@evil.example>"}, false},
		{"comment name", "a@b.example (Alice)", []string{"Alice <a@b.example>"}, false},
		{"rfc 2047 utf-8", "=?utf-8?q?L=C3=A9a_Moreau?= <lea@ecole.example>", []string{"Léa Moreau <lea@ecole.example>"}, false},
		{"rfc 2047 latin-1", "=?iso-8859-1?q?L=E9a?= <lea@ecole.example>", []string{"Léa <lea@ecole.example>"}, false},
		{"rfc 2047 base64", "=?UTF-8?B?w4lsb2RpZQ==?= <e@x.example>", []string{"Élodie <e@x.example>"}, false},
		{"quoted local part", `"john doe"@example.com`, []string{"john doe@example.com"}, false},
		{"quoted local part with @", `"a@b"@c.example`, []string{"a@b@c.example"}, false},
		{"idn", "Jörg <jörg@bücher.example>", []string{"Jörg <jörg@bücher.example>"}, false},
		{"list", "a@b.example, Carol <c@d.example>", []string{"a@b.example", "Carol <c@d.example>"}, false},
		{"group", "Team: a@b.example, c@d.example;", []string{"a@b.example", "c@d.example"}, false},
		{"empty group", "undisclosed-recipients:;", []string{}, false},
		{"null path is no header address", "<>", nil, true},
		{"unquoted comma in name", "Bond, James <jb@x.example>", nil, true},
		{"unquoted address as name", "boss@bank.example <x@evil.example>", nil, true},
		{"garbage", "@@@", nil, true},
		{"unknown charset", "=?x-unknown?q?abc?= <a@b.example>", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := ParseList(tt.value)
			if (err != nil) != tt.err {
				t.Fatalf("ParseList(%q) error = %v, want error %v", tt.value, err, tt.err)
			}
			var got []string
			for _, a := range list {
				got = append(got, a.String())
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("ParseList(%q) = %q, want %q", tt.value, got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, name, addr string
	}{
		{"", "", ""},
		{"<>", "", ""},
		{" <> ", "", ""},
		{"a@b.example", "", "a@b.example"},
		{"<a@b.example>", "", "a@b.example"},
		{"  < a@b.example >  ", "", "a@b.example"},
		{"James Bond <JB@MI6.example>", "James Bond", "JB@MI6.example"},
		{`"Bond, James" <jb@mi6.example>`, "Bond, James", "jb@mi6.example"},
		// A record's text: the name is decoded and not quoted again.
		{"Bond, James <jb@mi6.example>", "Bond, James", "jb@mi6.example"},
		{"boss@bank.example <x@evil.example>", "boss@bank.example", "x@evil.example"},
		{"Léa Moreau <lea@ecole.example>", "Léa Moreau", "lea@ecole.example"},
		{"=?utf-8?q?L=C3=A9a?= <lea@ecole.example>", "Léa", "lea@ecole.example"},
		{"=?x-unknown?q?abc?= <a@b.example>", "=?x-unknown?q?abc?=", "a@b.example"},
		{`"john doe"@example.com`, "", "john doe@example.com"},
		{"jörg@bücher.example", "", "jörg@bücher.example"},
		{"<@relay.example:a@b.example>", "", "a@b.example"},
		{"postmaster", "", "postmaster"},
		{"a@[192.0.2.1]", "", "a@[192.0.2.1]"},
		{"a@b.example, c@d.example", "", ""},
		{"undisclosed-recipients:;", "", ""},
		{"two words", "", ""},
		{"a\x00@b.example", "", ""},
		{"x <a@b c>", "x", "a@b"},
		{"name <", "name", ""},
	}
	for _, tt := range tests {
		got := Parse(tt.in)
		if got.Name != tt.name || got.Addr != tt.addr {
			t.Errorf("Parse(%q) = {%q, %q}, want {%q, %q}", tt.in, got.Name, got.Addr, tt.name, tt.addr)
		}
	}
}

func TestPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<a@b.example>", "a@b.example"},
		{"<a@b.example> SIZE=1000 BODY=8BITMIME", "a@b.example"},
		{" <a@b.example>", "a@b.example"},
		{"\t<a@b.example>", "a@b.example"},
		{"< a@b.example >", "a@b.example"},
		{"<>", ""},
		{"<> SIZE=10", ""},
		{"a@b.example", "a@b.example"},
		{"a@b.example SIZE=10", "a@b.example"},
		{"<@r1.example,@r2.example:a@b.example>", "a@b.example"},
		{`<"john doe"@x.example> SIZE=1`, `"john doe"@x.example`},
		{`<"a>b"@x.example>`, `"a>b"@x.example`},
		{`<"a\"b"@x.example>`, `"a\"b"@x.example`},
		{`"john doe"@x.example SIZE=1`, `"john doe"@x.example`},
		{"<a@b.example SIZE=1", "a@b.example"},
		{"<a@b.example c>", "a@b.example"},
		{"<postmaster>", "postmaster"},
		{"<jörg@bücher.example>", "jörg@bücher.example"},
		{"", ""},
		{"<", ""},
		{`"unterminated`, `"unterminated`},
	}
	for _, tt := range tests {
		if got := Path(tt.in); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLocalDomain(t *testing.T) {
	tests := []struct{ in, local, domain string }{
		{"a@B.Example", "a", "b.example"},
		{"Lea.Moreau@ecole.example", "Lea.Moreau", "ecole.example"},
		{`"a@b"@c.example`, `"a@b"`, "c.example"},
		{"jörg@bücher.example", "jörg", "bücher.example"},
		{"postmaster", "postmaster", ""},
		{"", "", ""},
		{"a@", "a", ""},
	}
	for _, tt := range tests {
		if got := Local(tt.in); got != tt.local {
			t.Errorf("Local(%q) = %q, want %q", tt.in, got, tt.local)
		}
		if got := Domain(tt.in); got != tt.domain {
			t.Errorf("Domain(%q) = %q, want %q", tt.in, got, tt.domain)
		}
	}
}

func TestFind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"James Bond", ""},
		{"boss@bank.example", "boss@bank.example"},
		{`"PayPal (service@paypal.example)"`, "service@paypal.example"},
		{"Support <help@desk.example>", "help@desk.example"},
		{"user@localhost", ""},
		{"@example.com", ""},
		{"a@", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Find(tt.in); got != tt.want {
			t.Errorf("Find(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzAddress feeds the same bytes to every reader: none may panic, and
// what they return must come from the input.
func FuzzAddress(f *testing.F) {
	for _, s := range []string{"James Bond <jb@mi6.example>", `"Bond, James" <jb@x>`, "<>",
		"<@r:a@b> SIZE=1", `<"a b"@c>`, "=?utf-8?q?L=C3=A9a?= <l@e>", "a@b, c@d", "g:;", "<", `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Path(s)
		if !strings.Contains(s, p) {
			t.Fatalf("Path(%q) = %q, not from the input", s, p)
		}
		if d := Domain(s); strings.Contains(d, "@") {
			t.Fatalf("Domain(%q) = %q holds an @", s, d)
		}
		if l := Local(s); !strings.HasPrefix(s, l) {
			t.Fatalf("Local(%q) = %q, not a prefix", s, l)
		}
		if w := Find(s); !strings.Contains(s, w) || (w != "" && !strings.Contains(w, "@")) {
			t.Fatalf("Find(%q) = %q", s, w)
		}
		a := Parse(s)
		if a.Addr != "" && utf8.ValidString(s) && !utf8.ValidString(a.Addr) {
			t.Fatalf("Parse(%q) = %q, invalid UTF-8", s, a.Addr)
		}
		list, err := ParseList(s)
		if err == nil && len(list) > len(s) {
			t.Fatalf("ParseList(%q) gave %d addresses", s, len(list))
		}
	})
}
