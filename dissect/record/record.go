// Package record defines the facts mailwire reports, one struct per kind of
// the JSON Lines contract written down in json-output.md next to this file:
// the kinds here, the closed sets of values (protocols, security states,
// directions, severities, finding ids) as typed constants in enums.go, and
// warnings as ids with arguments in warning.go and warnings.go. Every other
// package produces or consumes these; field names, tags and values here are
// the public interface, so renaming one is a breaking change. Subpackage
// recordtest is the test kit every package shares.
package record

import (
	"os"
	"time"
)

// Schema is the version of the JSON contract written in capture records.
const Schema = 1

// Record is any fact mailwire reports. The set of kinds is closed: only
// the types of this package are records (see Kinds).
type Record interface {
	// Kind is the record's "kind" field.
	Kind() string
	// Frame is the frame number that orders the record in the output.
	Frame() int64
	// shared points at the fields common to several kinds (shared.go).
	shared() shared
}

// Capture opens the records of one capture file.
type Capture struct {
	File      string    `json:"file"`
	Schema    int       `json:"schema"`
	Format    string    `json:"format,omitempty"` // pcap, pcapng, and "+gzip"
	LinkType  string    `json:"link_type"`
	Packets   int64     `json:"packets"`
	Bytes     int64     `json:"bytes,omitempty"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Truncated bool      `json:"truncated"`
	Warnings  []Warning `json:"warnings,omitempty"`
}

// Session is one TCP connection (or one implicit-TLS connection).
type Session struct {
	ID          string    `json:"id"`
	Proto       Proto     `json:"proto"`
	Client      string    `json:"client"`
	Server      string    `json:"server"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Security    Security  `json:"security"`
	Packet      int64     `json:"packet"`
	Packets     int64     `json:"packets"`
	BytesClient int64     `json:"bytes_client"`
	BytesServer int64     `json:"bytes_server"`
	// Bytes that crossed before TLS started, and from then on.
	ClearBytes     int64  `json:"clear_bytes"`
	EncryptedBytes int64  `json:"encrypted_bytes"`
	TLSPacket      int64  `json:"tls_packet,omitempty"` // first TLS record
	GapBytes       int64  `json:"gap_bytes"`
	MidStream      bool   `json:"mid_stream,omitempty"` // no SYN seen
	AuthUser       string `json:"auth_user,omitempty"`  // last login the server accepted
	// Capabilities is the last capability list the server announced
	// (EHLO, CAPABILITY, CAPA), at CapabilitiesPacket.
	Capabilities       []string `json:"capabilities,omitempty"`
	CapabilitiesPacket int64    `json:"capabilities_packet,omitempty"`
	// Greeting is the server's first reply, in clear even when the
	// session later turns to TLS, at frame GreetingPacket.
	Greeting       string `json:"greeting,omitempty"`
	GreetingPacket int64  `json:"greeting_packet,omitempty"`
	// Tunnel is the proxy the mail went through, when it did.
	Tunnel   *Tunnel   `json:"tunnel,omitempty"`
	Warnings []Warning `json:"warnings,omitempty"`
	EndFrame int64     `json:"-"`
	// DetectFrame is the frame at which the protocol was recognised: it
	// orders session ids the same way whatever the number of workers.
	DetectFrame int64 `json:"-"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
}

// Tunnel is a proxy handshake (HTTP CONNECT, SOCKS) that opened the
// connection a mail session then used: the session's server is the
// proxy, Target where the proxy connected.
type Tunnel struct {
	Kind        string `json:"kind"`   // http-connect, socks4, socks4a, socks5
	Target      string `json:"target"` // host:port asked of the proxy
	Accepted    bool   `json:"accepted"`
	Reply       string `json:"reply,omitempty"`
	User        string `json:"user,omitempty"` // SOCKS4 user id, SOCKS5 or HTTP user
	Packet      int64  `json:"packet"`
	ReplyPacket int64  `json:"reply_packet,omitempty"`
}

// ListedMailbox is one mailbox an IMAP LIST or LSUB response named.
type ListedMailbox struct {
	Name      string   `json:"name"`
	Delimiter string   `json:"delimiter,omitempty"`
	Flags     []string `json:"flags,omitempty"` // \HasNoChildren, \Sent, ...
}

// Command is one client command with the reply it got.
type Command struct {
	Session     string `json:"session"`
	Proto       Proto  `json:"proto"`
	Verb        string `json:"verb"`
	Tag         string `json:"tag,omitempty"`
	Args        string `json:"args,omitempty"` // secrets already masked
	Status      string `json:"status,omitempty"`
	Reply       string `json:"reply,omitempty"`
	Packet      int64  `json:"packet"`
	ReplyPacket int64  `json:"reply_packet,omitempty"`
	// Capabilities the reply announced (SMTP EHLO, IMAP CAPABILITY,
	// POP3 CAPA): what an eavesdropper learns even before STARTTLS.
	Capabilities []string `json:"capabilities,omitempty"`
	// Mailboxes are what IMAP LIST or LSUB listed.
	Mailboxes []ListedMailbox `json:"mailboxes,omitempty"`
	Encrypted bool            `json:"-"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
}

