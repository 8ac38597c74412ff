package i18n

// dissectEN holds the English sentences of the findings the protocol
// dissectors raise about broken STARTTLS, refused DATA, tunnels and
// malformed input; merged into the English catalogue.
var dissectEN = map[string]string{
	"finding.smtp-refused-data-sent.title":  "Message text sent although the server refused DATA",
	"finding.smtp-refused-data-sent.detail": "The server refused DATA with {code}, yet the client sent {lines} lines ({bytes} bytes) of its message, which crossed in clear; the server answered {replies} of them as unknown commands.",
	"finding.mail-through-proxy.title":      "Mail went through a {kind} proxy at {proxy} to {target}",
	"finding.mail-through-proxy.detail":     "The proxy handshake crossed in clear: anyone on the path sees where the mail was headed, and any proxy credential.",
}
