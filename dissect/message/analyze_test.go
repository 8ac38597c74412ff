package message

import (
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"io"
	"strings"
	"testing"
)

// crlf turns a readable fixture with \n line ends into wire form.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func TestHeaders(t *testing.T) {
	cases := []struct {
		name, raw string
		field     func(m *messageView) string
		want      string
	}{
		{name: "SubjectEncodedWordUTF8B", raw: "Subject: =?UTF-8?B?w6l0w6k=?=\n\n", field: subject, want: "été"},
		{name: "SubjectEncodedWordISO88591Q", raw: "Subject: =?ISO-8859-1?Q?caf=E9_cr=E8me?=\n\n", field: subject, want: "café crème"},
		{name: "SubjectAdjacentEncodedWordsJoined", raw: "Subject: =?UTF-8?Q?a?= =?UTF-8?Q?b?=\n\n", field: subject, want: "ab"},
		{name: "SubjectFoldedOverTwoLines", raw: "Subject: hello\n world\n\n", field: subject, want: "hello world"},
		{name: "SubjectUnknownCharsetKeptRaw", raw: "Subject: =?x-unknown?Q?abc?=\n\n", field: subject, want: "=?x-unknown?Q?abc?="},
		{name: "SubjectControlCharactersReplaced", raw: "Subject: a\x1b[31mb\n\n", field: subject, want: "a [31mb"},
		{name: "SubjectRaw8bitReadAsWindows1252", raw: "Subject: caf\xe9 \x80\n\n", field: subject, want: "café €"},
		{name: "SubjectRawUTF8Kept", raw: "Subject: caf\xc3\xa9\n\n", field: subject, want: "café"},
		{name: "FromRaw8bitDisplayName", raw: "From: Andr\xe9 <andre@example.org>\n\n", field: from, want: "André <andre@example.org>"},
		{name: "FromEncodedDisplayName", raw: "From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>\n\n", field: from, want: "André <andre@example.org>"},
		{name: "FromBareAddress", raw: "From: bob@example.com\n\n", field: from, want: "bob@example.com"},
		{name: "FromUnparsableKeptAsText", raw: "From: not an address\n\n", field: from, want: "not an address"},
		{name: "ToListAndRepeatedField", raw: "To: a@x.org, \"B\" <b@x.org>\nTo: c@x.org\n\n", field: to, want: "a@x.org|B <b@x.org>|c@x.org"},
		{name: "ToEmptyGroupIsEmptyList", raw: "To: undisclosed-recipients:;\n\n", field: to, want: ""},
		{name: "ToAbsentIsEmptyList", raw: "Subject: x\n\n", field: to, want: ""},
		{name: "ReturnPathBracketsRemoved", raw: "Return-Path: <bounce@x.org>\n\n", field: func(m *messageView) string { return m.ReturnPath }, want: "bounce@x.org"},
		{name: "UserAgentFromXMailer", raw: "X-Mailer: Zimbra 9.0\n\n", field: func(m *messageView) string { return m.UserAgent }, want: "Zimbra 9.0"},
		{name: "ReceivedChainInOrderUnfolded", raw: "Received: from a\n  by b; Fri\nReceived: from c by d\n\n", field: func(m *messageView) string { return strings.Join(m.Received, "|") }, want: "from a by b; Fri|from c by d"},
		{name: "MalformedHeaderLineSkippedLaterFieldsKept", raw: "Subject: s\nthis line has no colon\nFrom: a@b.c\n\n", field: func(m *messageView) string { return m.From + "|" + m.Subject }, want: "a@b.c|s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &messageView{Analyze(crlf(c.raw), Options{})}
			if got := c.field(m); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if m.To == nil {
				t.Error("To is nil, want an empty list")
			}
		})
	}
}

func TestMalformedHeaderLineIsAWarning(t *testing.T) {
	m := Analyze(crlf("Subject: s\nbroken\n\nbody\n"), Options{})
	if len(m.Warnings) != 1 || !strings.Contains(recordtest.Texts(m.Warnings)[0], "malformed header line") {
		t.Errorf("warnings = %q", m.Warnings)
	}
}

func TestBrokenHeaderLayouts(t *testing.T) {
	cases := []struct{ name, raw, preview, mime, warning string }{
		{"NoHeaderAtAllIsBody", "This is a test\nsecond line\n", "This is a test second line", "text/plain", "no header before the text"},
		{"UnindentedParameterLineJoined", "Content-Type: text/html;\ncharset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n", "hi", "text/html", "without indentation joined"},
		{"MboxSeparatorSkipped", "From alice@lab.fr Fri Nov 27 10:00:00 2026\nSubject: s\n\nbody\n", "body", "text/plain", "mbox separator line skipped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Analyze(crlf(c.raw), Options{})
			if m.BodyPreview != c.preview || strings.Join(m.MIME, "|") != c.mime {
				t.Errorf("preview %q mime %q, want %q %q", m.BodyPreview, m.MIME, c.preview, c.mime)
			}
			if len(m.Warnings) != 1 || !strings.Contains(recordtest.Texts(m.Warnings)[0], c.warning) {
				t.Errorf("warnings = %q, want one with %q", m.Warnings, c.warning)
			}
		})
	}
}