// Credential is one authentication attempt seen on the wire.
type Credential struct {
	Session     string `json:"session"`
	Proto       Proto  `json:"proto"`
	Mechanism   string `json:"mechanism"`
	SASL        bool   `json:"sasl,omitempty"`
	Username    string `json:"username"`
	Authzid     string `json:"authzid,omitempty"`
	Domain      string `json:"domain,omitempty"`      // NTLM
	Workstation string `json:"workstation,omitempty"` // NTLM
	// Password is the secret itself; Redact clears it unless secrets are
	// revealed. For bearer mechanisms it holds the token.
	Password       string `json:"password,omitempty"`
	PasswordLen    int    `json:"password_len"`
	PasswordMasked string `json:"password_masked,omitempty"`
	// Hash is the crackable form of a challenge-response exchange, in the
	// format hashcat and john read (CRAM-MD5: $cram_md5$challenge$response,
	// hashcat 10200; NTLMv2: hashcat 5600; NTLMv1: 5500; APOP:
	// digest:<timestamp>, hashcat 20); it is a secret too.
	Hash string `json:"hash,omitempty"`
	// Malformed says why the client's messages could not be read as the
	// mechanism specifies (see the Malformed constants); what could not
	// be proven to be the username is then in the secret, masked.
	Malformed   string `json:"malformed,omitempty"`
	Recoverable bool   `json:"recoverable"`
	Accepted    *bool  `json:"accepted"`
	Reply       string `json:"reply,omitempty"`
	Packet      int64  `json:"packet"`
	ReplyPacket int64  `json:"reply_packet,omitempty"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
	// SecretPacket is the frame of the client's response that carried
	// the secret, when it is not the command's own (SMTP or POP3 AUTH
	// PLAIN, then the response after the 334 or "+" prompt; IMAP
	// AUTHENTICATE's continuation response).
	SecretPacket int64 `json:"secret_packet,omitempty"`
	// PromptPacket is the frame of the server's last 334 prompt before
	// that response.
	PromptPacket int64 `json:"prompt_packet,omitempty"`
}

// Why a credential's messages were malformed.
const (
	MalformedNotBase64   = "not-base64"   // a message was not base64
	MalformedTrailing    = "trailing"     // base64 followed by other bytes
	MalformedNoSeparator = "no-separator" // PLAIN without its NULs, LOGIN "user:pass"
	MalformedMechanism   = "mechanism"    // no mechanism name, a response in its place
)

// SetPassword fills the secret and the fields that describe it without
// revealing it.
func (c *Credential) SetPassword(p string) {
	c.Password = p
	c.PasswordLen = len([]rune(p))
	c.PasswordMasked = Mask(p)
}

// StartTLS is one STARTTLS/STLS attempt.
type StartTLS struct {
	Session            string `json:"session"`
	Proto              Proto  `json:"proto"`
	Offered            *bool  `json:"offered"`
	Requested          bool   `json:"requested"`
	Accepted           bool   `json:"accepted"`
	TLSSeen            bool   `json:"tls_seen"`
	Reply              string `json:"reply,omitempty"`
	Packet             int64  `json:"packet"`
	ReplyPacket        int64  `json:"reply_packet,omitempty"`
	TLSPacket          int64  `json:"tls_packet,omitempty"`
	PlaintextInjection string `json:"plaintext_injection,omitempty"`
	InjectionSide      string `json:"injection_side,omitempty"` // client or server
}

// TLS is what the cleartext part of a TLS handshake shows.
type TLS struct {
	Session        string   `json:"session"`
	Packet         int64    `json:"packet"`
	Version        string   `json:"version,omitempty"`
	ClientVersions []string `json:"client_versions,omitempty"`
	Cipher         string   `json:"cipher,omitempty"`
	ClientCiphers  int      `json:"client_ciphers,omitempty"`
	SNI            string   `json:"sni,omitempty"`
	ALPN           []string `json:"alpn,omitempty"`
	Groups         []string `json:"groups,omitempty"`
	JA3            string   `json:"ja3,omitempty"`
	JA3Hash        string   `json:"ja3_hash,omitempty"`
	JA4            string   `json:"ja4,omitempty"`
	// JA3S and JA4S fingerprint the server's hello.
	JA3S     string `json:"ja3s,omitempty"`
	JA3SHash string `json:"ja3s_hash,omitempty"`
	JA4S     string `json:"ja4s,omitempty"`
	// CertChain is every certificate the server sent in clear, leaf first.
	CertChain          []Certificate `json:"cert_chain,omitempty"`
	CertSubject        string        `json:"cert_subject,omitempty"`
	CertIssuer         string        `json:"cert_issuer,omitempty"`
	CertSANs           []string      `json:"cert_sans,omitempty"`
	CertKey            string        `json:"cert_key,omitempty"`
	CertSelfSigned     bool          `json:"cert_self_signed,omitempty"`
	NotBefore          time.Time     `json:"not_before,omitzero"`
	NotAfter           time.Time     `json:"not_after,omitzero"`
	ServerHelloPacket  int64         `json:"server_hello_packet,omitempty"`
	CertificatePacket  int64         `json:"certificate_packet,omitempty"`
	Alert              string        `json:"alert,omitempty"`
	HandshakeCompleted bool          `json:"handshake_completed,omitempty"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
	// CertID names the server certificate for matching S/MIME recipients.
	CertID *CertID `json:"-"`
}

