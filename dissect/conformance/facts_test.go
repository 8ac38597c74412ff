package conformance

// Folders of the peer corpus.
const (
	sv    = "suricata-verify/tests/"
	ndpi  = "nDPI/tests/cfgs/default/pcap/"
	cred  = "CredSLayer/tests/samples/"
	ppp   = "PcapPlusPlus/"
	pcz   = "PCredz/tests/"
	merc  = "mercury/unit_tests/pcaps/"
	cs    = "chrissanders-packets/"
	marko = "markofu-pcaps/"
)

// mimeDec are suricata's MIME decoder tests: the same session carrying
// variations of one message.
var mimeDec = []string{
	"full-msg-test01", "full-msg-test02", "line-test01", "line-test02",
	"long-filename01", "long-filename02", "odd-len", "rem-sp", "small-rem-inp",
}

// peerFacts: what the peers' test suites expect, as listed in MANIFEST.md.
var peerFacts = append(mimeDecFacts(), []fact{
	// suricata-verify: eve.json smtp/email/fileinfo/flow checks.
	{name: "suricata/bug-1045/message-id", file: sv + "bug-1045/smtpsuricataflowbitsFN.pcap",
		check: messageID("<alpine.DEB.2.00.1311261630120.9535@sd-26634.dedibox.fr>")},
	{name: "suricata/bug-1449-01/helo", file: sv + "bug-1449-01/suricata_stackoverflow.pcap",
		check: helo("bug.client")},
	{name: "suricata/bug-3616/envelope", file: sv + "bug-3616-smtp/input.pcap",
		check: envelope("<gurpartap@patriots.in>", "<raj_deol2002in@yahoo.co.in>")},
	{name: "suricata/bug-3616/decoder-stats", file: sv + "bug-3616-smtp/input.pcap", check: captureStats(60, 26866)},
	{name: "suricata/bug-3616/helo", file: sv + "bug-3616-smtp/input.pcap", check: helo("GP")},
	{name: "suricata/bug-3616/header-from-to", file: sv + "bug-3616-smtp/input.pcap",
		check: all(headerFrom(`"Gurpartap Singh" <gurpartap@patriots.in>`), headerTo("<raj_deol2002in@yahoo.co.in>"))},
	{name: "suricata/bug-3616/attachment", file: sv + "bug-3616-smtp/input.pcap",
		check: attachment("NEWS.txt", 10807, "")},
	{name: "suricata/bug-3616/subject-md5", file: sv + "bug-3616-smtp/input.pcap",
		check: subjectMD5("c2239a92bde29f0a9f9173193cc2fe00")},
	{name: "suricata/bug-6207-1/rfc2231-attachment", file: sv + "bug-6207-1/input.pcap",
		check: all(helo("smtp.intra"), envelope("blah@smtp.lab.com", "test@wut.com"),
			attachment("smtptest-2021-02-25T13-54-22Z-aefb2fc1308d62f4b6c74769f69b13ddf80e995fd98ae442f3be499ea", 286, ""))},
	{name: "suricata/bug-6207-2/rfc2231-attachment", file: sv + "bug-6207-2/input.pcap",
		check: all(helo("smtp.intra"), envelope("blah@smtp.lab.com", "test@wut.com"),
			attachment("smtptest-2021-02-25T13-54-22Z-aefb2fc1308d62f4b6c74769f69b13ddf80e995fd98ae442f3be499ea", 2,
				"73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049"))},
	{name: "suricata/detect-email-received/received", file: sv + "detect-email-received/input.pcap",
		check: received(
			"from client.local (client.local [10.0.0.1]) by smtp.relay1.com with ESMTP id relay1abc;",
			"from smtp.relay1.com (smtp.relay1.com [10.0.0.10]) by smtp.relay2.com with ESMTP id rel",
			"from smtp.relay2.com (smtp.relay2.com [10.0.0.20]) by smtp.destination.com with ESMTP i"),
		bug: "the EHLO reply is a lone '250-' continuation line closed by the MAIL reply '250 ok'; every later reply " +
			"pairs with the command before its own, DATA's 354 goes to the last RCPT and the message (Subject 'Test Email', " +
			"three Received headers, frames 38-58) is never reported (dissect/smtp)"},
	{name: "suricata/dns-eve-type-filtering/questions", file: sv + "dns-eve-type-filtering/test.pcap",
		check: all(dnsQuestions("A", 2), dnsQuestions("AAAA", 2), dnsQuestions("MX", 3))},
	{name: "suricata/dns-udp-google/mx", file: sv + "dns/dns-udp-eve-log-answer-only/dns-udp-google.com-a-aaaa-mx.pcap",
		check: all(dnsQuestions("A", 1), dnsQuestions("AAAA", 1), dnsQuestions("MX", 1),
			mxAnswers("google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com", "alt3.aspmx.l.google.com",
				"alt4.aspmx.l.google.com", "aspmx.l.google.com"))},
	{name: "suricata/firewall-122/envelope", file: sv + "firewall/ruletype-firewall-122-smtp/smtp-simple-session.pcap",
		check: envelope("<alice@example.com>", "<bob@example.com>")},
	{name: "suricata/firewall-125/two-recipients", file: sv + "firewall/ruletype-firewall-125-smtp-all-rcpts-required-drop/two-rcpt.pcap",
		check: envelope("<alice@example.com>", "<bob@example.com>", "<alice@example.com>")},
	{name: "suricata/firewall-127/interactive-commands", file: sv + "firewall/ruletype-firewall-127-smtp-interactive-commands/smtp-interactive.pcap",
		check: all(envelope("<alice@example.com>", "<bob@example.com>"), command("VRFY", ""), command("EXPN", ""), command("HELP", ""))},
	{name: "suricata/firewall-128/rset-then-new-sender", file: sv + "firewall/ruletype-firewall-128-smtp-rset-next-tx-delivered/smtp-rset-change-sender.pcap",
		check: all(command("MAIL", "FROM:<alice@example.com>"), command("RSET", ""), messages("sent", 1),
			envelope("<bob@example.com>", "<alice@example.com>"))},
	{name: "suricata/firewall-130/rset-after-rcpt", file: sv + "firewall/ruletype-firewall-130-smtp-rset-after-rcpt/smtp-rset-after-rcpt.pcap",
		check: all(commands("MAIL", "FROM:<alice@example.com>", 2), commands("RCPT", "TO:<bob@example.com>", 2),
			messages("sent", 1), envelope("<alice@example.com>", "<bob@example.com>"))},
	{name: "suricata/firewall-131/quit-after-mail", file: sv + "firewall/ruletype-firewall-131-smtp-quit-after-mail-from/smtp-quit-after-mail.pcap",
		check: all(command("MAIL", "FROM:<alice@example.com>"), commands("RCPT", "", 0), messages("sent", 0))},
	{name: "suricata/firewall-132/nested-mail", file: sv + "firewall/ruletype-firewall-132-smtp-nested-mail-from/smtp-nested-mail.pcap",
		check: all(messages("sent", 1), envelope("<alice@example.com>", "<bob@example.com>"))},
	{name: "suricata/firewall-134/rset-then-quit", file: sv + "firewall/ruletype-firewall-134-smtp-rset-then-quit/smtp-rset-then-quit.pcap",
		check: all(command("MAIL", "FROM:<alice@example.com>"), command("RCPT", "TO:<bob@example.com>"), messages("sent", 0))},
	{name: "suricata/firewall-135/three-messages", file: sv + "firewall/ruletype-firewall-135-smtp-multi-mail-accept/smtp-multi-mail.pcap",
		check: all(messages("sent", 3), envelope("<alice@example.com>", "<bob@example.com>"),
			envelope("<bob@example.com>", "<alice@example.com>"),
			envelope("<alice@example.com>", "<bob@example.com>", "<alice@example.com>"))},
	{name: "suricata/firewall-139/pipelined-after-data", file: sv + "firewall/ruletype-firewall-139-smtp-pipelined-post-data-mail-from/smtp-pipelined-post-data-mail-from.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"))},
	{name: "suricata/firewall-140/pipelined-rset-sequence", file: sv + "firewall/ruletype-firewall-140-smtp-pipelined-post-data-rset-sequence/smtp-pipelined-post-data-rset-sequence.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"))},
	{name: "suricata/imap-detection/flow", file: sv + "imap-detection/input.pcap",
		check: all(sessions(1), session("131.151.32.21:4167", "131.151.37.122:143", "imap", "cleartext"))},
	{name: "suricata/issue-4220/flow", file: sv + "issue-4220-01-ids/1flowB.pcap",
		check: all(sessions(1), session("10.15.6.146:30709", "10.15.2.203:25", "smtp", "cleartext"))},
	{name: "suricata/mime-dec-full-msg-test02/subject-date", file: sv + "mime/mime-dec-parse-full-msg-test02/input.pcap",
		check: all(subject("This is a test email"), date("Fri, 21 Apr 2023 05:10:36 +0000"))},
	{name: "suricata/mime-dec-long-filename01/attachment", file: sv + "mime/mime-dec-parse-long-filename01/input.pcap",
		check: attachment("12characters12characters12characters12characters12characters12characters12characters12c", 25, "")},
	{name: "suricata/mime-dec-long-filename02/attachment", file: sv + "mime/mime-dec-parse-long-filename02/input.pcap",
		check: attachment("12characters12characters12characters.exe", 25, "")},
	{name: "suricata/mime-quoted-printable/attachment", file: sv + "mime/mime-quoted-printable/input.pcap",
		check: attachment("related.patch", 34224, "359641873610597882317aee0f72104ed54fe8aa82d6fa323a5418e4529bd3b9")},
	{name: "suricata/mime-encap-8649-combined/inner-attachment", file: sv + "mime/smtp-mime-encap-8649-combined/input.pcap",
		check: attachment("malware.exe", -1, ""),
		bug: "a message/rfc822 part declared base64 whose body is plain text (an inner message with the attachment " +
			"malware.exe) is reported as a 115-byte attachment innocent.txt of decoded garbage; the inner message and its " +
			"attachment are never seen (dissect/message)"},
	{name: "suricata/pop3-02-bug-7709/pass-refused-then-accepted", file: sv + "pop3-02-bug-7709/input.pcap",
		check: all(sessions(2), credential("USER", "test@tt.com", "123456", no), credential("USER", "test", "123456", yes),
			credentialReply("test@tt.com", "the password incorrect"), command("LIST", ""), command("UIDL", ""), commands("QUIT", "", 2))},
	{name: "suricata/pop3-03-bug-7709/pass-refused-then-accepted", file: sv + "pop3-03-bug-7709/input.pcap",
		check: all(sessions(2), credential("USER", "test@tt.com", "123456", no), credential("USER", "test", "123456", yes),
			command("LIST", ""))},
	{name: "suricata/pop3-auth-01/xoauth2", file: sv + "pop3-auth-01/input.pcap",
		check: all(credential("XOAUTH2", "joe.speedboat", "", yes), command("CAPA", ""), command("STAT", ""),
			command("LIST", ""), command("UIDL", ""), command("QUIT", ""))},
	// suricata logs 56 transactions: the greeting and 55 commands.
	{name: "suricata/pop3/user-pass-and-49-top", file: sv + "pop3/input.pcap",
		check: all(commandTotal(55), credential("USER", "moises.nunez@ingenierianumar.com", "", yes), commands("TOP", "", 49),
			command("STAT", ""), command("LIST", ""), command("RSET", ""), command("UIDL", ""))},
	{name: "suricata/protocol-change-failed/starttls-without-tls", file: sv + "protocol-change-failed-event/input.pcap",
		check: all(starttls(true, true, false), session("127.0.0.1:34634", "127.0.0.1:25", "smtp", "starttls-failed"))},
	{name: "suricata/smtp-attachment-md5/eicar", file: sv + "smtp-attachment-md5/input.pcap",
		check: extractedMD5("attachment", "EICAR-Test-File", "44d88612fea8a8f36de82e1278abb02f")},
	{name: "suricata/smtp-bdat-bad-tail-next-mail/envelopes", file: sv + "smtp-bdat-bad-tail-next-mail/input.pcap",
		check: all(envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"), headerTo("alice@example.com"))},
	{name: "suricata/smtp-bdat-bad-tail-reply-queue/envelope", file: sv + "smtp-bdat-bad-tail-reply-queue/input.pcap",
		check: all(envelope("<alice@example.com>", "<bob@example.com>"), headerFrom("alice@example.com"), headerTo("bob@example.com"))},
	{name: "suricata/smtp-bdat-last-next-mail/envelopes", file: sv + "smtp-bdat-last-next-mail/input.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"), headerTo("alice@example.com"))},
	{name: "suricata/smtp-bdat-multichunk-inspection/envelopes", file: sv + "smtp-bdat-multichunk-inspection/input.pcap",
		check: all(messages("sent", 2), envelope("<a@example.com>", "<b@example.com>"), envelope("<evil@example.com>", "<victim@example.com>"))},
	{name: "suricata/smtp-bdat-multichunk-next-mail/envelopes", file: sv + "smtp-bdat-multichunk-next-mail/input.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"), headerTo("alice@example.com"))},
	{name: "suricata/smtp-bdat-pipelined-next-mail/envelopes", file: sv + "smtp-bdat-pipelined-next-mail/input.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"), headerTo("alice@example.com"))},
	{name: "suricata/smtp-bdat-zero-last-next-mail/envelopes", file: sv + "smtp-bdat-zero-last-next-mail/input.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"), headerTo("alice@example.com"))},
	{name: "suricata/smtp-bug-5981/winmail", file: sv + "smtp-bug-5981/input.pcap",
		check: all(helo("Percival"), envelope("<xxxxxx@xxxxx.co.uk>", "<xxxxxx@xxxxx.co.uk>"), headerFrom(`"Xxxxxx xxxx" <xxxxxx@xxxxx.co.uk>`),
			attachment("winmail.dat", 10451, "5f41c213e35d8421647181cc9b8925a5b2ab34c23102907581214fd574157fff"))},
	{name: "suricata/smtp-bug-5989/helo", file: sv + "smtp-bug-5989/input.pcap", check: helo("Percival")},
	{name: "suricata/smtp-bug-6053/helo", file: sv + "smtp-bug-6053/input.pcap", check: helo("Simone")},
	{name: "suricata/smtp-bug-6053/auth-login", file: sv + "smtp-bug-6053/input.pcap",
		check: credential("LOGIN", "galunt", "V1v1tr0n", yes),
		bug: "the EHLO reply is a lone '250-' continuation line; the next reply '334 VXNlcm5hbWU6' closes it instead of " +
			"answering AUTH LOGIN, so the username line 'Z2FsdW50' (galunt) is lost and the credential has an empty " +
			"username (dissect/smtp)"},
	{name: "suricata/smtp-data-rejected/attachment", file: sv + "smtp-data-rejected/10.7.29.101_49898-178.63.41.150_25.pcap",
		check: attachment("doc_S1800389114_H0060086.xls", -1, "2f4e7dba21a31bde1192ca03b489a9bd47281a28e206b3dcf245082a491e8e0a")},
	{name: "suricata/smtp-ehlo-reset-after-rejected-data/envelope", file: sv + "smtp-ehlo-reset-after-rejected-data/input.pcap",
		check: all(helo("client.example.com"), messages("sent", 1), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"), headerTo("alice@example.com"))},
	{name: "suricata/smtp-ehlo-reset/envelope", file: sv + "smtp-ehlo-reset/input.pcap",
		check: all(command("MAIL", "FROM:<alice@example.com>"), messages("sent", 1), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("bob@example.com"))},
	{name: "suricata/smtp-file-data-01/attachment", file: sv + "smtp-file-data-01/input.pcap",
		check: all(helo("client-1016363.example.int"), envelope("<sender@example.com>", "<recipient@example.com>"),
			headerFrom("<sender@example.com>"), headerTo("<recipient@example.com>"), attachment("J.txt", 16384, ""))},
	{name: "suricata/smtp-helo-reset-after-rcpt/envelope", file: sv + "smtp-helo-reset-after-rcpt/input.pcap",
		check: all(command("RCPT", "TO:<bob@example.com>"), messages("sent", 1), envelope("<bob@example.com>", "<alice@example.com>"))},
	{name: "suricata/smtp-long-DATA-line/winmail", file: sv + "smtp-long-DATA-line/input.pcap",
		check: all(helo("Percival"), attachment("winmail.dat", 10451, "c14d632ab473fb815381a33bc29103fe34a2bea0e3451a9eae8c6dc0bee2f3eb"))},
	{name: "suricata/smtp-long-command/helo", file: sv + "smtp-long-command/input.pcap",
		check: helo("OBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOBLAHOB")},
	{name: "suricata/smtp-no-helo-rset-helo-mail/envelope", file: sv + "smtp-no-helo-rset-helo-mail/input.pcap",
		check: all(command("RSET", ""), envelope("<alice@example.com>", "<bob@example.com>"))},
	{name: "suricata/smtp-pipelined-post-data-rset-sequence/envelopes", file: sv + "smtp-pipelined-post-data-rset-sequence/input.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"))},
	{name: "suricata/smtp-pipelined-rset-after-complete/envelopes", file: sv + "smtp-pipelined-rset-after-complete/input.pcap",
		check: all(messages("sent", 2), envelope("<alice@example.com>", "<bob@example.com>"), envelope("<bob@example.com>", "<alice@example.com>"),
			headerFrom("alice@example.com"), headerTo("bob@example.com"))},
	{name: "suricata/smtp-pipelined-rset-data-replies/helo", file: sv + "smtp-pipelined-rset-data-replies/input.pcap",
		check: helo("client.example")},
	{name: "suricata/smtp-pipelining/envelope", file: sv + "smtp-pipelining/input.pcap",
		check: envelope("<username@domain.com>", "<john.doe@example.com>")},
	{name: "suricata/smtp-quit/flow", file: sv + "smtp-quit/input.pcap",
		check: all(sessions(1), session("10.127.0.202:58121", "41.225.70.195:25", "smtp", "cleartext"))},
	{name: "suricata/smtp-raw-extraction/raw-message", file: sv + "smtp-raw-extraction/input.pcap",
		check: extractedSHA256("message", "", "018e4f86e830d85dc21cb54ee6554f01ac0b2a73a24f83c64b6acb489e8f4f3d")},
	{name: "suricata/smtp-rejected-ehlo-preserves-envelope/envelope", file: sv + "smtp-rejected-ehlo-preserves-envelope/input.pcap",
		check: all(helo("client.example.com"), envelope("<alice@example.com>", "<bob@example.com>")),
		bug: "a refused EHLO (501 Syntax: EHLO hostname) clears the envelope: RFC 5321 4.1.4 resets the transaction only " +
			"for an EHLO that succeeds, so the message must keep MAIL FROM:<alice@example.com> (envelope_from is empty) (dissect/smtp)"},
	{name: "suricata/smtp-rfc2231/attachment", file: sv + "smtp-rfc2231/input.pcap",
		check: attachment("smtptest-2021-02-25T13-54-22Z-aefb2fc1308d62f4b6c74769f69b13ddf80e995fd98ae442f3be499ea", -1, "")},
	{name: "suricata/smtp-startssl/helo-and-starttls", file: sv + "smtp-startssl/input.pcap",
		check: all(helo("desktop.unx.ca"), starttls(true, true, true), messages("sent", 0),
			session("10.16.1.11:34634", "142.250.123.27:25", "smtp", "starttls"))},
	{name: "suricata/smtp-tls-protodetect/tls-on-465", file: sv + "smtp-tls-protodetect/input.pcap",
		check: session("10.11.21.101:62353", "46.41.156.4:465", "tls", "implicit-tls")},
	{name: "suricata/smtp-to-comma/cc", file: sv + "smtp-to-comma/10.7.29.101_49898-178.63.41.150_25.pcap",
		check: ccOnly(`"jam,abrakadabra.ch" <mirjam@abrakadabra.ch>`)},
	{name: "suricata/tcp-async-01/imap-flow", file: sv + "tcp-async-01/input.pcap",
		check: all(sessions(1), session("10.0.1.150:55774", "123.125.50.47:143", "imap", "cleartext"))},

	// nDPI: ndpiReader's protocol per flow; only the mail flows, as
	// mailwire's session proto and security.
	{name: "ndpi/emotet/smtp-flow", file: ndpi + "emotet.pcap",
		check: all(sessions(1), session("10.2.25.102:57309", "193.252.22.84:587", "smtp", "cleartext"))},
	{name: "ndpi/imap-starttls/imaps-flow", file: ndpi + "imap-starttls.pcap",
		check: all(session("192.168.17.53:49640", "212.227.17.186:143", "imap", "starttls"), starttls(true, true, true),
			tlsHello("", "TLS 1.2"))},
	{name: "ndpi/imap/cleartext-username", file: ndpi + "imap.pcap",
		check: all(session("10.40.4.2:46045", "10.40.3.2:143", "imap", "cleartext"), credential("LOGIN", "samir", "", yes))},
	{name: "ndpi/imaps/two-flows", file: ndpi + "imaps.pcap",
		check: all(sessions(2), session("192.168.1.8:50506", "167.99.215.164:993", "tls", "implicit-tls"),
			session("192.168.0.1:51529", "10.10.10.1:993", "tls", "implicit-tls"),
			tlsHello("mail.ntop.org", "TLS 1.2"), tlsHello("imap.asia.secureserver.net", "TLS 1.2"))},
	{name: "ndpi/pop3/six-flows", file: ndpi + "pop3.pcap",
		check: all(sessions(6), session("192.168.0.4:26383", "212.227.15.166:110", "pop3", "cleartext"),
			session("143.225.229.181:35287", "74.208.5.28:110", "pop3", "cleartext"),
			session("192.168.0.4:26308", "212.227.15.166:110", "pop3", "cleartext"),
			session("192.168.0.4:26284", "212.227.15.166:110", "pop3", "cleartext"),
			session("192.168.0.4:26272", "212.227.15.166:110", "pop3", "cleartext"),
			session("192.168.0.4:26304", "212.227.15.166:110", "pop3", "cleartext"))},
	{name: "ndpi/pop3/cleartext-username", file: ndpi + "pop3.pcap",
		check: credential("USER", "cicciopernacchio@mail.com", "", yes)},
	{name: "ndpi/pop3-stls/pops-flow", file: ndpi + "pop3_stls.pcap",
		check: all(sessions(1), session("192.168.20.18:50583", "72.249.41.52:110", "pop3", "starttls"), starttls(true, true, true),
			tlsHello("pop.lavabit.com", "TLS 1.0"))},
	{name: "ndpi/pops/implicit-tls", file: ndpi + "pops.pcapng",
		check: all(sessions(1), session("192.168.0.1:55077", "10.10.10.1:995", "tls", "implicit-tls"),
			tlsHello("pop.secureserver.net", "TLS 1.2"))},
	{name: "ndpi/smtp-starttls/smtps-flow", file: ndpi + "smtp-starttls.pcap",
		check: all(session("10.0.0.1:57406", "173.194.68.26:25", "smtp", "starttls"), tlsHello("", "TLS 1.0"))},
	{name: "ndpi/smtp/flow", file: ndpi + "smtp.pcap",
		check: all(sessions(1), session("194.7.248.153:2127", "172.16.114.207:25", "smtp", "cleartext"))},
	{name: "ndpi/imap-starttls/certificate", file: ndpi + "imap-starttls.pcap",
		check: tlsCert("", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
			"C=DE, O=1&1 Mail & Media GmbH, ST=Rhineland-Palatinate, L=Montabaur, CN=imap.gmx.net",
			"C=DE, O=T-Systems International GmbH, OU=T-Systems Trust Center, ST=NRW, L=Netphen, CN=TeleSec ServerPass DE-1",
			"imap.gmx.net", "imap.gmx.de")},
	{name: "ndpi/imaps/certificate", file: ndpi + "imaps.pcap",
		check: all(tlsCert("mail.ntop.org", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "CN=mail.ntop.org",
			"C=US, O=Let's Encrypt, CN=Let's Encrypt Authority X3", "mail.ntop.org"),
			tlsCert("imap.asia.secureserver.net", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "", ""))},
	{name: "ndpi/pop3-stls/certificate", file: ndpi + "pop3_stls.pcap",
		check: tlsCert("pop.lavabit.com", "TLS_RSA_WITH_RC4_128_SHA", "O=*.lavabit.com, OU=Domain Control Validated, CN=*.lavabit.com",
			"C=US, ST=Arizona, L=Scottsdale, O=GoDaddy.com, Inc., OU=http://certificates.godaddy.com/repository, CN=Go Daddy Secure C",
			"*.lavabit.com", "lavabit.com")},
	{name: "ndpi/pop3-stls/obsolete-tls", file: ndpi + "pop3_stls.pcap",
		check: finding("weak-tls", "192.168.20.18:50583", "72.249.41.52:110")},
	{name: "ndpi/pops/cipher", file: ndpi + "pops.pcapng",
		check: tlsCert("pop.secureserver.net", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "", "")},
	{name: "ndpi/smtp-starttls/certificate", file: ndpi + "smtp-starttls.pcap",
		check: tlsCert("", "TLS_RSA_WITH_RC4_128_SHA", "C=US, ST=California, L=Mountain View, O=Google Inc, CN=mx.google.com",
			"C=US, O=Google Inc, CN=Google Internet Authority G2",
			"aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com", "alt3.aspmx.l.google.com", "alt4.aspmx.l.google.com")},
	{name: "ndpi/smtp-starttls/obsolete-tls", file: ndpi + "smtp-starttls.pcap",
		check: finding("weak-tls", "10.0.0.1:57406", "173.194.68.26:25")},
	{name: "ndpi/imap/cleartext-credentials", file: ndpi + "imap.pcap",
		check: finding("cleartext-credentials", "10.40.4.2:46045", "10.40.3.2:143")},
	{name: "ndpi/pop3/cleartext-credentials", file: ndpi + "pop3.pcap",
		check: finding("cleartext-credentials", "143.225.229.181:35287", "74.208.5.28:110")},
	{name: "ndpi/smtps/implicit-tls", file: ndpi + "smtps.pcapng",
		check: all(sessions(1), session("62.43.36.99:37682", "21.65.95.132:465", "tls", "implicit-tls"))},

	// CredSLayer: the credentials its tests expect.
	{name: "credslayer/smtp/auth-login", file: cred + "smtp.pcap",
		check: all(credentials(1), credential("LOGIN", "gurpartap@patriots.in", "punjab@123", yes))},
	{name: "credslayer/imap/login", file: cred + "imap.pcap",
		check: all(credentials(1), credential("LOGIN", "neulingern", "XXXXXX", yes))},
	{name: "credslayer/pop3/napier123-accepted", file: cred + "pop3.pcap",
		check: credential("PLAIN", "digitalinvestigator@networksims.com", "napier123", yes)},
	{name: "credslayer/smtp-creditcards/no-credentials", file: cred + "smtp-creditcards.pcap",
		check: all(credentials(0), messages("sent", 1))},

	// PcapPlusPlus: single SMTP packets, no reassembly.
	{name: "pcapplusplus/smtpCommand/smtp-on-port-25", file: ppp + "derived/smtpCommand.pcap",
		check: all(sessions(1), session("10.10.1.4:1470", "74.53.140.153:25", "smtp", "cleartext")),
		bug: "a lone client packet 'AUTH LOGIN' to port 25 (no handshake, no banner) is detected as IMAP (tag AUTH, " +
			"command LOGIN) although the port is SMTP's and LOGIN takes arguments in IMAP (dissect/detect.go)"},
	{name: "pcapplusplus/smtpIpv6/smtp-session", file: ppp + "derived/smtpIpv6.pcap",
		check: session("[2001:470:e5bf:dead:4957:2174:e82c:4887]:63943", "[2607:f8b0:400c:c03::1a]:25", "smtp", "cleartext")},
	{name: "pcapplusplus/smtpUser/no-credential-from-a-lone-line", file: ppp + "derived/smtpUser.pcap",
		check: credentials(0)},
	{name: "pcapplusplus/smtpPassword/no-credential-from-a-lone-line", file: ppp + "derived/smtpPassword.pcap",
		check: credentials(0)},

	// PCredz: the readable synthetic capture.
	{name: "pcredz/realistic/smtp-auth-plain", file: pcz + "realistic_network_traffic.pcap",
		check: all(session("192.168.1.100:54238", "10.0.0.25:587", "smtp", "cleartext"),
			credential("PLAIN", "noreply@company.com", "Email#Pass2024", nil))},

	// mercury: a mid-stream SMTP session.
	{name: "mercury/smtp/mid-stream-message", file: merc + "smtp.pcap",
		check: all(headerFrom("<bunchy@bunchy.org>"), subject("Hello there!!!"))},
	{name: "mercury/imap2/starttls", file: merc + "imap2.pcap",
		check: all(session("127.0.0.1:53477", "127.0.0.1:143", "imap", "starttls"), starttls(true, true, true), tlsHello("", "TLS 1.2"))},

	// chrissanders: the manifest's decode (no peer baseline).
	{name: "chrissanders/client-1/message", file: cs + "mail_sender_client_1.pcapng",
		check: all(helo("[172.16.16.225]"), envelope("<sanders@skynet.local>", "<sanders@cyberdyne.local>"),
			headerFrom("Chris Sanders <sanders@skynet.local>"), subject("Help!"), date("Tue, 29 Dec 2015 14:14:08 -0500"))},
	{name: "chrissanders/server-2/relay-hop", file: cs + "mail_sender_server_2.pcapng",
		check: all(sessions(2), helo("mail01"), messages("sent", 2), command("RCPT", "TO:<sanders@cyberdyne.local> ORCPT=rfc822;sanders@cyberdyne.local"))},
	{name: "chrissanders/receiver-3/imap-starttls", file: cs + "mail_receiver_server_3.pcapng",
		check: all(session("172.16.16.235:51147", "172.16.16.231:143", "imap", "starttls"), starttls(true, true, true),
			tlsHello("mail02.cyberdyne.local", "TLS 1.2"), subject("Help!"))},
	{name: "chrissanders/attachment/newguy-jpg", file: cs + "mail_sender_attachment.pcapng",
		check: all(envelope("<sanders@skynet.local>", "<ppa@skynet.local>"), subject("New Coworker"),
			attachment("newguy.jpg", 55180, ""), extractedMD5("attachment", "newguy.jpg", "bd4c39deacf643d6d7e50c8bda66a85d"))},

	// markofu: classic challenge captures with published answers.
	{name: "markofu/evidence02/auth-login-twice", file: marko + "derived/evidence02.pcap",
		check: all(credentials(2), credential("LOGIN", "sneakyg33k@aol.com", "558r00lz", yes), helo("annlaptop"))},
	{name: "markofu/evidence02/two-messages", file: marko + "derived/evidence02.pcap",
		check: all(envelope("sneakyg33k@aol.com", "sec558@gmail.com"), subject("lunch next week"),
			envelope("sneakyg33k@aol.com", "mistersecretx@aol.com"), subject("rendezvous"))},
	{name: "markofu/evidence02/secretrendezvous-docx", file: marko + "derived/evidence02.pcap",
		check: all(attachment("secretrendezvous.docx", 207438, ""),
			extractedMD5("attachment", "secretrendezvous.docx", "9e423e11db88f01bbff81172839e1923"))},
	{name: "markofu/cmas2011/letter-to-mel", file: marko + "CounterHack/HackChallenge_Cmas2011.pcap",
		check: all(command("RSET", ""), envelope("<root@grandma.gma>", "<cousinmel@mail.gma>"), subject("Christmas"),
			headerFrom("Grandma <root@grandma.gma>"), attachment("LetterToMel.doc", 19456, ""),
			extractedMD5("attachment", "LetterToMel.doc", "27e0a7da05cc2d17677d4e74ac0b23a2"))},
	{name: "markofu/email-troubles/three-retr", file: marko + "PracticalPacketAnalysis/ppa-capture-files/email-troubles.pcap",
		check: all(session("12.234.13.202:1567", "161.58.73.170:110", "pop3", "cleartext"), commands("RETR", "", 3),
			messages("fetched", 3), credentials(0))},
}...)

