package conformance

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// capturesDir holds the project's captures made with real servers and
// clients (captures/README.md).
const capturesDir = "../../captures"

// aggregator separates the occurrences of one field in a frame (several
// pipelined commands in one segment); it never appears in mail commands.
const aggregator = "\x1f"

// tsharkFields are printed for every mail request frame, in this order.
var tsharkFields = []string{
	"frame.number", "frame.interface_id",
	"smtp.req.command", "smtp.auth.username", "smtp.auth.password", "smtp.auth.username_password",
	"imap.request_tag", "imap.request.command", "imap.request.username", "imap.request.password",
	"pop.request.command", "pop.request.parameter", "imap.request.command.uid",
}

// tsharkView is what tshark sees in a capture.
type tsharkView struct {
	conversations []string // "a:p <-> b:p", endpoints sorted
	commands      []observed
	creds         []observed
}

// observed is one command or credential, as tshark or mailwire saw it.
type observed struct {
	proto string
	frame int64  // 0 for credentials: tshark has no frame for a pair
	what  string // verb, or "user/password"
}

func (o observed) String() string {
	if o.frame == 0 {
		return o.proto + " " + o.what
	}
	return fmt.Sprintf("%s %s at frame %d", o.proto, o.what, o.frame)
}

// addRequest reads one frame's fields.
func (v *tsharkView) addRequest(t *testing.T, f []string, offset int64) {
	if len(f) != len(tsharkFields) {
		t.Fatalf("tshark printed %d fields, want %d: %q", len(f), len(tsharkFields), f)
	}
	frame, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		t.Fatalf("tshark frame number %q", f[0])
	}
	frame -= offset
	field := func(i int) []string {
		if f[i] == "" {
			return nil
		}
		return strings.Split(f[i], aggregator)
	}
	for _, verb := range field(2) {
		verb = strings.ToUpper(verb)
		// tshark 4.0 keeps the first four letters of an SMTP command as
		// its verb (the rest goes to the parameter); STARTTLS is the only
		// command that begins with STAR.
		if verb == "STAR" {
			verb = "STARTTLS"
		}
		v.commands = append(v.commands, observed{"smtp", frame, verb})
	}
	// tshark names "UID FETCH" FETCH and flags it in its own field.
	uid := len(field(12)) > 0
	for _, verb := range field(7) {
		if uid {
			verb = "UID " + verb
		}
		v.commands = append(v.commands, observed{"imap", frame, strings.ToUpper(verb)})
	}
	for _, verb := range field(10) {
		v.commands = append(v.commands, observed{"pop3", frame, strings.ToUpper(verb)})
	}
	v.addSMTPAuth(field(3), field(4), field(5))
	users, passwords := field(8), field(9)
	for i := range users {
		if i < len(passwords) {
			v.creds = append(v.creds, observed{proto: "imap", what: users[i] + "/" + passwords[i]})
		}
	}
	v.addPOPUser(field(10), field(11))
}

// addSMTPAuth: tshark shows the base64 of AUTH LOGIN's username and password
// lines and of AUTH PLAIN's message without decoding them; they are decoded
// here to compare with mailwire.
func (v *tsharkView) addSMTPAuth(users, passwords, plain []string) {
	for _, u := range users {
		v.creds = append(v.creds, observed{proto: "smtp", what: unbase64(u) + "/"})
	}
	for _, p := range passwords {
		// The password line follows the username line: complete the last
		// credential, as tshark's credentials tap pairs them.
		for i := len(v.creds) - 1; i >= 0; i-- {
			if v.creds[i].proto == "smtp" && strings.HasSuffix(v.creds[i].what, "/") {
				v.creds[i].what += unbase64(p)
				break
			}
		}
	}
	for _, b := range plain {
		parts := strings.Split(unbase64(b), "\x00")
		if len(parts) == 3 {
			v.creds = append(v.creds, observed{proto: "smtp", what: parts[1] + "/" + parts[2]})
		}
	}
}

// addPOPUser: USER opens a credential that the next PASS completes.
func (v *tsharkView) addPOPUser(verbs, params []string) {
	for i, verb := range verbs {
		param := ""
		if i < len(params) {
			param = params[i]
		}
		switch strings.ToUpper(verb) {
		case "USER":
			v.creds = append(v.creds, observed{proto: "pop3", what: param + "/"})
		case "PASS":
			for j := len(v.creds) - 1; j >= 0; j-- {
				if v.creds[j].proto == "pop3" && strings.HasSuffix(v.creds[j].what, "/") {
					v.creds[j].what += param
					break
				}
			}
		}
	}
}

func unbase64(s string) string {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return "(not base64: " + s + ")"
	}
	return string(b)
}

// pair writes a conversation with its endpoints in a fixed order, IPv6
// addresses without brackets as tshark's conversation table shows them.
func pair(a, b string) string {
	unbracket := strings.NewReplacer("[", "", "]", "")
	a, b = unbracket.Replace(a), unbracket.Replace(b)
	if b < a {
		a, b = b, a
	}
	return a + " <-> " + b
}

// mailwireView is the same view built from mailwire's records.
func mailwireView(a *analysis) *tsharkView {
	v := &tsharkView{}
	for _, s := range a.sessions {
		v.conversations = append(v.conversations, pair(s.Client, s.Server))
	}
	for _, c := range a.commands {
		v.commands = append(v.commands, observed{string(c.Proto), c.Packet, c.Verb})
	}
	for _, c := range a.creds {
		v.creds = append(v.creds, observed{proto: string(c.Proto), what: c.Username + "/" + c.Password})
	}
	return v
}