// CertID identifies a certificate the way S/MIME recipients point at it.
type CertID struct {
	Issuer       string // DN, most specific first
	Serial       string // hex
	SubjectKeyID string // hex
	Name         string // e-mail address, else subject DN
}

// Certificate describes one certificate of a TLS chain.
type Certificate struct {
	Subject    string    `json:"subject,omitempty"`
	Issuer     string    `json:"issuer,omitempty"`
	Key        string    `json:"key,omitempty"`
	NotBefore  time.Time `json:"not_before,omitzero"`
	NotAfter   time.Time `json:"not_after,omitzero"`
	CA         bool      `json:"ca,omitempty"`
	SelfSigned bool      `json:"self_signed,omitempty"`
	SHA256     string    `json:"sha256"` // of the DER bytes
}

// Attachment is one leaf part of a message that carries a file or an image.
type Attachment struct {
	Filename         string `json:"filename"`
	ContentType      string `json:"content_type"`
	SniffedType      string `json:"sniffed_type,omitempty"`
	Disposition      string `json:"disposition,omitempty"`
	TransferEncoding string `json:"transfer_encoding"`
	Size             int64  `json:"size"`
	SHA256           string `json:"sha256"`
	Truncated        bool   `json:"truncated,omitempty"`
}

// DKIM is one DKIM-Signature field of a message. BodyHash is "match" or
// "mismatch" when the body hash (bh=) was checked against the body that
// crossed the wire, "unchecked" otherwise; the signature itself needs the
// signer's DNS key and is not verified.
type DKIM struct {
	Domain    string `json:"domain"`
	Selector  string `json:"selector"`
	Algorithm string `json:"algorithm,omitempty"`
	BodyHash  string `json:"body_hash"`
	// HeaderDigest is the hash of the signed header fields as the
	// signature's canonicalization writes them, and Signature the b=
	// value: with the domain's DNS key (report/lab) they verify the
	// signature. Neither is a secret; neither is output.
	HeaderDigest []byte `json:"-"`
	Signature    []byte `json:"-"`
}

