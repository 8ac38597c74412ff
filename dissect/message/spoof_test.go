package message

import (
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestSpoofFindings(t *testing.T) {
	cases := []struct {
		name string
		msg  record.Message
		want []string // check:severity, in order
	}{
		{"SameSenderEverywhereIsClean", record.Message{From: "Alice <alice@lab.fr>", EnvelopeFrom: "alice@lab.fr", AuthUser: "alice@lab.fr"}, nil},
		{"EnvelopeOtherDomainIsHigh", record.Message{From: "boss@bank.com", EnvelopeFrom: "x@evil.net"}, []string{"envelope:high"}},
		{"EnvelopeSameDomainOtherUserIsMedium", record.Message{From: "boss@lab.fr", EnvelopeFrom: "student@lab.fr"}, []string{"envelope:medium"}},
		{"EnvelopeCaseIgnored", record.Message{From: "Alice@Lab.FR", EnvelopeFrom: "<alice@lab.fr>"}, nil},
		{"NullEnvelopeSenderNotCompared", record.Message{From: "a@lab.fr", EnvelopeFrom: "<>"}, nil},
		{"AuthUserOtherDomainIsHigh", record.Message{From: "president@elysee.fr", EnvelopeFrom: "president@elysee.fr", AuthUser: "jdupont@ensimag.fr"}, []string{"auth_user:high"}},
		{"BareLoginDifferentFromLocalPartIsLow", record.Message{From: "jean.dupont@lab.fr", AuthUser: "jdupont"}, []string{"auth_user:low"}},
		{"BareLoginSameAsLocalPartIsClean", record.Message{From: "jdupont@lab.fr", AuthUser: "jdupont"}, nil},
		{"DisplayNameHoldingAnotherAddressIsMedium", record.Message{From: "boss@bank.com <x@evil.net>", EnvelopeFrom: "x@evil.net"}, []string{"display_name:medium"}},
		{"DisplayNameHoldingTheSameAddressIsClean", record.Message{From: "a@lab.fr <a@lab.fr>"}, nil},
		{"ReplyToElsewhereIsInfo", record.Message{From: "a@lab.fr", ReplyTo: "Support <help@other.org>"}, []string{"reply_to:info"}},
		{"ReturnPathUsedWhenNoEnvelope", record.Message{From: "a@bank.com", ReturnPath: "bounce@evil.net"}, []string{"return_path:medium"}},
		{"ReturnPathIgnoredWhenEnvelopeKnown", record.Message{From: "a@bank.com", ReturnPath: "bounce@evil.net", EnvelopeFrom: "a@bank.com"}, nil},
		{"ReaderLoginNotComparedOnFetchedMessages", record.Message{Direction: "fetched", From: "boss@bank.com", AuthUser: "alice@lab.fr"}, nil},
		{"NoFromNoFinding", record.Message{EnvelopeFrom: "a@b.c"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.msg.Session, c.msg.Packet, c.msg.EndPacket = "s3", 40, 52
			fs := SpoofFindings(&c.msg)
			var got []string
			for _, f := range fs {
				got = append(got, f.Args["check"]+":"+string(f.Severity))
				if f.ID != "spoofed-sender" || f.Session != "s3" || f.Packet != 40 || len(f.Frames) != 2 || f.Lab != "1.2.5" {
					t.Errorf("finding identity = %+v", f)
				}
				if f.Title == "" || !strings.Contains(f.Detail, "SMTP never checks") || f.Args["from"] != c.msg.From {
					t.Errorf("finding text = %q / %q / %v", f.Title, f.Detail, f.Args)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("findings = %v, want %v", got, c.want)
			}
		})
	}
}

func TestTypeFindings(t *testing.T) {
	cases := []struct {
		name    string
		att     record.Attachment
		wantSev string // "" for no finding
	}{
		{"GIFThatIsAGIF", record.Attachment{Filename: "a.gif", ContentType: "image/gif", SniffedType: "image/gif"}, ""},
		{"GIFThatIsText", record.Attachment{Filename: "a.gif", ContentType: "image/gif", SniffedType: "text/plain"}, "medium"},
		{"OctetStreamNamedGIFThatIsText", record.Attachment{Filename: "a.gif", ContentType: "application/octet-stream", SniffedType: "text/plain"}, "medium"},
		{"PDFThatIsAnExecutable", record.Attachment{Filename: "facture.pdf", ContentType: "application/pdf", SniffedType: "application/x-msdownload"}, "high"},
		{"ExecutableDeclaredAsSuch", record.Attachment{Filename: "setup.exe", ContentType: "application/octet-stream", SniffedType: "application/x-msdownload"}, ""},
		{"TextFileNotChecked", record.Attachment{Filename: "notes.txt", ContentType: "text/plain", SniffedType: "application/octet-stream"}, ""},
		{"JPGAliasAccepted", record.Attachment{Filename: "p.jpg", ContentType: "image/jpg", SniffedType: "image/jpeg"}, ""},
		{"DocxIsAZip", record.Attachment{Filename: "r.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", SniffedType: "application/zip"}, ""},
		{"EmptyAttachmentNotSniffed", record.Attachment{Filename: "a.gif", ContentType: "image/gif"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &record.Message{Session: "s1", Packet: 7, Attachments: []record.Attachment{c.att}}
			fs := TypeFindings(m)
			if c.wantSev == "" {
				if len(fs) != 0 {
					t.Errorf("findings = %+v, want none", fs[0])
				}
				return
			}
			if len(fs) != 1 || string(fs[0].Severity) != c.wantSev || fs[0].ID != "attachment-type-mismatch" || fs[0].Args["filename"] != c.att.Filename || fs[0].Session != "s1" {
				t.Errorf("findings = %+v, want one %s", fs, c.wantSev)
			}
		})
	}
}
