package i18n

// recordEN holds the English titles and details that the JSON contract
// writes for the findings derived in report/findings, where the reports
// word them in the catalogue's own way; English only, as the contract
// is. A {name_q} placeholder is the value quoted as Go quotes it.
var recordEN = map[string]string{
	"cleartext-credentials.title":            "{proto} credentials of {user_q} sent in clear ({mechanism})",
	"cleartext-credentials.detail":           "The password crossed the network readable: anyone on the path can log in as this user.",
	"cleartext-credentials.detail.challenge": "A challenge-response crossed the network in clear: it can be cracked offline and identifies the user.",
	"keylog-credentials.title":               "{proto} credentials of {user_q} visible only with the key log ({mechanism})",
	"keylog-credentials.detail":              "Visible only with your key log: an eavesdropper saw {bytes} encrypted bytes on this session, not the login.",
	"cleartext-message.title":                "Message {subject_q} {direction} in clear",
	"cleartext-message.detail":               "Headers and body of the message crossed the network readable: anyone on the path can read and alter them.",
	"cleartext-message.detail.encrypted":     "The body is S/MIME encrypted, but sender, recipients and subject crossed the network readable.",
	"attachment-exposed.title":               "Attachment {files} readable on the wire",
	"attachment-exposed.detail":              "The attachment travels base64-encoded inside the message: anyone on the path can decode it and get the file.",
	"smime-signed.title":                     "S/MIME signed message {subject_q} ({type})",
	"smime-signed.detail":                    "The signature proves who wrote the message and that it was not altered; it does not hide the content.",
	"smime-encrypted.title":                  "S/MIME encrypted message {subject_q}: body protected, headers visible",
	"smime-encrypted.detail":                 "Only the holder of the recipient's private key can read the body; it lives in the mail client (Thunderbird), so a webmail cannot decrypt it. From, To and Subject stay readable.",
	"tls-downgrade-retry.title":              "Client {client} retried in clear after TLS failed on session {failed}",
	"tls-downgrade-retry.detail":             "An attacker who breaks the TLS handshake gets the client to talk in clear: the client should refuse instead of falling back.",
	"mx-lookup.title":                        "MX of {domain}: {mx}",
	"mx-lookup.detail":                       "The MX records name the servers that receive mail for the domain; the look-up itself travels in clear.",
	"imap-deleted-not-expunged.title":        "Message {set} flagged \\Deleted but never expunged",
	"imap-deleted-not-expunged.detail":       "STORE \\Deleted only sets a flag: the message stays on the server until EXPUNGE or CLOSE removes it.",
}

// RecordText is the contract's English sentence recordEN holds under
// key, its placeholders filled from the name, value pairs of kv; it
// panics on a key it lacks, which only a change of code can cause.
func RecordText(key string, kv ...string) string {
	s, ok := recordEN[key]
	if !ok {
		panic("i18n: no contract sentence " + key)
	}
	return fill(s, kv)
}