// Part is one leaf of a message's MIME tree: Index is its line in the
// message's MIME list, Size and SHA256 those of its decoded content.
type Part struct {
	Index       int    `json:"index"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Truncated   bool   `json:"truncated,omitempty"` // hashed up to the size limit only
}

// Signer describes the certificate that signed an S/MIME message.
type Signer struct {
	Subject     string    `json:"subject"`
	Email       string    `json:"email,omitempty"`
	Issuer      string    `json:"issuer"`
	Serial      string    `json:"serial,omitempty"`
	NotBefore   time.Time `json:"not_before"`
	NotAfter    time.Time `json:"not_after"`
	KeyUsage    []string  `json:"key_usage,omitempty"`
	ExtKeyUsage []string  `json:"ext_key_usage,omitempty"`
	SelfSigned  bool      `json:"self_signed,omitempty"`
	KeyAlg      string    `json:"key_algorithm,omitempty"` // "RSA 2048"
	DigestAlg   string    `json:"digest_algorithm,omitempty"`
	SigAlg      string    `json:"signature_algorithm,omitempty"`
	// Verified is nil when it could not be checked.
	Verified    *bool  `json:"verified"`
	VerifyError string `json:"verify_error,omitempty"`
	// SubjectKeyID (hex) names recipients identified by key id.
	SubjectKeyID string `json:"-"`
}

// Recipient is one recipient of an S/MIME enveloped message.
type Recipient struct {
	Issuer       string `json:"issuer,omitempty"`
	Serial       string `json:"serial,omitempty"`
	SubjectKeyID string `json:"subject_key_id,omitempty"`
	KeyAlg       string `json:"key_algorithm,omitempty"`
	// Email names the recipient when a known certificate matches its
	// issuer and serial (or key id): a key given to mailwire ("key"), an
	// S/MIME signer ("smime") or a TLS server ("tls") seen in CertFrame.
	Email      string `json:"email,omitempty"`
	CertSource string `json:"cert_source,omitempty"`
	CertFrame  int64  `json:"cert_frame,omitempty"`
}

// Encryption describes an S/MIME enveloped message.
type Encryption struct {
	ContentType   string      `json:"content_type"` // enveloped-data, authEnveloped-data
	ContentAlg    string      `json:"content_algorithm,omitempty"`
	WeakAlgorithm bool        `json:"weak_algorithm,omitempty"`
	Recipients    []Recipient `json:"recipients,omitempty"`
	// Decryption is what became of the keys given (--smime-key):
	// "decrypted", "not-for-key" (none is a recipient's), "unsupported"
	// (an algorithm mailwire cannot open) or "failed".
	Decryption    string `json:"decryption,omitempty"`
	DecryptedWith string `json:"decrypted_with,omitempty"` // the key's owner
	// DER is the enveloped data, kept with the message bytes only.
	DER []byte `json:"-"`
}

// Decrypted is the inner message of an S/MIME encrypted message, opened
// with a key given to mailwire and analysed like any message.
type Decrypted struct {
	Size        int64        `json:"size"`
	Subject     string       `json:"subject,omitempty"`
	MIME        []string     `json:"mime,omitempty"`
	Attachments []Attachment `json:"attachments"`
	SMIME       string       `json:"smime"`
	Signer      *Signer      `json:"signer,omitempty"`
	Encryption  *Encryption  `json:"encryption,omitempty"`
	BodyPreview string       `json:"body_preview,omitempty"`
	Warnings    []Warning    `json:"warnings,omitempty"`
	// Raw is the decrypted MIME entity, kept for extraction only.
	Raw []byte `json:"-"`
}

// Message is one e-mail message that crossed the wire.
type Message struct {
	Session    string    `json:"session"`
	Proto      Proto     `json:"proto"`
	Direction  Direction `json:"direction"`
	Packet     int64     `json:"packet"`
	EndPacket  int64     `json:"end_packet,omitempty"`
	Subject    string    `json:"subject"`
	From       string    `json:"from"`
	To         []string  `json:"to"`
	Cc         []string  `json:"cc,omitempty"`
	ReplyTo    string    `json:"reply_to,omitempty"`
	ReturnPath string    `json:"return_path,omitempty"`
	Date       string    `json:"date,omitempty"`
	MessageID  string    `json:"message_id,omitempty"`
	UserAgent  string    `json:"user_agent,omitempty"`
	InReplyTo  string    `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	// OriginatingIP is the X-Originating-IP a webmail adds: the sender's
	// own address.
	OriginatingIP string   `json:"originating_ip,omitempty"`
	Received      []string `json:"received,omitempty"`
	EnvelopeFrom  string   `json:"envelope_from,omitempty"`
	EnvelopeTo    []string `json:"envelope_to,omitempty"`
	// EnvelopeToDropped counts the recipients past the ones listed.
	EnvelopeToDropped int    `json:"envelope_to_dropped,omitempty"`
	AuthUser          string `json:"auth_user,omitempty"`
	// DKIM lists the message's DKIM signatures; AuthResults the verdicts
	// receiving servers wrote (Authentication-Results, Received-SPF).
	DKIM        []DKIM   `json:"dkim,omitempty"`
	AuthResults []string `json:"auth_results,omitempty"`
	// Reply is the server's answer to a message sent over SMTP ("250 2.0.0
	// Ok: queued as ..."), at frame ReplyPacket.
	Reply       string       `json:"reply,omitempty"`
	ReplyPacket int64        `json:"reply_packet,omitempty"`
	Size        int64        `json:"size"`
	Truncated   bool         `json:"truncated,omitempty"`
	MIME        []string     `json:"mime,omitempty"` // content types, depth-first, indented by depth with "  "
	Attachments []Attachment `json:"attachments"`
	// Parts are the leaves of the MIME tree, text included.
	Parts      []Part      `json:"parts,omitempty"`
	SMIME      string      `json:"smime"`
	Signer     *Signer     `json:"signer,omitempty"`
	Encryption *Encryption `json:"encryption,omitempty"`
	// SMIMEDecrypted is the inner message of an S/MIME encrypted one,
	// opened with a key given (not named "decrypted": that flag says a
	// record was read from bytes a TLS key log opened).
	SMIMEDecrypted *Decrypted `json:"smime_decrypted,omitempty"`
	BodyPreview    string     `json:"body_preview,omitempty"`
	IMAPUID        string     `json:"imap_uid,omitempty"`
	IMAPSeq        string     `json:"imap_seq,omitempty"`
	Mailbox        string     `json:"mailbox,omitempty"`
	Partial        string     `json:"partial,omitempty"` // e.g. "BODY[HEADER]"
	Warnings       []Warning  `json:"warnings,omitempty"`
	// Raw is the message as it crossed the wire (dot-unstuffed), kept
	// only when the caller asks (extraction); never in JSON. A message
	// of more than a MiB is in RawFile instead, an unlinked temporary
	// file read from its start, which the reader closes.
	Raw     []byte   `json:"-"`
	RawFile *os.File `json:"-"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
}

// Mailbox is what an IMAP session showed about one mailbox.
type Mailbox struct {
	Session     string   `json:"session"`
	Name        string   `json:"name"`
	Packet      int64    `json:"packet"`
	Command     string   `json:"command,omitempty"` // SELECT, EXAMINE, STATUS, CREATE, DELETE, RENAME, ...
	Exists      *int64   `json:"exists,omitempty"`
	Recent      *int64   `json:"recent,omitempty"`
	Unseen      *int64   `json:"unseen,omitempty"`       // first unseen sequence number ([UNSEEN n])
	UnseenCount *int64   `json:"unseen_count,omitempty"` // STATUS UNSEEN or SEARCH UNSEEN
	UIDValidity *int64   `json:"uidvalidity,omitempty"`
	UIDNext     *int64   `json:"uidnext,omitempty"`
	Flags       []string `json:"flags,omitempty"`
	PermFlags   []string `json:"permanent_flags,omitempty"`
	ReadOnly    bool     `json:"read_only,omitempty"`
	// Events lists what happened to messages: "STORE 1 +FLAGS (\Deleted)",
	// "EXPUNGE 1", "COPY 1:2 Archives".
	Events []string `json:"events,omitempty"`
	Status string   `json:"status,omitempty"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
}

