package conformance

// Reasons shared by several captures.
const (
	tsharkIMAPSASL = "tshark does not decode IMAP AUTHENTICATE: the credential is in the base64 SASL exchange, which " +
		"mailwire decodes"
	tsharkProbe = "the script checks that the proxy listens by opening and closing a connection to it: tshark " +
		"lists that empty connection as a session, mailwire reports mail sessions only"
	tsharkProxyCred = "tshark's credential list leaves out the proxy login (SOCKS5 username/password, HTTP Basic " +
		"Proxy-Authorization); mailwire reports it"
	tsharkCRAM = "CRAM-MD5 sends no password: mailwire reports the user and the crackable hash (password empty), " +
		"tshark reports nothing"
)

// tsharkDifferences are the known disagreements on the project's captures,
// each where tshark is wrong or blind and the capture shows mailwire right.
// diff is matched against crossDiff.String().
var tsharkDifferences = []tsharkDifference{
	{"smtp-bdat.pcap", `^command seen by mailwire only: smtp BDAT at frame`,
		"each BDAT command line shares its segment with the chunk it announces; tshark 4.0 shows the segment as " +
			"message data and never lists BDAT as a request"},

	{"smtp-auth-fail.pcap", `^credential seen by tshark only: smtp \(not base64: \*\)/$`,
		"the client cancels AUTH LOGIN with '*' (501 Authentication aborted); tshark takes '*' as the base64 username"},
	{"smtp-auth-fail.pcap", `^credential seen by mailwire only: smtp /$`,
		"mailwire records the cancelled AUTH LOGIN as a refused attempt with no username (accepted false, reply 501)"},

	{"smtp-auth-cram-md5.pcap", `^credential seen by mailwire only: smtp alice/$`, tsharkCRAM},
	{"imap-auth-cram-md5.pcap", `^credential seen by mailwire only: imap alice/$`, tsharkCRAM},

	{"imap-auth-login.pcap", `^credential seen by mailwire only: imap alice/Wonderland!42$`, tsharkIMAPSASL},
	{"imap-auth-plain.pcap", `^credential seen by mailwire only: imap alice/Wonderland!42$`, tsharkIMAPSASL},
	{"imap-auth-plain-ir.pcap", `^credential seen by mailwire only: imap alice/Wonderland!42$`, tsharkIMAPSASL},
	{"imap-curl.pcap", `^credential seen by mailwire only: imap alice/Wonderland!42$`,
		"curl logs in with AUTHENTICATE PLAIN and its initial response; " + tsharkIMAPSASL},

	{"imap-login-literal.pcap", `^command seen by tshark only: imap \{13\+\} at frame`,
		"LOGIN sends the user as the literal {5} and the password as {13+}; tshark parses the line after each " +
			"literal as a new request (tag 'alice', command '{13+}')"},
	{"imap-login-literal.pcap", `^credential seen by mailwire only: imap alice/Wonderland!42$`,
		"tshark takes the literal markers as the LOGIN arguments ('{5}' as the user, no password) and reports no credential"},

	{"imap-append.pcap", `^command seen by tshark only: imap \S+ at frame`,
		"APPEND sends the message as a literal; tshark parses its lines as IMAP requests (first word as the tag, " +
			"second as the command)"},

	{"pop3-auth-plain.pcap", `^command seen by tshark only: pop3 [A-Z0-9+/=]+ at frame`,
		"the AUTH PLAIN response after '+ ' is a base64 line, not a command; tshark lists it as one"},
	{"pop3-auth-plain.pcap", `^credential seen by mailwire only: pop3 bob/B0b-secret$`,
		"tshark does not decode POP3 AUTH (SASL); mailwire decodes both AUTH PLAIN logins"},
	{"pop3-apop.pcap", `^credential seen by mailwire only: pop3 bob/$`,
		"APOP sends an MD5 digest, not the password: mailwire reports the user and the crackable hash, tshark nothing"},
	{"tunnel-socks5.pcap", `^session seen by tshark only: 127\.0\.0\.1:1080 <-> `, tsharkProbe},
	{"tunnel-socks5.pcap", `^credential seen by mailwire only: socks5 proxyuser/Pr0xy-pass$`, tsharkProxyCred},
	{"tunnel-http-connect.pcap", `^session seen by tshark only: 127\.0\.0\.1:3128 <-> `, tsharkProbe},
	{"tunnel-http-connect.pcap", `^command seen by mailwire only: smtp (EHLO|MAIL|RCPT|DATA|QUIT) at`,
		"tshark does not dissect what an HTTP CONNECT tunnel on 3128 carries; mailwire reads the SMTP session inside it"},
	{"tunnel-http-connect.pcap", `^credential seen by mailwire only: http proxyuser/Pr0xy-pass$`, tsharkProxyCred},
}
