package smtp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// peers is the public corpus of other tools' captures, next to the repo.
const peers = "../../../shared/corpus/peers"

type peerCred struct{ user, password string }
type peerAttachment struct {
	name string
	size int64
}

// TestPeerCaptures checks what public captures are known to hold (their
// puzzles' published answers, or the peers' expected results).
func TestPeerCaptures(t *testing.T) {
	if _, err := os.Stat(peers); err != nil {
		t.Skipf("peer corpus not found at %s: skipping the conformance captures", peers)
	}
	tests := []struct {
		name        string
		file        string
		creds       []peerCred
		subjects    []string
		from        []string // envelope senders
		to          []string // first envelope recipient of each message
		attachments []peerAttachment
		commands    string // verbs in order, when checked
	}{
		{name: "MarkofuEvidence02", file: "markofu-pcaps/derived/evidence02.pcap",
			creds:       []peerCred{{"sneakyg33k@aol.com", "558r00lz"}, {"sneakyg33k@aol.com", "558r00lz"}},
			subjects:    []string{"lunch next week", "rendezvous"},
			from:        []string{"sneakyg33k@aol.com", "sneakyg33k@aol.com"},
			to:          []string{"sec558@gmail.com", "mistersecretx@aol.com"},
			attachments: []peerAttachment{{"secretrendezvous.docx", 207438}}},
		{name: "CredSLayerSMTP", file: "CredSLayer/tests/samples/smtp.pcap",
			creds:       []peerCred{{"gurpartap@patriots.in", "punjab@123"}},
			from:        []string{"gurpartap@patriots.in"},
			to:          []string{"raj_deol2002in@yahoo.co.in"},
			attachments: []peerAttachment{{"NEWS.txt", 10807}}},
		{name: "MercuryMidStreamPipelined", file: "mercury/unit_tests/pcaps/smtp.pcap",
			subjects: []string{"Hello there!!!"}},
		{name: "ChrisSandersClient", file: "chrissanders-packets/mail_sender_client_1.pcapng",
			subjects: []string{"Help!"}, from: []string{"sanders@skynet.local"}, to: []string{"sanders@cyberdyne.local"},
			commands: "EHLO,MAIL,RCPT,DATA,QUIT"},
		{name: "ChrisSandersServerAndRelay", file: "chrissanders-packets/mail_sender_server_2.pcapng",
			subjects: []string{"Help!", "Help!"}, to: []string{"sanders@cyberdyne.local", "sanders@cyberdyne.local"}},
		{name: "ChrisSandersAttachment", file: "chrissanders-packets/mail_sender_attachment.pcapng",
			subjects: []string{"New Coworker"}, to: []string{"ppa@skynet.local"}, attachments: []peerAttachment{{"newguy.jpg", 55180}}},
		{name: "CounterHackChristmas", file: "markofu-pcaps/CounterHack/HackChallenge_Cmas2011.pcap",
			subjects: []string{"Christmas"}, from: []string{"root@grandma.gma"}, to: []string{"cousinmel@mail.gma"},
			attachments: []peerAttachment{{"LetterToMel.doc", 19456}}},
		{name: "PcapPlusPlusSingleAuthCommand", file: "PcapPlusPlus/derived/smtpCommand.pcap", commands: "AUTH"},
		{name: "PcapPlusPlusLoneBase64LineIsNoCommand", file: "PcapPlusPlus/derived/smtpUser.pcap", commands: ""},
		{name: "PcapPlusPlusMultiPacket", file: "PcapPlusPlus/Tests/Packet++Test/PacketExamples/Smtp.pcap"},
		{name: "PCredzMalformed", file: "PCredz/tests/smtp.pcap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(peers, tt.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s absent", path)
			}
			k := analyse(t, path)
			var creds []*record.Credential
			var msgs []*record.Message
			var verbs []string
			for _, r := range k.records {
				switch v := r.(type) {
				case *record.Credential:
					creds = append(creds, v)
				case *record.Message:
					msgs = append(msgs, v)
				case *record.Command:
					verbs = append(verbs, v.Verb)
				}
			}
			if len(creds) != len(tt.creds) {
				t.Errorf("%d credentials, want %d", len(creds), len(tt.creds))
			}
			for i := range min(len(creds), len(tt.creds)) {
				if creds[i].Username != tt.creds[i].user || creds[i].Password != tt.creds[i].password || creds[i].Accepted == nil || !*creds[i].Accepted {
					t.Errorf("credential %d = %+v, want %+v", i, creds[i], tt.creds[i])
				}
			}
			if tt.subjects != nil || tt.to != nil {
				n := max(len(tt.subjects), len(tt.to))
				if len(msgs) != n {
					t.Fatalf("%d messages, want %d", len(msgs), n)
				}
			}
			for i, m := range msgs {
				if i < len(tt.subjects) && m.Subject != tt.subjects[i] {
					t.Errorf("message %d subject = %q, want %q", i, m.Subject, tt.subjects[i])
				}
				if i < len(tt.from) && m.EnvelopeFrom != tt.from[i] {
					t.Errorf("message %d envelope_from = %q, want %q", i, m.EnvelopeFrom, tt.from[i])
				}
				if i < len(tt.to) && (len(m.EnvelopeTo) == 0 || m.EnvelopeTo[0] != tt.to[i]) {
					t.Errorf("message %d envelope_to = %q, want %q", i, m.EnvelopeTo, tt.to[i])
				}
				if m.Truncated {
					t.Errorf("message %d truncated: %v", i, m.Warnings)
				}
			}
			var atts []record.Attachment
			for _, m := range msgs {
				atts = append(atts, m.Attachments...)
			}
			for _, want := range tt.attachments {
				found := false
				for _, a := range atts {
					found = found || (a.Filename == want.name && a.Size == want.size)
				}
				if !found {
					t.Errorf("attachment %+v not among %+v", want, atts)
				}
			}
			if tt.commands != "" || strings.HasPrefix(tt.name, "PcapPlusPlusLone") {
				if got := strings.Join(verbs, ","); got != tt.commands {
					t.Errorf("commands = %q, want %q", got, tt.commands)
				}
			}
			golden(t, "peer-"+tt.name, path, k)
		})
	}
}