// mimeDecFacts: suricata's MIME decoder tests all expect the same session.
func mimeDecFacts() []fact {
	var out []fact
	for _, name := range mimeDec {
		out = append(out, fact{
			name: "suricata/mime-dec-" + name + "/envelope",
			file: sv + "mime/mime-dec-parse-" + name + "/input.pcap",
			check: all(helo("linuxbox"), envelope("<toto@gmail.com>", "<172.16.92.2@linuxbox>"),
				headerFrom("toto <toto@gmail.com>"), headerTo("172.16.92.2@linuxbox")),
		})
	}
	out = append(out, fact{
		name: "suricata/mime-dec-very-small-inp/envelope",
		file: sv + "mime/mime-dec-very-small-inp/input.pcap",
		check: all(helo("linuxbox"), envelope("<toto@gmail.com>", "<172.16.92.2@linuxbox>"),
			headerFrom("toto <toto@gmail.com>"), headerTo("172.16.92.2@linuxbox")),
	})
	return out
}

// knownDifferences: where a peer expects something else and the capture
// proves mailwire right.
var knownDifferences = []difference{
	{
		name: "credslayer/pop3/three-logins-not-two", file: cred + "pop3.pcap",
		peer: credentials(2),
		mailwire: all(credentials(3), credential("PLAIN", "digitalinvestigator@networksims.com", "napier", no),
			credential("PLAIN", "digitalinvestigator@networksims.com", "napier123", yes)),
		reason: "CredSLayer keeps two distinct credentials; the capture has three AUTH PLAIN logins: 'napier' refused " +
			"(-ERR authentication failed) and 'napier123' accepted in two sessions",
	},
	{
		name: "suricata/mime-encap-8649-baseline/body-keeps-its-last-crlf", file: sv + "mime/smtp-mime-encap-8649-baseline/input.pcap",
		peer:     attachment("malware.exe", 30, ""),
		mailwire: attachment("malware.exe", 32, ""),
		reason: "the single-part body is 'EICAR-MIME-BYPASS-TEST-PAYLOAD' CRLF; the CRLF that ends the last line is part " +
			"of the message text (RFC 5321 4.1.1.4), suricata drops it",
	},
	{
		name: "suricata/mime-stream-depth/whole-attachments", file: sv + "mime/mime-stream-depth/input.pcap",
		peer:     attachment("DOC_18092019-004927.doc", 63891, ""),
		mailwire: all(messages("sent", 4), attachment("DOC_18092019-004927.doc", 326976, "")),
		reason: "suricata's test sets stream.reassembly.depth=1mb, which cuts the third file at 63891 bytes; mailwire " +
			"reassembles the whole stream",
	},
	{
		name: "suricata/smtp-data-rejected/received-unfolded", file: sv + "smtp-data-rejected/10.7.29.101_49898-178.63.41.150_25.pcap",
		peer:     received("from [65.201.218.30] (helo=COZOXORY.club)by 173-66-46-112.wash.fios.verizon.net with es"),
		mailwire: received("from [65.201.218.30] (helo=COZOXORY.club) by 173-66-46-112.wash.fios.verizon.net with es"),
		reason: "unfolding removes only the CRLF and keeps the folding white space (RFC 5322 2.2.3); suricata " +
			"drops it and glues ')by'",
	},
	{
		name: "ndpi/smtp-starttls/second-flow-over-ipv6", file: ndpi + "smtp-starttls.pcap",
		peer: sessions(1),
		mailwire: all(sessions(2), session("[2003:de:2016:125:fc36:8317:4e86:cb72]:7562", "[2003:de:2016:120::a08:53]:25", "smtp", "starttls"),
			tlsHello("dovecot.weberlab.de", "TLS 1.2")),
		reason: "nDPI lists one flow; the capture also holds an SMTP STARTTLS session over IPv6 in VLAN 125 " +
			"(tshark shows its EHLO, STARTTLS and SNI dovecot.weberlab.de)",
	},
	{
		name: "ndpi/pop3/auth-plain-is-cleartext", file: ndpi + "pop3.pcap",
		peer:     noFinding("cleartext-credentials", "192.168.0.4:26308", "212.227.15.166:110"),
		mailwire: all(finding("cleartext-credentials", "192.168.0.4:26308", "212.227.15.166:110"), credential("PLAIN", "digitalinvestigator@networksims.com", "napier123", yes)),
		reason: "nDPI flags clear-text credentials only on the USER/PASS flow; the flows to 212.227.15.166 send " +
			"AUTH PLAIN, whose base64 carries the password in clear just as well",
	},
	{
		name: "ndpi/openvpn-obfuscated/port-465-is-not-mail", file: ndpi + "openvpn_obfuscated.pcapng",
		peer:     session("192.168.12.156:37976", "185.128.25.99:465", "tls", "implicit-tls"),
		mailwire: sessions(0),
		reason: "nDPI names the 465 flow SMTPS by port only ('Match by port', 'Fully Encrypted Flow'); its payload is " +
			"obfuscated OpenVPN, neither SMTP nor TLS",
	},
	{
		name: "pcredz/smtp/literal-backslash-crlf", file: pcz + "smtp.pcap",
		peer:     credential("PLAIN", "user@example.com", "emailpass", nil),
		mailwire: credentials(0),
		reason: "the synthetic payload writes CRLF and the NULs of AUTH PLAIN as the text '\\r\\n' and '\\x00': no " +
			"SMTP command line ends and no PLAIN message is valid",
	},
	{
		name: "pcredz/sample/literal-backslash-crlf", file: pcz + "sample.pcap",
		peer:     credential("PLAIN", "user@example.com", "emailpass", nil),
		mailwire: credentials(0),
		reason:   "the SMTP part is the same malformed synthetic payload as PCredz's smtp.pcap (text '\\r\\n', '\\x00')",
	},
}