// DNSAnswer is one answer of a DNS response.
type DNSAnswer struct {
	Name       string `json:"name,omitempty"`
	Type       string `json:"type,omitempty"`
	Preference *int   `json:"preference,omitempty"`
	Exchange   string `json:"exchange,omitempty"`
	Address    string `json:"address,omitempty"`
	Text       string `json:"text,omitempty"`
	TTL        uint32 `json:"ttl,omitempty"`
}

// DNS is one DNS query and, when seen, its answer.
type DNS struct {
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Packet      int64       `json:"packet"`
	ReplyPacket int64       `json:"reply_packet,omitempty"`
	Client      string      `json:"client,omitempty"`
	Server      string      `json:"server,omitempty"`
	Transport   string      `json:"transport,omitempty"`
	Rcode       string      `json:"rcode,omitempty"`
	Answers     []DNSAnswer `json:"answers"`
}

// Finding is a conclusion about security, with the frames that prove it.
type Finding struct {
	ID       FindingID `json:"id"`
	Severity Severity  `json:"severity"`
	Title    string    `json:"title"`
	Session  string    `json:"session,omitempty"`
	Packet   int64     `json:"packet,omitempty"`
	Frames   []int64   `json:"frames,omitempty"`
	Lab      string    `json:"lab,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	// Args fill the catalogue's translated text for this finding.
	Args map[string]string `json:"args,omitempty"`
	// Decrypted: read from bytes that only the key log opened.
	Decrypted bool `json:"decrypted,omitempty"`
}

// Summary closes a run.
type Summary struct {
	Captures    int       `json:"captures"`
	Sessions    int       `json:"sessions"`
	Credentials int       `json:"credentials"`
	Messages    int       `json:"messages"`
	Findings    int       `json:"findings"`
	Warnings    []Warning `json:"warnings"`
}

func (*Capture) Kind() string    { return "capture" }
func (*Session) Kind() string    { return "session" }
func (*Command) Kind() string    { return "command" }
func (*Credential) Kind() string { return "credential" }
func (*StartTLS) Kind() string   { return "starttls" }
func (*TLS) Kind() string        { return "tls" }
func (*Message) Kind() string    { return "message" }
func (*Mailbox) Kind() string    { return "mailbox" }
func (*DNS) Kind() string        { return "dns" }
func (*Finding) Kind() string    { return "finding" }
func (*Summary) Kind() string    { return "summary" }

func (r *Capture) Frame() int64 { return 0 }
func (r *Session) Frame() int64 { return r.EndFrame }
func (r *Command) Frame() int64 {
	if r.ReplyPacket > 0 {
		return r.ReplyPacket
	}
	return r.Packet
}
func (r *Credential) Frame() int64 {
	if r.ReplyPacket > 0 {
		return r.ReplyPacket
	}
	return r.Packet
}
func (r *StartTLS) Frame() int64 {
	if r.ReplyPacket > 0 {
		return r.ReplyPacket
	}
	return r.Packet
}
func (r *TLS) Frame() int64 { return r.Packet }
func (r *Message) Frame() int64 {
	if r.EndPacket > 0 {
		return r.EndPacket
	}
	return r.Packet
}
func (r *Mailbox) Frame() int64 { return r.Packet }
func (r *DNS) Frame() int64 {
	if r.ReplyPacket > 0 {
		return r.ReplyPacket
	}
	return r.Packet
}
func (r *Finding) Frame() int64 { return r.Packet }
func (r *Summary) Frame() int64 { return 1<<62 - 1 }

func (r *Capture) shared() shared { return shared{warnings: &r.Warnings} }
func (r *Session) shared() shared {
	return shared{session: &r.ID, decrypted: &r.Decrypted, warnings: &r.Warnings}
}
func (r *Command) shared() shared { return shared{session: &r.Session, decrypted: &r.Decrypted} }
func (r *Credential) shared() shared {
	return shared{session: &r.Session, decrypted: &r.Decrypted, secrets: []*string{&r.Password, &r.Hash}}
}
func (r *StartTLS) shared() shared { return shared{session: &r.Session} }
func (r *TLS) shared() shared      { return shared{session: &r.Session, decrypted: &r.Decrypted} }
func (r *Message) shared() shared {
	return shared{session: &r.Session, decrypted: &r.Decrypted, warnings: &r.Warnings}
}
func (r *Mailbox) shared() shared { return shared{session: &r.Session, decrypted: &r.Decrypted} }
func (r *DNS) shared() shared     { return shared{} }
func (r *Finding) shared() shared { return shared{session: &r.Session, decrypted: &r.Decrypted} }
func (r *Summary) shared() shared { return shared{warnings: &r.Warnings} }
