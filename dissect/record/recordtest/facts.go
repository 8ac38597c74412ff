package recordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Facts is what captures/make.sh writes in <capture>.facts.json: what the
// real clients were told to send and what the servers answered, never what
// mailwire saw. Every field the scripts write is declared here, so that a
// field they add or rename fails ReadFacts until this schema follows.
type Facts struct {
	Scenario    string `json:"scenario"`
	About       string `json:"about"`
	Capture     string `json:"capture"` // file name, next to the facts file
	Format      string `json:"format"`  // pcap, pcapng, pcap.gz
	LinkType    string `json:"link_type"`
	Snaplen     int    `json:"snaplen"`
	DerivedFrom string `json:"derived_from"` // a copy of another capture, edited
	TLSKeylog   string `json:"tls_keylog"`
	// Users maps the lab's user names to their passwords.
	Users map[string]string `json:"users"`
	// Dropped is set on a copy of a capture with frames removed.
	Dropped *struct {
		Frames []int64 `json:"frames"`
		Bytes  int64   `json:"bytes"`
		Data   string  `json:"data"`
	} `json:"dropped"`
	// MidStream is set on a copy that starts after the connection opened.
	MidStream *struct {
		FirstFrame    int64 `json:"first_frame"`
		DroppedFrames int   `json:"dropped_frames"`
	} `json:"mid_stream"`
	// Truncated is set on a copy whose last packet was cut short.
	Truncated *struct {
		PacketsWhole    int64 `json:"packets_whole"`
		LastPacketBytes int   `json:"last_packet_bytes"`
		LastPacketKept  int   `json:"last_packet_kept"`
	} `json:"truncated"`
	SMIME *struct {
		Kind      string  `json:"kind"`
		Signer    *string `json:"signer"`
		Recipient *string `json:"recipient"`
		CA        string  `json:"ca"`
		PKIDir    string  `json:"pki_dir"`
		// Keys are the users' key stores (.p12) and their passwords.
		Keys map[string]struct {
			P12       string `json:"p12"`
			LegacyP12 string `json:"legacy_p12"`
			Password  string `json:"password"`
			Command   string `json:"command"`
		} `json:"keys"`
		Messages []SMIMEMessageFact `json:"messages"`
	} `json:"smime"`
	DNS           []DNSFact      `json:"dns"`
	Conversations []Conversation `json:"conversations"`
}

// SMIMEMessageFact is what the script put inside one S/MIME message.
type SMIMEMessageFact struct {
	MessageID        string           `json:"message_id"`
	Sender           string           `json:"sender"`
	SignedBy         string           `json:"signed_by"`
	EncryptedFor     []string         `json:"encrypted_for"`
	Cipher           *string          `json:"cipher"`
	InnerBody        string           `json:"inner_body"`
	InnerSHA256      string           `json:"inner_sha256"`
	InnerAttachments []AttachmentFact `json:"inner_attachments"`
}

// DNSFact is one DNS exchange the resolver answered.
type DNSFact struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Rcode string `json:"rcode"`
	// Answers are [preference, exchange] for MX, an address otherwise.
	Answers []any `json:"answers"`
}

// Endpoint is one end of a conversation.
type Endpoint struct {
	Addr string `json:"addr"`
	Port uint16 `json:"port"`
}

