package dissect

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct {
		name           string
		client, server string
		sport          uint16
		want           verdict
	}{
		{"smtp greeting", "", "220 mx ESMTP\r\n", 2525, SMTP},
		{"imap greeting", "", "* OK [CAPABILITY IMAP4rev1] ready\r\n", 1143, IMAP},
		{"pop3 greeting", "", "+OK POP3 ready\r\n", 10110, POP3},
		{"imap tagged command first", "a1 CAPABILITY\r\n", "", 9999, IMAP},
		{"smtp mid-stream client", "MAIL FROM:<a@b>\r\n", "", 9999, SMTP},
		{"pop3 mid-stream client", "RETR 1\r\n", "", 9999, POP3},
		{"AUTH first is SMTP, not an IMAP tag", "AUTH LOGIN\r\n", "", 25, SMTP},
		{"AUTH first on 110 is POP3", "AUTH PLAIN\r\n", "", 110, POP3},
		{"waits for a whole line", "", "220 mx", 25, ""},
		{"ftp is not smtp", "", "220 ProFTPD\r\n", 21, Unknown},
		{"implicit tls on a mail port", "\x16\x03\x01\x02\x00\x01", "", 993, TLS},
		{"tls elsewhere is not mail", "\x16\x03\x01\x02\x00\x01", "", 443, Unknown},
		{"http is unknown", "GET / HTTP/1.1\r\n", "", 80, Unknown},
		{"mid-message start on 110 falls back to the port", "", "Content-Type: text/plain\r\n", 110, POP3},
		{"mid-literal start on 143 falls back to the port", "", "Subject: hello\r\n", 143, IMAP},
		{"a connection that carried nothing is not mail", "", "", 25, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := detect([]byte(tc.client), []byte(tc.server), 40000, tc.sport); got != tc.want {
				t.Fatalf("detect = %q, want %q", got, tc.want)
			}
		})
	}
}
