package record

// Warnings of the capture, the reassembly and each dissector. Their
// sentences are the catalogue's "warning.<id>".
const (
	// the capture file and the reassembly of its streams
	WarnCaptureSessionsSkipped WarningID = "capture-sessions-skipped"
	WarnCaptureSessionsSampled WarningID = "capture-sessions-sampled"
	WarnCaptureCutShort        WarningID = "capture-cut-short"
	WarnCaptureDamaged         WarningID = "capture-damaged"
	WarnCaptureSnapLength      WarningID = "capture-snap-length"
	WarnCaptureGaps            WarningID = "capture-gaps"
	WarnCaptureOverlaps        WarningID = "capture-overlaps"
	WarnCaptureEvicted         WarningID = "capture-evicted"
	WarnCaptureLiveDrops       WarningID = "capture-live-drops"
	// a session
	WarnSessionWarningsDropped WarningID = "session-warnings-dropped"
	// one message
	WarnMessageWarningsDropped WarningID = "message-warnings-dropped"
	WarnMessageNoReply         WarningID = "message-no-reply"
	WarnMessageRefused         WarningID = "message-refused"
	WarnMessageBytesMissing    WarningID = "message-bytes-missing"
	WarnMessageFetchNotSeen    WarningID = "message-fetch-not-seen"
	WarnMessageNotKept         WarningID = "message-not-kept"
	// IMAP
	WarnIMAPLoginLiteralIncomplete WarningID = "imap-login-literal-incomplete"
	WarnIMAPNotACommand            WarningID = "imap-not-a-command"
	WarnIMAPReplyBeforeCommand     WarningID = "imap-reply-before-command"
	WarnIMAPTooManyPending         WarningID = "imap-too-many-pending"
	WarnIMAPDeflateNoFlush         WarningID = "imap-deflate-no-flush"
	WarnIMAPDeflateTooLarge        WarningID = "imap-deflate-too-large"
	WarnIMAPDeflateUnreadable      WarningID = "imap-deflate-unreadable"
	WarnIMAPLiteralGap             WarningID = "imap-literal-gap"
	WarnIMAPLiteralGapResync       WarningID = "imap-literal-gap-resync"
	WarnIMAPGap                    WarningID = "imap-gap"
	WarnIMAPLineCut                WarningID = "imap-line-cut"
	WarnIMAPTextCut                WarningID = "imap-text-cut"
	WarnIMAPLiteralTooLarge        WarningID = "imap-literal-too-large"
	WarnIMAPLiteralsTooLarge       WarningID = "imap-literals-too-large"
	WarnIMAPNoTLSAfterStartTLS     WarningID = "imap-no-tls-after-starttls"
	WarnIMAPDeflateGap             WarningID = "imap-deflate-gap"
	WarnIMAPHeldTooLong            WarningID = "imap-held-too-long"
	WarnIMAPMailboxEventsDropped   WarningID = "imap-mailbox-events-dropped"
	WarnIMAPNotAResponse           WarningID = "imap-not-a-response"
	WarnIMAPReplyLost              WarningID = "imap-reply-lost"
	// MIME messages
	WarnMIMEBadAddresses           WarningID = "mime-bad-addresses"
	WarnMIMETooManyReceived        WarningID = "mime-too-many-received"
	WarnMIMEAttachmentTooLarge     WarningID = "mime-attachment-too-large"
	WarnMIMEAttachmentDecode       WarningID = "mime-attachment-decode"
	WarnMIMEUnknownEncoding        WarningID = "mime-unknown-encoding"
	WarnMIMEPartDecode             WarningID = "mime-part-decode"
	WarnMIMENoHeader               WarningID = "mime-no-header"
	WarnMIMEMalformedHeader        WarningID = "mime-malformed-header"
	WarnMIMETooManyFields          WarningID = "mime-too-many-fields"
	WarnMIMEOrphanContinuation     WarningID = "mime-orphan-continuation"
	WarnMIMEUnindentedContinuation WarningID = "mime-unindented-continuation"
	WarnMIMEMboxSeparator          WarningID = "mime-mbox-separator"
	// S/MIME
	WarnSMIMESignedParts         WarningID = "smime-signed-parts"
	WarnSMIMEUnknownProtocol     WarningID = "smime-unknown-protocol"
	WarnSMIMECertsOnly           WarningID = "smime-certs-only"
	WarnSMIMENotCMS              WarningID = "smime-not-cms"
	WarnSMIMEOtherCMS            WarningID = "smime-other-cms"
	WarnSMIMESignedUnreadable    WarningID = "smime-signed-unreadable"
	WarnSMIMESignatureUnreadable WarningID = "smime-signature-unreadable"
	WarnSMIMENoSigner            WarningID = "smime-no-signer"
	WarnSMIMEManySigners         WarningID = "smime-many-signers"
	WarnSMIMENoSignerCert        WarningID = "smime-no-signer-certificate"
	WarnSMIMEEnvelopedUnreadable WarningID = "smime-enveloped-unreadable"
	// MIME messages
	WarnMIMETooManyParts    WarningID = "mime-too-many-parts"
	WarnMIMETooDeep         WarningID = "mime-too-deep"
	WarnMIMEMalformedType   WarningID = "mime-malformed-type"
	WarnMIMENoBoundary      WarningID = "mime-no-boundary"
	WarnMIMENoFinalBoundary WarningID = "mime-no-final-boundary"
	WarnMIMENotEncoded      WarningID = "mime-not-encoded"
	// POP3
	WarnPOP3AuthResponseNotBase64  WarningID = "pop3-auth-response-not-base64"
	WarnPOP3AuthChallengeNotBase64 WarningID = "pop3-auth-challenge-not-base64"
	WarnPOP3UnknownCommand         WarningID = "pop3-unknown-command"
	WarnPOP3CommandCut             WarningID = "pop3-command-cut"
	WarnPOP3TooManyPending         WarningID = "pop3-too-many-pending"
	WarnPOP3ClientGap              WarningID = "pop3-client-gap"
	WarnPOP3EndedInResponse        WarningID = "pop3-ended-in-response"
	WarnPOP3ServerGap              WarningID = "pop3-server-gap"
	WarnPOP3NotAReply              WarningID = "pop3-not-a-reply"
	WarnPOP3NoFinalDot             WarningID = "pop3-no-final-dot"
	WarnPOP3MessageLineCut         WarningID = "pop3-message-line-cut"
	WarnPOP3MessageTooLarge        WarningID = "pop3-message-too-large"
	WarnPOP3NoSTLSReply            WarningID = "pop3-no-stls-reply"
	// SMTP
	WarnSMTPReplyNotEnded        WarningID = "smtp-reply-not-ended"
	WarnSMTPUnsynced             WarningID = "smtp-unsynced"
	WarnSMTPTooManyPending       WarningID = "smtp-too-many-pending"
	WarnSMTPMessageTooLarge      WarningID = "smtp-message-too-large"
	WarnSMTPBodyWithoutDATAReply WarningID = "smtp-body-without-data-reply"
	WarnSMTPBDATGap              WarningID = "smtp-bdat-gap"
	WarnSMTPServerGarbage        WarningID = "smtp-server-garbage"
	WarnSMTPReplyInterleaved     WarningID = "smtp-reply-interleaved"
	WarnSMTPEarlyReply           WarningID = "smtp-early-reply"
	WarnSMTPUnmatchedReply       WarningID = "smtp-unmatched-reply"
	WarnSMTPRepliesLost          WarningID = "smtp-replies-lost"
	WarnSMTPLineCut              WarningID = "smtp-line-cut"
	WarnSMTPMessageGap           WarningID = "smtp-message-gap"
	WarnSMTPClientGap            WarningID = "smtp-client-gap"
	WarnSMTPServerGap            WarningID = "smtp-server-gap"
	WarnSMTPEndedInMessage       WarningID = "smtp-ended-in-message"
	// TLS
	WarnTLSMalformedCertificate  WarningID = "tls-malformed-certificate"
	WarnTLSCertificateUnreadable WarningID = "tls-certificate-unreadable"
	WarnTLSSSL2ServerHello       WarningID = "tls-ssl2-server-hello"
	WarnTLSNotTLS                WarningID = "tls-not-tls"
	WarnTLSHandshakeTooLarge     WarningID = "tls-handshake-too-large"
	WarnTLSMalformedClientHello  WarningID = "tls-malformed-client-hello"
	WarnTLSMalformedExtension    WarningID = "tls-malformed-extension"
	WarnTLSMalformedServerHello  WarningID = "tls-malformed-server-hello"
	WarnTLSMalformedSSL2Hello    WarningID = "tls-malformed-sslv2-hello"
	WarnTLSAlertSize             WarningID = "tls-alert-size"
	WarnTLSBadRecord             WarningID = "tls-bad-record"
	WarnTLSRecordTooLarge        WarningID = "tls-record-too-large"
	WarnTLSGap                   WarningID = "tls-gap"
	WarnSMIMEUnsupported         WarningID = "smime-unsupported"
	WarnSMIMEDecryptFailed       WarningID = "smime-decrypt-failed"
	WarnSMTPRecipientsDropped    WarningID = "smtp-recipients-dropped"
	WarnMessageRecipientsDropped WarningID = "message-recipients-dropped"
	WarnTLSNoClientHello         WarningID = "tls-no-client-hello"
	WarnTLSCipherNotDecryptable  WarningID = "tls-cipher-not-decryptable"
	WarnTLSNoSecret              WarningID = "tls-no-secret"
	WarnTLSKeyLogMissingLabel    WarningID = "tls-keylog-missing-label"
	WarnTLSKeyLogNoMaster        WarningID = "tls-keylog-no-master"
	WarnTLSCannotDecrypt         WarningID = "tls-cannot-decrypt"
	WarnTLSKeyLogMismatch        WarningID = "tls-keylog-mismatch"
	WarnTLSKeyLogMissingAppLabel WarningID = "tls-keylog-missing-app-label"
	WarnTLSCannotDecryptData     WarningID = "tls-cannot-decrypt-data"
	WarnTLSDecryptGap            WarningID = "tls-decrypt-gap"
	WarnTunnelGap                WarningID = "tunnel-gap"
	WarnTunnelTooLong            WarningID = "tunnel-too-long"
	WarnTunnelRefused            WarningID = "tunnel-refused"
	WarnTunnelNoMail             WarningID = "tunnel-no-mail"
	WarnTunnelUnknownAddress     WarningID = "tunnel-unknown-address"
	WarnStartTLSNoReply          WarningID = "starttls-no-reply"
	WarnStartTLSNoCapturedReply  WarningID = "starttls-no-captured-reply"
	WarnStartTLSNoTLS            WarningID = "starttls-no-tls"
	WarnMIMEHeaderWindows1252    WarningID = "mime-header-windows-1252"
	WarnSMTPReplyUnpaired        WarningID = "smtp-reply-unpaired"
	WarnIMAPLineNotCommand       WarningID = "imap-line-not-command"
	WarnIMAPTooManyListed        WarningID = "imap-too-many-listed"
	WarnCaptureDNSDropped        WarningID = "capture-dns-dropped"
	WarnCaptureMXDropped         WarningID = "capture-mx-dropped"
	WarnCaptureBigPackets        WarningID = "capture-big-packets"
	WarnCaptureInterfacesDropped WarningID = "capture-interfaces-dropped"
	WarnCaptureBlocksSkipped     WarningID = "capture-blocks-skipped"
	WarnCaptureFragmentsDropped  WarningID = "capture-fragments-dropped"
	WarnSessionCommandsDropped   WarningID = "session-commands-dropped"
	WarnSessionHeldBudget        WarningID = "session-held-budget"
	// a TLS key log's lines, cited by file and line
	WarnKeyLogLineTooLong     WarningID = "keylog-line-too-long"
	WarnKeyLogFields          WarningID = "keylog-fields"
	WarnKeyLogClientRandom    WarningID = "keylog-client-random"
	WarnKeyLogSecretNotHex    WarningID = "keylog-secret-not-hex"
	WarnKeyLogMasterLength    WarningID = "keylog-master-length"
	WarnKeyLogSecretLength    WarningID = "keylog-secret-length"
	WarnKeyLogTooManySessions WarningID = "keylog-too-many-sessions"
	WarnKeyLogMoreMalformed   WarningID = "keylog-more-malformed"
)