// difference between the two views: which side saw it only.
type crossDiff struct {
	kind string // session, command, credential
	only string // tshark or mailwire
	obs  string
}

func (d crossDiff) String() string { return d.kind + " seen by " + d.only + " only: " + d.obs }

func compareViews(tv, mv *tsharkView) []crossDiff {
	var diffs []crossDiff
	add := func(kind string, t, m []string) {
		for _, x := range missing(t, m) {
			diffs = append(diffs, crossDiff{kind, "tshark", x})
		}
		for _, x := range missing(m, t) {
			diffs = append(diffs, crossDiff{kind, "mailwire", x})
		}
	}
	add("session", tv.conversations, mv.conversations)
	add("command", strs(tv.commands), strs(mv.commands))
	add("credential", strs(tv.creds), strs(mv.creds))
	return diffs
}

func strs(list []observed) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o.String()
	}
	return out
}

// missing lists what a holds that b lacks, counting repeats.
func missing(a, b []string) []string {
	left := map[string]int{}
	for _, x := range b {
		left[x]++
	}
	var out []string
	for _, x := range a {
		if left[x] > 0 {
			left[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

// tsharkDifference is a known disagreement between tshark and mailwire,
// where tshark is wrong or blind.
type tsharkDifference struct {
	capture string // base name of the capture
	diff    string // crossDiff.String() pattern: a regular expression
	reason  string
}

// TestCrossCheckTshark compares, capture by capture, the TCP conversations,
// the commands (verb and frame of the first byte) and the credentials that
// tshark and mailwire see. Every difference must be listed in
// tsharkDifferences with its reason.
func TestCrossCheckTshark(t *testing.T) {
	tshark, mergecap := tools(t)
	var caps []*capture
	for _, pattern := range []string{"*.pcap", "*.pcapng", "*.pcap.gz"} {
		paths, _ := filepath.Glob(filepath.Join(capturesDir, pattern))
		for _, p := range paths {
			caps = append(caps, &capture{name: filepath.Base(p), path: p, a: analyse(t, p)})
		}
	}
	if len(caps) == 0 {
		t.Fatalf("no captures in %s", capturesDir)
	}
	used := make([]atomic.Bool, len(tsharkDifferences))
	t.Cleanup(func() {
		for i, k := range tsharkDifferences {
			if !used[i].Load() {
				t.Logf("known difference no longer seen (captures regenerated?): %s %s", k.capture, k.diff)
			}
		}
	})
	for i, group := range groups(caps) {
		t.Run(fmt.Sprintf("tshark-run-%d", i+1), func(t *testing.T) {
			t.Parallel()
			views := readGroup(t, tshark, mergecap, group)
			for j, c := range group {
				t.Run(c.name, func(t *testing.T) {
					for _, d := range compareViews(views[j], mailwireView(c.a)) {
						k := knownTsharkDifference(c.name, d)
						if k < 0 {
							t.Errorf("%s", d)
							continue
						}
						used[k].Store(true)
					}
				})
			}
		})
	}
}

// knownTsharkDifference returns the index of the entry that explains d, or -1.
func knownTsharkDifference(capture string, d crossDiff) int {
	for i, k := range tsharkDifferences {
		if k.capture == capture && regexp.MustCompile(k.diff).MatchString(d.String()) {
			return i
		}
	}
	return -1
}

// TestCompareViewsFindsEachDifference guards the comparison itself.
func TestCompareViewsFindsEachDifference(t *testing.T) {
	base := func() *tsharkView {
		return &tsharkView{
			conversations: []string{pair("127.0.0.1:40000", "127.0.0.1:25")},
			commands:      []observed{{"smtp", 6, "EHLO"}, {"smtp", 9, "MAIL"}, {"smtp", 9, "RCPT"}},
			creds:         []observed{{proto: "smtp", what: "alice/Wonderland!42"}},
		}
	}
	tests := []struct {
		name   string
		change func(v *tsharkView)
		want   string
	}{
		{"same", func(*tsharkView) {}, ""},
		{"command at another frame", func(v *tsharkView) { v.commands[0].frame = 7 },
			"command seen by tshark only: smtp EHLO at frame 6; command seen by mailwire only: smtp EHLO at frame 7"},
		{"one of two commands in a frame missing", func(v *tsharkView) { v.commands = v.commands[:2] },
			"command seen by tshark only: smtp RCPT at frame 9"},
		{"other password", func(v *tsharkView) { v.creds[0].what = "alice/Wonderland!4" },
			"credential seen by tshark only: smtp alice/Wonderland!42; credential seen by mailwire only: smtp alice/Wonderland!4"},
		{"extra session", func(v *tsharkView) { v.conversations = append(v.conversations, pair("[::1]:143", "[::1]:40340")) },
			"session seen by mailwire only: ::1:143 <-> ::1:40340"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.change(m)
			var got []string
			for _, d := range compareViews(base(), m) {
				got = append(got, d.String())
			}
			if s := strings.Join(got, "; "); s != tt.want {
				t.Errorf("got  %q\nwant %q", s, tt.want)
			}
		})
	}
}