// Conversation is one TCP connection (or DNS exchange) a client made.
type Conversation struct {
	Proto     string   `json:"proto"` // smtp, imap, pop3, dns
	Tool      string   `json:"tool"`
	Transport string   `json:"transport"`
	Client    Endpoint `json:"client"`
	Server    Endpoint `json:"server"`
	TLS       struct {
		Mode    string `json:"mode"`    // none, starttls, implicit
		Version string `json:"version"` // TLSv1.2, TLSv1.3
		SNI     string `json:"sni"`
		// OpenSSLOptions forced a version or cipher suite on the client.
		OpenSSLOptions string `json:"openssl_options"`
	} `json:"tls"`
	StartTLS *struct {
		Offered   bool `json:"offered"`
		Requested bool `json:"requested"`
		Accepted  bool `json:"accepted"`
		Reply     int  `json:"reply"`
	} `json:"starttls"`
	Auth     []AuthFact    `json:"auth"`
	AuthUser string        `json:"auth_user"`
	Commands []string      `json:"commands"` // first word of each command sent
	Messages []MessageFact `json:"messages"`
	// Tunnel is the proxy the client went through, when it did.
	Tunnel *struct {
		Kind     string `json:"kind"` // http-connect, socks5
		Target   string `json:"target"`
		User     string `json:"user"`
		Password string `json:"password"`
		Proxy    string `json:"proxy"` // the proxy program
	} `json:"tunnel"`
	// Forged marks the hand-typed forgery of lab 1.2.5.
	Forged bool `json:"forged"`
	// SMTP
	Helo       string   `json:"helo"`
	EHLO       []string `json:"ehlo"` // the capabilities the server announced
	Pipelining bool     `json:"pipelining"`
	BDATChunks []int64  `json:"bdat_chunks"`
	Aborted    []struct {
		EnvelopeFrom string   `json:"envelope_from"`
		EnvelopeTo   []string `json:"envelope_to"`
		By           string   `json:"by"` // RSET, QUIT
	} `json:"aborted"`
	// IMAP and POP3
	MailboxesCreated []string `json:"mailboxes_created"`
	Deleted          []int64  `json:"deleted"`
	Expunged         int      `json:"expunged"`
	// DNS: [name, type] of each query.
	Queries [][2]string `json:"queries"`
}

// AuthFact is one authentication the client made.
type AuthFact struct {
	Mechanism       string `json:"mechanism"`
	Command         string `json:"command"`
	SASL            bool   `json:"sasl"`
	Username        string `json:"username"`
	Password        string `json:"password"`
	Accepted        bool   `json:"accepted"`
	Reply           int    `json:"reply"`
	Recoverable     bool   `json:"recoverable"`
	Encrypted       bool   `json:"encrypted"` // sent inside TLS
	Cancelled       bool   `json:"cancelled"`
	InitialResponse bool   `json:"initial_response"`
	Literals        bool   `json:"literals"`
	Challenge       string `json:"challenge"` // APOP timestamp, CRAM-MD5 challenge
	Response        string `json:"response"`  // APOP digest
}

// MessageFact is one message the client sent, fetched or appended.
type MessageFact struct {
	MessageID          string   `json:"message_id"`
	EnvelopeFrom       string   `json:"envelope_from"`
	EnvelopeTo         []string `json:"envelope_to"`
	RejectedRecipients []string `json:"rejected_recipients"`
	HeaderFrom         string   `json:"header_from"`
	To                 string   `json:"to"`
	Subject            string   `json:"subject"`
	SubjectRaw         string   `json:"subject_raw"`
	Size               int64    `json:"size"`
	SHA256             string   `json:"sha256"`
	Accepted           bool     `json:"accepted"`
	AppendedTo         string   `json:"appended_to"`
	// SMIME is signed, signed-opaque or encrypted; empty for none.
	SMIME       string           `json:"smime"`
	Attachments []AttachmentFact `json:"attachments"`
}

// AttachmentFact is one file attached to a message.
type AttachmentFact struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Has reports whether the capture holds a conversation of proto.
func (f *Facts) Has(proto string) bool {
	for _, c := range f.Conversations {
		if c.Proto == proto {
			return true
		}
	}
	return false
}

// ReadFacts reads a facts file, refusing fields the schema does not know.
func ReadFacts(path string) (*Facts, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f Facts
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w (recordtest.Facts must follow what captures/make.sh writes)", path, err)
	}
	return &f, nil
}

// FactsPath is the facts file of a capture: x.pcap, x.pcapng and x.pcap.gz
// all have x.facts.json.
func FactsPath(capture string) string {
	return filepath.Join(filepath.Dir(capture), Name(capture)+".facts.json")
}

// Name is a capture's file name without its extensions.
func Name(capture string) string {
	name := filepath.Base(capture)
	for _, ext := range []string{".gz", ".pcapng", ".pcap"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// LoadFacts reads the facts of a capture; a missing or malformed facts
// file fails t.
func LoadFacts(t testing.TB, capture string) *Facts {
	t.Helper()
	f, err := ReadFacts(FactsPath(capture))
	if err != nil {
		t.Fatalf("facts of %s: %v", capture, err)
	}
	return f
}

// Captures lists the project's bundled captures (pcap, pcapng, pcap.gz)
// in dir, sorted; finding none fails t, since the goldens depend on them.
func Captures(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.pcap", "*.pcapng", "*.pcap.gz"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatalf("no capture in %s: the bundled captures are part of the repository", dir)
	}
	sort.Strings(out)
	return out
}
