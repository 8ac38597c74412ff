package dissect

import (
	"bytes"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/tunnel"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// Protocol names, as in the session record.
const (
	SMTP    = record.ProtoSMTP
	IMAP    = record.ProtoIMAP
	POP3    = record.ProtoPOP3
	TLS     = record.ProtoTLS
	DNS     = record.ProtoDNS
	Unknown = record.ProtoUnknown
	// Tunnel is a proxy handshake (HTTP CONNECT, SOCKS): what it carries
	// is recognised once the proxy accepted.
	Tunnel record.Proto = "tunnel"
)

// tlsPorts are where implicit TLS is mail (SMTPS, submissions, IMAPS,
// POP3S); TLS elsewhere is someone else's business.
var tlsPorts = map[uint16]bool{465: true, 993: true, 995: true, 585: true}

// detectMax is how much of each direction detection looks at before it
// gives up and counts the conversation as unknown.
const detectMax = 2048

// firstBytes holds a conversation's events until its protocol is known:
// copies of the events, to replay to the protocol's dissector, and the
// first detectMax bytes of each direction, for detection.
type firstBytes struct {
	pending []stream.Event
	seen    [2][]byte
}

// keep copies ev to replay it later.
func (f *firstBytes) keep(ev *stream.Event) {
	cp := *ev
	cp.Data = append([]byte(nil), ev.Data...)
	f.pending = append(f.pending, cp)
}

// look adds ev's bytes to what detection sees, up to detectMax.
func (f *firstBytes) look(ev *stream.Event) {
	room := detectMax - len(f.seen[ev.Dir])
	f.seen[ev.Dir] = append(f.seen[ev.Dir], ev.Data[:min(room, len(ev.Data))]...)
}

// replay gives the kept events to h and lets them go.
func (f *firstBytes) replay(h stream.Handler) {
	for i := range f.pending {
		h.Handle(&f.pending[i])
	}
	f.pending = nil
}

// verdict is detection's answer: a protocol, or "" to wait for more bytes.
type verdict = record.Proto

// detect decides the protocol from the first bytes of each direction,
// content first and ports only to break ties or to recognise implicit TLS.
func detect(client, server []byte, cport, sport uint16) verdict {
	v := fromServer(server, sport)
	if v == "" || v == Unknown {
		if c := fromClient(client, sport); c != "" && c != Unknown {
			return c
		} else if v == "" {
			v = c
		}
	}
	if v == "" && (len(client) >= detectMax || len(server) >= detectMax) {
		v = Unknown
	}
	if v == Unknown && len(client)+len(server) > 0 {
		// A capture that starts in the middle of a message or a literal
		// shows no command or reply yet: the well-known port decides,
		// and the dissector resynchronises at the next line it knows.
		if p, ok := mailPorts[sport]; ok {
			return p
		}
	}
	return v
}

// mailPorts are the cleartext mail ports used when content cannot tell.
var mailPorts = map[uint16]verdict{25: SMTP, 587: SMTP, 2525: SMTP, 143: IMAP, 110: POP3}

func fromServer(b []byte, port uint16) verdict {
	line, complete := firstLine(b)
	switch {
	case len(b) >= 5 && looksTLS(b):
		return tlsIfMail(port)
	case !complete:
		return ""
	case hasPrefixFold(line, "* OK"), hasPrefixFold(line, "* PREAUTH"), hasPrefixFold(line, "* BYE"),
		hasPrefixFold(line, "* CAPABILITY"), hasPrefixFold(line, "* "+"FLAGS"):
		return IMAP
	case hasPrefixFold(line, "+OK"), hasPrefixFold(line, "-ERR"):
		return POP3
	case smtpReply(line):
		if port == 21 {
			return Unknown
		}
		return SMTP
	case hasPrefixFold(line, "* "):
		return IMAP
	}
	return Unknown
}

func fromClient(b []byte, port uint16) verdict {
	if tunnel.Detect(b) != "" {
		return Tunnel
	}
	line, complete := firstLine(b)
	switch {
	case len(b) >= 5 && looksTLS(b):
		return tlsIfMail(port)
	case !complete:
		return ""
	}
	verb := line
	if i := bytes.IndexByte(line, ' '); i >= 0 {
		verb = line[:i]
	}
	if i := bytes.IndexByte(verb, ':'); i >= 0 {
		verb = verb[:i]
	}
	switch string(bytes.ToUpper(verb)) {
	case "EHLO", "HELO", "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "STARTTLS":
		return SMTP
	case "USER", "APOP", "STLS", "CAPA", "RETR", "UIDL", "STAT":
		return POP3
	case "AUTH":
		// SMTP and POP3 share AUTH; an IMAP client would need a tag first.
		if mailPorts[port] == POP3 {
			return POP3
		}
		return SMTP
	}
	if imapCommand(line) {
		return IMAP
	}
	return Unknown
}

// smtpReply matches "220 text", "250-text", "354 ...": three digits and a
// space, hyphen or end of line.
func smtpReply(line []byte) bool {
	if len(line) < 3 || line[0] < '2' || line[0] > '5' || !isDigit(line[1]) || !isDigit(line[2]) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '-'
}

var imapVerbs = []string{"CAPABILITY", "LOGIN", "AUTHENTICATE", "STARTTLS", "SELECT", "EXAMINE",
	"NOOP", "LOGOUT", "ID", "LIST", "LSUB", "STATUS", "FETCH", "UID", "ENABLE", "NAMESPACE", "IDLE", "APPEND", "CREATE"}

// imapCommand matches "tag VERB ...".
func imapCommand(line []byte) bool {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return false
	}
	rest := line[sp+1:]
	for _, v := range imapVerbs {
		if hasPrefixFold(rest, v) && (len(rest) == len(v) || rest[len(v)] == ' ') {
			return true
		}
	}
	return false
}

func tlsIfMail(port uint16) verdict {
	if tlsPorts[port] {
		return TLS
	}
	return Unknown
}

// looksTLS matches a TLS record header (handshake or alert, SSL 3.0 to TLS
// 1.3) or an SSLv2-compatible ClientHello.
func looksTLS(b []byte) bool {
	if (b[0] == 0x16 || b[0] == 0x15) && b[1] == 3 && b[2] <= 4 {
		return true
	}
	return b[0]&0x80 != 0 && b[2] == 1 && b[3] == 3
}

func firstLine(b []byte) ([]byte, bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, false
	}
	return bytes.TrimRight(b[:i], "\r"), true
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && bytes.EqualFold(b[:len(p)], []byte(p))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