func TestAttachmentFilenames(t *testing.T) {
	part := func(headers string) string {
		return "Content-Type: multipart/mixed; boundary=b\n\n--b\n" + headers + "\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n--b--\n"
	}
	cases := []struct{ name, headers, want string }{
		{"RFC2231UTF8", "Content-Type: image/gif\nContent-Disposition: attachment; filename*=UTF-8''%C3%A9t%C3%A9.gif", "été.gif"},
		{"RFC2231ISO88591", "Content-Type: image/gif\nContent-Disposition: attachment; filename*=iso-8859-1'fr'caf%E9.gif", "café.gif"},
		{"RFC2231Continuations", "Content-Type: image/gif\nContent-Disposition: attachment;\n filename*0=\"un-tres-long-\";\n filename*1=\"nom.gif\"", "un-tres-long-nom.gif"},
		{"RFC2231EncodedContinuations", "Content-Type: image/gif\nContent-Disposition: attachment;\n filename*0*=UTF-8''%C3%A9;\n filename*1*=%C3%A9.gif", "éé.gif"},
		{"RFC2047InQuotedFilename", "Content-Type: image/gif\nContent-Disposition: attachment; filename=\"=?UTF-8?Q?=C3=A9t=C3=A9.gif?=\"", "été.gif"},
		{"NameParameterOfContentType", "Content-Type: image/gif; name=\"photo.gif\"", "photo.gif"},
		{"MalformedParameterListStillGivesFilename", "Content-Type: image/gif\nContent-Disposition: attachment; filename=a b.gif; size=", "a b.gif"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Analyze(crlf(part(c.headers)), Options{})
			if len(m.Attachments) != 1 {
				t.Fatalf("attachments = %+v", m.Attachments)
			}
			if got := m.Attachments[0].Filename; got != c.want {
				t.Errorf("filename = %q, want %q", got, c.want)
			}
		})
	}
}

func TestTransferEncodings(t *testing.T) {
	// "hello, world" hashed by sha256sum.
	const helloSHA = "09ca7e4eaa6e8ae9c7d261167129184883644d07dfba7cbfbc4c8a2e08360d5b"
	cases := []struct{ name, cte, body string }{
		{"Base64", "base64", "aGVsbG8s\nIHdvcmxk\n"},
		{"Base64MissingPadding", "base64", "aGVsbG8sIHdvcmxk"},
		{"Base64WithStraySpaces", "base64", " aGVs bG8s\tIHdv cmxk \n"},
		{"QuotedPrintable", "quoted-printable", "hello,=20=\nworld"},
		{"SevenBit", "7bit", "hello, world"},
		{"QuotedPrintableSoftBreakWithTrailingSpace", "quoted-printable", "hello,=20=  \t\nworld"},
		{"UpperCaseName", "BASE64", "aGVsbG8sIHdvcmxk"},
		{"Base64ConcatenatedChunks", "base64", "aGVsbG8=\nLCB3b3JsZA=="},
		{"Base64PaddingOnItsOwnLine", "base64", "aGVsbG8sIHdvcmxk\n==\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream; name=h.bin\nContent-Transfer-Encoding: " + c.cte + "\n\n" + c.body + "\n--b--\n"
			m := Analyze(crlf(raw), Options{})
			if len(m.Attachments) != 1 {
				t.Fatalf("attachments = %+v", m.Attachments)
			}
			a := m.Attachments[0]
			if a.Size != 12 || a.SHA256 != helloSHA {
				t.Errorf("size %d sha256 %s, want 12 %s (warnings %q)", a.Size, a.SHA256, helloSHA, m.Warnings)
			}
		})
	}
}

func TestQuotedPrintableLeniency(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"InvalidEscapeKept", "a=ZZb", "a=ZZb"},
		{"LowerCaseHex", "caf=e9", "caf\xe9"},
		{"EqualsAtEnd", "abc=", "abc"},
		{"HardBreakIsCRLF", "a\nb", "a\r\nb"},
		{"SoftBreakJoins", "a=\r\nb", "ab"},
		{"TrailingWhiteSpaceDropped", "a  \r\nb\t", "a\r\nb"},
		{"LoneEqualsBeforeEnd", "a=4", "a=4"},
		{"LongLineChunkedWithoutSplittingEscapes", strings.Repeat("=41", 3000), strings.Repeat("A", 3000)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := io.ReadAll(newQPReader([]byte(c.in)))
			if err != nil || string(b) != c.want {
				t.Errorf("got %q (%v), want %q", b, err, c.want)
			}
		})
	}
}

func TestMissingFinalBoundaryKeepsPartsAndWarns(t *testing.T) {
	raw := "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: image/gif; name=x.gif\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n"
	m := Analyze(crlf(raw), Options{})
	if len(m.Attachments) != 1 || m.Attachments[0].Size != 6 {
		t.Errorf("attachments = %+v", m.Attachments)
	}
	if m.BodyPreview != "hi" {
		t.Errorf("preview = %q", m.BodyPreview)
	}
	if len(m.Warnings) != 1 || !strings.Contains(recordtest.Texts(m.Warnings)[0], "missing final boundary") {
		t.Errorf("warnings = %q", m.Warnings)
	}
}

