package record

// The values below are part of the JSON contract: each type is a string in
// JSON, and its constants are the only values mailwire writes. Code outside
// this package names them by constant, never by literal (a test checks it),
// so that a value is spelled once.

// Severity says how much a finding matters.
type Severity string

// Severities, from the least to the most serious.
const (
	SeverityInfo   Severity = "info"
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// Severities lists the severities in increasing order; the slice is new at
// each call, so that no caller can change the order for the others.
func Severities() []Severity {
	return []Severity{SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh}
}

// Rank orders severities: 0 for info up to 3 for high, -1 for a value
// that is no severity.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 0
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	}
	return -1
}

// Valid reports whether s is one of the severities.
func (s Severity) Valid() bool { return s.Rank() >= 0 }

// AtLeast reports whether s is as serious as o or more.
func (s Severity) AtLeast(o Severity) bool { return s.Rank() >= o.Rank() }

// Security is how a session protected its traffic.
type Security string

const (
	// SecurityCleartext: nothing was encrypted.
	SecurityCleartext Security = "cleartext"
	// SecurityStartTLS: the session upgraded to TLS with STARTTLS/STLS.
	SecurityStartTLS Security = "starttls"
	// SecurityStartTLSFailed: STARTTLS was asked for, then refused or
	// never followed by TLS.
	SecurityStartTLSFailed Security = "starttls-failed"
	// SecurityImplicitTLS: TLS from the first byte (465, 993, 995).
	SecurityImplicitTLS Security = "implicit-tls"
)

// Securities lists the security values.
func Securities() []Security {
	return []Security{SecurityCleartext, SecurityStartTLS, SecurityStartTLSFailed, SecurityImplicitTLS}
}

// Proto is the protocol of a session, command, credential or message.
type Proto string

const (
	ProtoSMTP    Proto = "smtp"
	ProtoIMAP    Proto = "imap"
	ProtoPOP3    Proto = "pop3"
	ProtoTLS     Proto = "tls" // TLS on a port of no known mail protocol
	ProtoDNS     Proto = "dns"
	ProtoUnknown Proto = "unknown"
	// The proxies a tunnel went through: the proto of their credentials.
	ProtoHTTP   Proto = "http"
	ProtoSOCKS4 Proto = "socks4"
	ProtoSOCKS5 Proto = "socks5"
)

// Protos lists the protocols.
func Protos() []Proto {
	return []Proto{ProtoSMTP, ProtoIMAP, ProtoPOP3, ProtoTLS, ProtoDNS, ProtoUnknown, ProtoHTTP, ProtoSOCKS4, ProtoSOCKS5}
}

// Direction is which way a message crossed the wire.
type Direction string

const (
	DirectionSent     Direction = "sent"     // SMTP
	DirectionFetched  Direction = "fetched"  // IMAP FETCH, POP3 RETR/TOP
	DirectionAppended Direction = "appended" // IMAP APPEND
)

// Directions lists the directions.
func Directions() []Direction {
	return []Direction{DirectionSent, DirectionFetched, DirectionAppended}
}

// FindingID names a kind of finding; ids are stable slugs, and the
// catalogue (report/i18n) holds the text of each.
type FindingID string

// Findings raised by the dissectors.
const (
	FindingStartTLSNotOffered         FindingID = "starttls-not-offered"
	FindingStartTLSRefused            FindingID = "starttls-refused"
	FindingStartTLSNotUsed            FindingID = "starttls-not-used"
	FindingStartTLSPlaintextInjection FindingID = "starttls-plaintext-injection"
	FindingStartTLSNotTLS             FindingID = "starttls-not-tls"
	FindingLoginDisabledIgnored       FindingID = "login-disabled-ignored"
	FindingIMAPPreauth                FindingID = "imap-preauth"
	FindingSpoofedSender              FindingID = "spoofed-sender"
	FindingAttachmentTypeMismatch     FindingID = "attachment-type-mismatch"
	FindingImplicitTLS                FindingID = "implicit-tls"
	FindingWeakTLS                    FindingID = "weak-tls"
	FindingTLSSelfSignedCertificate   FindingID = "tls-self-signed-certificate"
	FindingTLSExpiredCertificate      FindingID = "tls-expired-certificate"
	FindingTLSNameMismatch            FindingID = "tls-name-mismatch"
	FindingTLSHandshakeFailed         FindingID = "tls-handshake-failed"
	FindingCaptureTruncated           FindingID = "capture-truncated"
	FindingPayloadTruncated           FindingID = "payload-truncated"
	FindingSMTPRefusedDataSent        FindingID = "smtp-refused-data-sent"
	FindingMailThroughProxy           FindingID = "mail-through-proxy"
)

// Findings derived from several records by the report.
const (
	FindingCleartextCredentials FindingID = "cleartext-credentials"
	FindingCleartextMessage     FindingID = "cleartext-message"
	FindingAttachmentExposed    FindingID = "attachment-exposed"
	FindingSMIMESigned          FindingID = "smime-signed"
	FindingSMIMEEncrypted       FindingID = "smime-encrypted"
	FindingTLSDowngradeRetry    FindingID = "tls-downgrade-retry"
	FindingMXLookup             FindingID = "mx-lookup"
	FindingDeletedNotExpunged   FindingID = "imap-deleted-not-expunged"
	FindingKeylogCredentials    FindingID = "keylog-credentials"
	FindingSenderUnverified     FindingID = "sender-unverified"
)

// FindingIDs lists every finding id, in the order above.
func FindingIDs() []FindingID {
	return []FindingID{
		FindingStartTLSNotOffered, FindingStartTLSRefused, FindingStartTLSNotUsed, FindingStartTLSPlaintextInjection,
		FindingStartTLSNotTLS, FindingLoginDisabledIgnored, FindingIMAPPreauth, FindingSpoofedSender,
		FindingAttachmentTypeMismatch, FindingImplicitTLS, FindingWeakTLS, FindingTLSSelfSignedCertificate,
		FindingTLSExpiredCertificate, FindingTLSNameMismatch, FindingTLSHandshakeFailed, FindingCaptureTruncated,
		FindingPayloadTruncated, FindingCleartextCredentials, FindingCleartextMessage, FindingAttachmentExposed,
		FindingSMIMESigned, FindingSMIMEEncrypted, FindingTLSDowngradeRetry, FindingMXLookup, FindingDeletedNotExpunged,
		FindingSMTPRefusedDataSent, FindingMailThroughProxy, FindingKeylogCredentials, FindingSenderUnverified,
	}
}

// Valid reports whether s is one of the security values.
func (s Security) Valid() bool {
	for _, v := range Securities() {
		if s == v {
			return true
		}
	}
	return false
}

// Valid reports whether d is one of the directions.
func (d Direction) Valid() bool {
	for _, v := range Directions() {
		if d == v {
			return true
		}
	}
	return false
}
