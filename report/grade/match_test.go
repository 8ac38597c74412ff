package grade

import (
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// items builds a student's records from one capture file.
func items(recs ...record.Record) []*item {
	return recordItems("a.pcap", 0, recs, 0)
}

func cond(t *testing.T, yaml string) *Cond {
	t.Helper()
	r, err := ParseRubric("r.yaml", []byte("name: t\ncriteria:\n  - id: a\n    title: A\n    when:\n"+yaml))
	if err != nil {
		t.Fatal(err)
	}
	return r.Criteria[0].When
}

func TestConditions(t *testing.T) {
	sel := &record.Command{Session: "s1", Proto: "imap", Verb: "SELECT", Args: "INBOX", Status: "OK", Packet: 10}
	store := &record.Command{Session: "s1", Proto: "imap", Verb: "STORE", Args: `1 +FLAGS (\Deleted)`, Status: "OK", Packet: 12}
	expunge := &record.Command{Session: "s1", Proto: "imap", Verb: "EXPUNGE", Status: "OK", Packet: 14}
	mx := &record.DNS{Name: "grenoble-inp.org", Type: "MX", Packet: 3}
	gif := &record.Message{Proto: "smtp", Direction: "sent", Packet: 20, Subject: "Image",
		Attachments: []record.Attachment{{Filename: "a.txt", ContentType: "text/plain"}, {Filename: "cat.gif", ContentType: "image/gif"}}}
	stls := &record.StartTLS{Proto: "smtp", Requested: true, Accepted: true, TLSSeen: true, Packet: 30}
	cred := &record.Credential{Proto: "imap", Mechanism: "LOGIN", Username: "alice", Packet: 8}
	tests := []struct {
		name   string
		cond   string
		recs   []record.Record
		met    bool
		frames []int64
	}{
		{"field equals, case insensitive", "      kind: command\n      verb: select\n", []record.Record{sel}, true, []int64{10}},
		{"field differs", "      kind: command\n      verb: FETCH\n", []record.Record{sel}, false, nil},
		{"kind restricts", "      kind: session\n      proto: imap\n", []record.Record{sel}, false, nil},
		{"in list", "      kind: command\n      verb_in: [EXAMINE, SELECT]\n", []record.Record{sel}, true, []int64{10}},
		{"regexp", "      kind: command\n      args_match: \"(?i)^inbox$\"\n", []record.Record{sel}, true, []int64{10}},
		{"number compares as text", "      kind: command\n      packet: 10\n", []record.Record{sel}, true, []int64{10}},
		{"bool", "      kind: starttls\n      requested: true\n      tls_seen: true\n", []record.Record{stls}, true, []int64{30}},
		{"absent field reads as false", "      kind: credential\n      sasl: false\n", []record.Record{cred}, true, []int64{8}},
		{"null matches null", "      kind: credential\n      accepted: null\n", []record.Record{cred}, true, []int64{8}},
		{"absent field fails a regexp", "      kind: command\n      tag_match: \".\"\n", []record.Record{sel}, false, nil},
		{"dotted path into a list", "      kind: message\n      attachments.content_type: image/gif\n", []record.Record{gif}, true, []int64{20}},
		{"dotted path no element", "      kind: message\n      attachments.content_type: image/png\n", []record.Record{gif}, false, nil},
		{"count at least met", "      kind: command\n      proto: imap\n      count_at_least: 3\n", []record.Record{sel, store, expunge}, true, []int64{10, 12, 14}},
		{"count at least missed", "      kind: command\n      proto: imap\n      count_at_least: 4\n", []record.Record{sel, store, expunge}, false, []int64{10, 12, 14}},
		{"sequence in order", "      sequence:\n        - kind: command\n          verb: STORE\n          args_match: '\\\\Deleted'\n        - kind: command\n          verb: EXPUNGE\n", []record.Record{sel, store, expunge}, true, []int64{12, 14}},
		{"sequence out of order", "      sequence:\n        - kind: command\n          verb: STORE\n        - kind: command\n          verb: SELECT\n", []record.Record{sel, store, expunge}, false, nil},
		{"all met", "      all:\n        - kind: dns\n          type: MX\n        - kind: command\n          verb: SELECT\n", []record.Record{mx, sel}, true, []int64{3, 10}},
		{"all missed", "      all:\n        - kind: dns\n          type: MX\n        - kind: command\n          verb: LOGOUT\n", []record.Record{mx, sel}, false, nil},
		{"any met", "      any:\n        - kind: dns\n          type: A\n        - kind: command\n          verb: SELECT\n", []record.Record{mx, sel}, true, []int64{10}},
		{"any field of any kind", "      proto: imap\n      verb: STORE\n", []record.Record{mx, sel, store}, true, []int64{12}},
		{"file field", "      kind: dns\n      file: a.pcap\n", []record.Record{mx}, true, []int64{3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			met, ev := cond(t, tc.cond).eval(items(tc.recs...))
			if met != tc.met {
				t.Errorf("met = %v, want %v", met, tc.met)
			}
			var frames []int64
			for _, it := range ev {
				frames = append(frames, it.frame)
			}
			if tc.frames != nil || frames != nil {
				if len(frames) != len(tc.frames) {
					t.Fatalf("evidence frames %v, want %v", frames, tc.frames)
				}
				for i := range frames {
					if frames[i] != tc.frames[i] {
						t.Fatalf("evidence frames %v, want %v", frames, tc.frames)
					}
				}
			}
		})
	}
}

func TestSequenceStaysInOneFile(t *testing.T) {
	store := newItem("a.pcap", 0, &record.Command{Proto: "imap", Verb: "STORE", Packet: 5})
	expunge := newItem("b.pcap", 1, &record.Command{Proto: "imap", Verb: "EXPUNGE", Packet: 2})
	store.order, expunge.order = 0, 1
	c := cond(t, "      sequence:\n        - kind: command\n          verb: STORE\n        - kind: command\n          verb: EXPUNGE\n")
	if met, _ := c.eval([]*item{store, expunge}); met {
		t.Error("a sequence spanning two capture files was accepted")
	}
}

func TestSecretsNeverMatched(t *testing.T) {
	c := &record.Credential{Proto: "imap", Mechanism: "LOGIN", Username: "alice", Packet: 8}
	c.SetPassword("hunter2hunter2")
	c.Hash = "alice:abc:def"
	it := newItem("a.pcap", 0, c)
	for _, f := range []string{"password", "password_masked", "hash"} {
		if _, ok := it.fields[f]; ok {
			t.Errorf("field %s kept for matching", f)
		}
	}
	if it.fields["password_len"] != float64(14) {
		t.Errorf("password_len = %v", it.fields["password_len"])
	}
}

func TestSecretArgsHidden(t *testing.T) {
	tests := []struct{ verb, args, want string }{
		{"LOGIN", `alice "W***********2"`, "alice […]"},
		{"AUTHENTICATE", "PLAIN AGFsaWNl****", "PLAIN […]"},
		{"AUTH", "LOGIN", "LOGIN"},
		{"PASS", "********", " […]"},
		{"APOP", "alice 0123456789abcdef", "alice […]"},
		{"SELECT", "INBOX", "INBOX"},
	}
	for _, tc := range tests {
		c := &record.Command{Proto: "imap", Verb: tc.verb, Args: tc.args, Packet: 4}
		it := newItem("a.pcap", 0, c)
		if got := it.fields["args"]; got != strings.TrimSpace(tc.want) {
			t.Errorf("%s %s: args %q, want %q", tc.verb, tc.args, got, strings.TrimSpace(tc.want))
		}
		if strings.Contains(it.what, "*") {
			t.Errorf("%s: description %q shows a masked secret", tc.verb, it.what)
		}
		if c.Args != tc.args {
			t.Errorf("the record itself was changed")
		}
	}
}