func TestMIMETree(t *testing.T) {
	cases := []struct{ name, raw, want string }{
		{"NestedAlternativeInMixed",
			"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/alternative; boundary=i\n\n--i\nContent-Type: text/plain\n\nt\n--i\nContent-Type: text/html\n\n<p>h</p>\n--i--\n--o\nContent-Type: image/png; name=a.png\n\nx\n--o--\n",
			"multipart/mixed|  multipart/alternative|    text/plain|    text/html|  image/png"},
		{"EmbeddedMessageWalked",
			"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n\nSubject: inner\nContent-Type: text/plain\n\ninner body\n--o--\n",
			"multipart/mixed|  message/rfc822|    text/plain"},
		{"DigestPartsDefaultToMessage",
			"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nbody\n--d--\n",
			"multipart/digest|  message/rfc822|    text/plain"},
		{"NoContentTypeIsTextPlain", "Subject: x\n\nbody\n", "text/plain"},
		{"BoundaryPrefixOfLongerLineIgnored",
			"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n--bx not a boundary\n--b--\n",
			"multipart/mixed|  text/plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Analyze(crlf(c.raw), Options{})
			if got := strings.Join(m.MIME, "|"); got != c.want {
				t.Errorf("mime = %q, want %q", got, c.want)
			}
		})
	}
}

func TestBodyPreview(t *testing.T) {
	cases := []struct{ name, raw, want string }{
		{"PlainTextWhitespaceCollapsed", "Content-Type: text/plain\n\nBonjour,\n\n  a   demain\n", "Bonjour, a demain"},
		{"ISO88591QuotedPrintable", "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nd=E9j=E0\n", "déjà"},
		{"HTMLTagsAndStyleRemoved", "Content-Type: text/html\n\n<html><style>p{color:red}</style><p>Salut &amp; merci</p></html>\n", "Salut & merci"},
		{"LongTextCutAt200Runes", "Content-Type: text/plain\n\n" + strings.Repeat("é", 300) + "\n", strings.Repeat("é", 200) + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Analyze(crlf(c.raw), Options{})
			if m.BodyPreview != c.want {
				t.Errorf("preview = %q, want %q", m.BodyPreview, c.want)
			}
		})
	}
}

func TestOpenPGPProtection(t *testing.T) {
	cases := []struct{ name, raw, want string }{
		{"PGPMIMEEncrypted", "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=b\n\n--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--b\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n--b--\n", "pgp-encrypted"},
		{"PGPMIMESigned", "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n--b--\n", "pgp-signed"},
		{"InlineArmouredMessage", "Content-Type: text/plain\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n", "pgp-encrypted"},
		{"InlineClearSigned", "Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhi\n", "pgp-signed"},
		{"Plain", "Content-Type: text/plain\n\nhi\n", "none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Analyze(crlf(c.raw), Options{}).SMIME; got != c.want {
				t.Errorf("smime = %q, want %q", got, c.want)
			}
		})
	}
}

func TestAttachmentLimitHashesWhatWasKept(t *testing.T) {
	// 12 decoded bytes, limit 5: "hello" is hashed (sha256sum of "hello").
	raw := "Content-Type: application/octet-stream; name=h.bin\nContent-Transfer-Encoding: base64\n\naGVsbG8sIHdvcmxk\n"
	m := Analyze(crlf(raw), Options{MaxAttachment: 5})
	a := m.Attachments[0]
	if !a.Truncated || a.Size != 12 || a.SHA256 != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Errorf("attachment = %+v", a)
	}
	if len(m.Warnings) != 1 || !strings.Contains(recordtest.Texts(m.Warnings)[0], "larger than 5 bytes") {
		t.Errorf("warnings = %q", m.Warnings)
	}
}

func TestKeepRaw(t *testing.T) {
	raw := crlf("Subject: x\n\nbody\n")
	if m := Analyze(raw, Options{}); m.Raw != nil {
		t.Error("Raw kept without KeepRaw")
	}
	if m := Analyze(raw, Options{KeepRaw: true}); string(m.Raw) != string(raw) || m.Size != int64(len(raw)) {
		t.Errorf("Raw = %q size %d", m.Raw, m.Size)
	}
}

// messageView lets the table name the field it checks.
type messageView struct{ *recordMessage }

func subject(m *messageView) string { return m.Subject }
func from(m *messageView) string    { return m.From }
func to(m *messageView) string      { return strings.Join(m.To, "|") }

type recordMessage = record.Message

func TestHeaderOnlyMultipartHasNoWarning(t *testing.T) {
	m := Analyze(crlf("From: a@b.c\nContent-Type: multipart/mixed; boundary=b\n\n"), Options{})
	if len(m.Warnings) != 0 || strings.Join(m.MIME, "|") != "multipart/mixed" {
		t.Errorf("warnings %q mime %q", m.Warnings, m.MIME)
	}
}