// WarningIDs lists every warning id.
func WarningIDs() []WarningID {
	return []WarningID{
		WarnCaptureSessionsSkipped,
		WarnCaptureSessionsSampled,
		WarnCaptureCutShort,
		WarnCaptureDamaged,
		WarnCaptureSnapLength,
		WarnCaptureGaps,
		WarnCaptureOverlaps,
		WarnCaptureEvicted,
		WarnCaptureLiveDrops,
		WarnSessionWarningsDropped,
		WarnMessageWarningsDropped,
		WarnMessageNoReply,
		WarnMessageRefused,
		WarnMessageBytesMissing,
		WarnMessageNotKept,
		WarnMessageFetchNotSeen,
		WarnIMAPLoginLiteralIncomplete,
		WarnIMAPNotACommand,
		WarnIMAPReplyBeforeCommand,
		WarnIMAPTooManyPending,
		WarnIMAPDeflateNoFlush,
		WarnIMAPDeflateTooLarge,
		WarnIMAPDeflateUnreadable,
		WarnIMAPLiteralGap,
		WarnIMAPLiteralGapResync,
		WarnIMAPGap,
		WarnIMAPLineCut,
		WarnIMAPTextCut,
		WarnIMAPLiteralTooLarge,
		WarnIMAPLiteralsTooLarge,
		WarnIMAPNoTLSAfterStartTLS,
		WarnIMAPDeflateGap,
		WarnIMAPHeldTooLong,
		WarnIMAPMailboxEventsDropped,
		WarnIMAPNotAResponse,
		WarnIMAPReplyLost,
		WarnMIMEBadAddresses,
		WarnMIMETooManyReceived,
		WarnMIMEAttachmentTooLarge,
		WarnMIMEAttachmentDecode,
		WarnMIMEUnknownEncoding,
		WarnMIMEPartDecode,
		WarnMIMENoHeader,
		WarnMIMEMalformedHeader,
		WarnMIMETooManyFields,
		WarnMIMEOrphanContinuation,
		WarnMIMEUnindentedContinuation,
		WarnMIMEMboxSeparator,
		WarnSMIMESignedParts,
		WarnSMIMEUnknownProtocol,
		WarnSMIMECertsOnly,
		WarnSMIMENotCMS,
		WarnSMIMEOtherCMS,
		WarnSMIMESignedUnreadable,
		WarnSMIMESignatureUnreadable,
		WarnSMIMENoSigner,
		WarnSMIMEManySigners,
		WarnSMIMENoSignerCert,
		WarnSMIMEEnvelopedUnreadable,
		WarnMIMETooManyParts,
		WarnMIMETooDeep,
		WarnMIMEMalformedType,
		WarnMIMENoBoundary,
		WarnMIMENoFinalBoundary,
		WarnMIMENotEncoded,
		WarnPOP3AuthResponseNotBase64,
		WarnPOP3AuthChallengeNotBase64,
		WarnPOP3UnknownCommand,
		WarnPOP3CommandCut,
		WarnPOP3TooManyPending,
		WarnPOP3ClientGap,
		WarnPOP3EndedInResponse,
		WarnPOP3ServerGap,
		WarnPOP3NotAReply,
		WarnPOP3NoFinalDot,
		WarnPOP3MessageLineCut,
		WarnPOP3MessageTooLarge,
		WarnPOP3NoSTLSReply,
		WarnSMTPReplyNotEnded,
		WarnSMTPUnsynced,
		WarnSMTPTooManyPending,
		WarnSMTPMessageTooLarge,
		WarnSMTPBodyWithoutDATAReply,
		WarnSMTPBDATGap,
		WarnSMTPServerGarbage,
		WarnSMTPReplyInterleaved,
		WarnSMTPEarlyReply,
		WarnSMTPUnmatchedReply,
		WarnSMTPRepliesLost,
		WarnSMTPLineCut,
		WarnSMTPMessageGap,
		WarnSMTPClientGap,
		WarnSMTPServerGap,
		WarnSMTPEndedInMessage,
		WarnTLSMalformedCertificate,
		WarnTLSCertificateUnreadable,
		WarnTLSSSL2ServerHello,
		WarnTLSNotTLS,
		WarnTLSHandshakeTooLarge,
		WarnTLSMalformedClientHello,
		WarnTLSMalformedExtension,
		WarnTLSMalformedServerHello,
		WarnTLSMalformedSSL2Hello,
		WarnTLSAlertSize,
		WarnTLSBadRecord,
		WarnTLSRecordTooLarge,
		WarnTLSGap,
		WarnSMIMEUnsupported,
		WarnSMIMEDecryptFailed,
		WarnSMTPRecipientsDropped,
		WarnMessageRecipientsDropped,
		WarnTLSNoClientHello,
		WarnTLSCipherNotDecryptable,
		WarnTLSNoSecret,
		WarnTLSKeyLogMissingLabel,
		WarnTLSKeyLogNoMaster,
		WarnTLSCannotDecrypt,
		WarnTLSKeyLogMismatch,
		WarnTLSKeyLogMissingAppLabel,
		WarnTLSCannotDecryptData,
		WarnTLSDecryptGap,
		WarnTunnelGap,
		WarnTunnelTooLong,
		WarnTunnelRefused,
		WarnTunnelNoMail,
		WarnTunnelUnknownAddress,
		WarnStartTLSNoReply,
		WarnStartTLSNoCapturedReply,
		WarnStartTLSNoTLS,
		WarnMIMEHeaderWindows1252,
		WarnSMTPReplyUnpaired,
		WarnIMAPLineNotCommand,
		WarnIMAPTooManyListed,
		WarnCaptureDNSDropped,
		WarnCaptureMXDropped,
		WarnCaptureBigPackets,
		WarnCaptureInterfacesDropped,
		WarnCaptureBlocksSkipped,
		WarnCaptureFragmentsDropped,
		WarnSessionCommandsDropped,
		WarnSessionHeldBudget,
		WarnKeyLogLineTooLong,
		WarnKeyLogFields,
		WarnKeyLogClientRandom,
		WarnKeyLogSecretNotHex,
		WarnKeyLogMasterLength,
		WarnKeyLogSecretLength,
		WarnKeyLogTooManySessions,
		WarnKeyLogMoreMalformed,
	}
}
