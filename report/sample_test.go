package report

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/spool"
)

// labCapture builds the records of a capture that walks through the lab
// sequence: an MX look-up, IMAP in clear (LOGIN, SELECT, FETCH of a GIF
// and of S/MIME messages, STORE \Deleted, CREATE, COPY, LOGOUT), a forged
// SMTP message, a STARTTLS upgrade, a refused STARTTLS, implicit TLS.
func labCapture() Capture {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	cred := &record.Credential{Session: "s1", Proto: "imap", Mechanism: "LOGIN", Username: "alice.martin@grenoble-inp.org",
		Recoverable: true, Accepted: record.Bool(true), Reply: "OK Logged in", Packet: 12, ReplyPacket: 13}
	cred.SetPassword("Tr0ub4dor&3")
	pref := func(n int) *int { return &n }
	recs := []record.Record{
		&record.DNS{Name: "grenoble-inp.org", Type: "MX", Packet: 1, ReplyPacket: 2, Client: "10.0.0.5:53211", Server: "10.0.0.1:53",
			Transport: "udp", Rcode: "NOERROR", Answers: []record.DNSAnswer{
				{Type: "MX", Preference: pref(10), Exchange: "mx1.grenoble-inp.org"},
				{Type: "MX", Preference: pref(20), Exchange: "mx2.grenoble-inp.org"}}},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "LOGIN", Args: "alice.martin@grenoble-inp.org ***********", Status: "OK", Reply: "Logged in", Packet: 12, ReplyPacket: 13},
		cred,
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "SELECT", Args: "inbox", Status: "OK", Reply: "[READ-WRITE] Select completed", Packet: 14, ReplyPacket: 15},
		&record.Mailbox{Session: "s1", Name: "INBOX", Command: "SELECT", Packet: 15, Exists: record.Int(5), Recent: record.Int(0),
			Unseen: record.Int(4), UIDValidity: record.Int(1764230400), Flags: []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`}},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "FETCH", Args: "4 BODY[]", Status: "OK", Reply: "Fetch completed", Packet: 16, ReplyPacket: 21},
		&record.Message{Session: "s1", Proto: "imap", Direction: "fetched", Packet: 17, EndPacket: 20, Subject: "Un GIF pour le TP",
			From: "Bob Durand <bob.durand@grenoble-inp.org>", To: []string{"alice.martin@grenoble-inp.org"}, Date: "Fri, 27 Nov 2026 08:55:00 +0100",
			UserAgent: "Mozilla Thunderbird", Size: 48213, IMAPSeq: "4", IMAPUID: "104", Mailbox: "INBOX", SMIME: "none",
			MIME: []string{"multipart/mixed", "  text/plain", "  image/gif"},
			Attachments: []record.Attachment{{Filename: "chat.gif", ContentType: "image/gif", SniffedType: "image/gif", Disposition: "attachment",
				TransferEncoding: "base64", Size: 34817, SHA256: "9f2c1d0e5b7a4c3d2e1f00112233445566778899aabbccddeeff001122334455"}}},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "FETCH", Args: "5 BODY[]", Status: "OK", Reply: "Fetch completed", Packet: 22, ReplyPacket: 24},
		&record.Message{Session: "s1", Proto: "imap", Direction: "fetched", Packet: 23, EndPacket: 24, Subject: "Message signé",
			From: "bob.durand@grenoble-inp.org", To: []string{"alice.martin@grenoble-inp.org"}, Size: 6120, IMAPSeq: "5", SMIME: "signed",
			MIME: []string{`multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256`, "  text/plain", "  application/pkcs7-signature; name=smime.p7s"},
			Attachments: []record.Attachment{{Filename: "smime.p7s", ContentType: "application/pkcs7-signature", TransferEncoding: "base64", Size: 3845,
				SHA256: "0011223344556677889900112233445566778899001122334455667788990011"}},
			Signer: &record.Signer{Subject: "CN=Bob Durand,emailAddress=bob.durand@grenoble-inp.org", Email: "bob.durand@grenoble-inp.org",
				Issuer: "CN=Sectigo RSA Client Authentication and Secure Email CA", NotBefore: t0.AddDate(0, -1, 0), NotAfter: t0.AddDate(1, 0, 0),
				KeyUsage: []string{"digitalSignature", "keyEncipherment"}, ExtKeyUsage: []string{"emailProtection", "clientAuth"}, Verified: record.Bool(true)}},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "FETCH", Args: "6 BODY[]", Status: "OK", Reply: "Fetch completed", Packet: 25, ReplyPacket: 27},
		&record.Message{Session: "s1", Proto: "imap", Direction: "fetched", Packet: 26, EndPacket: 27, Subject: "Message chiffré",
			From: "bob.durand@grenoble-inp.org", To: []string{"alice.martin@grenoble-inp.org"}, Size: 5210, IMAPSeq: "6", SMIME: "encrypted",
			MIME:        []string{"application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m"},
			Attachments: []record.Attachment{{Filename: "smime.p7m", ContentType: "application/pkcs7-mime", TransferEncoding: "base64", Size: 3702}},
			Encryption: &record.Encryption{ContentType: "enveloped-data", ContentAlg: "AES-256-CBC",
				Recipients: []record.Recipient{{Issuer: "CN=Sectigo RSA Client Authentication and Secure Email CA", Serial: "7a3f"}}}},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "STORE", Args: `3 +FLAGS (\Deleted)`, Status: "OK", Reply: "Store completed", Packet: 28, ReplyPacket: 29},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "CREATE", Args: "Archives", Status: "OK", Reply: "Create completed", Packet: 30, ReplyPacket: 31},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "COPY", Args: "1:2 Archives", Status: "OK", Reply: "Copy completed", Packet: 32, ReplyPacket: 33},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "STORE", Args: `1:2 +FLAGS (\Seen)`, Status: "OK", Reply: "Store completed", Packet: 34, ReplyPacket: 35},
		&record.Mailbox{Session: "s1", Name: "INBOX", Packet: 35, Events: []string{`STORE 3 +FLAGS (\Deleted)`, "COPY 1:2 Archives", `STORE 1:2 +FLAGS (\Seen)`}},
		&record.Command{Session: "s1", Proto: "imap", Tag: ".", Verb: "LOGOUT", Status: "OK", Reply: "Logout completed", Packet: 36, ReplyPacket: 37},
		&record.Session{ID: "s1", Proto: "imap", Client: "10.0.0.5:41002", Server: "10.0.0.20:143", Start: at(1), End: at(30),
			Security: "cleartext", Packet: 9, Packets: 31, BytesClient: 812, BytesServer: 62011, ClearBytes: 62823, EndFrame: 38},

		&record.Command{Session: "s2", Proto: "smtp", Verb: "EHLO", Args: "pc-tp.ensimag.fr", Status: "250", Reply: "mx1.grenoble-inp.org", Packet: 42, ReplyPacket: 43},
		&record.Command{Session: "s2", Proto: "smtp", Verb: "MAIL", Args: "FROM:<alice.martin@grenoble-inp.org>", Status: "250", Reply: "2.1.0 Ok", Packet: 44, ReplyPacket: 45},
		&record.Command{Session: "s2", Proto: "smtp", Verb: "RCPT", Args: "TO:<alice.martin@grenoble-inp.org>", Status: "250", Reply: "2.1.5 Ok", Packet: 46, ReplyPacket: 47},
		&record.Command{Session: "s2", Proto: "smtp", Verb: "DATA", Status: "250", Reply: "2.0.0 Ok: queued as 4F2A1", Packet: 48, ReplyPacket: 51},
		&record.Message{Session: "s2", Proto: "smtp", Direction: "sent", Packet: 49, EndPacket: 50, Subject: "Compte rendu de mission",
			From: "James Bond <james.bond@mi6.gov.uk>", To: []string{"alice.martin@grenoble-inp.org"}, Size: 412, SMIME: "none",
			EnvelopeFrom: "alice.martin@grenoble-inp.org", EnvelopeTo: []string{"alice.martin@grenoble-inp.org"},
			MIME: []string{"text/plain"}, Attachments: []record.Attachment{}, BodyPreview: "Mission accomplie. 007"},
		&record.Command{Session: "s2", Proto: "smtp", Verb: "QUIT", Status: "221", Reply: "2.0.0 Bye", Packet: 52, ReplyPacket: 53},
		&record.Session{ID: "s2", Proto: "smtp", Client: "10.0.0.5:41010", Server: "10.0.0.21:25", Start: at(40), End: at(44),
			Security: "cleartext", Packet: 40, Packets: 16, BytesClient: 640, BytesServer: 420, ClearBytes: 1060, EndFrame: 55},

		&record.Command{Session: "s3", Proto: "smtp", Verb: "EHLO", Args: "pc-tp.ensimag.fr", Status: "250", Reply: "smtp.univ-grenoble-alpes.fr", Packet: 62, ReplyPacket: 63},
		&record.Command{Session: "s3", Proto: "smtp", Verb: "STARTTLS", Status: "220", Reply: "2.0.0 Ready to start TLS", Packet: 64, ReplyPacket: 65},
		&record.StartTLS{Session: "s3", Proto: "smtp", Offered: record.Bool(true), Requested: true, Accepted: true, TLSSeen: true,
			Reply: "220 2.0.0 Ready to start TLS", Packet: 64, ReplyPacket: 65, TLSPacket: 66},
		&record.TLS{Session: "s3", Packet: 66, Version: "TLS 1.3", Cipher: "TLS_AES_256_GCM_SHA384", SNI: "smtp.univ-grenoble-alpes.fr",
			ServerHelloPacket: 67, HandshakeCompleted: true},
		&record.Session{ID: "s3", Proto: "smtp", Client: "10.0.0.5:41020", Server: "10.0.0.22:25", Start: at(60), End: at(63),
			Security: "starttls", Packet: 60, Packets: 20, BytesClient: 900, BytesServer: 4200, ClearBytes: 380, EncryptedBytes: 4720, TLSPacket: 66, EndFrame: 79},

		&record.Command{Session: "s4", Proto: "smtp", Verb: "EHLO", Args: "pc-tp.ensimag.fr", Status: "250", Reply: "mx2.grenoble-inp.org", Packet: 82, ReplyPacket: 83},
		&record.Command{Session: "s4", Proto: "smtp", Verb: "STARTTLS", Status: "454", Reply: "4.7.0 TLS not available due to local problem", Packet: 84, ReplyPacket: 85},
		&record.StartTLS{Session: "s4", Proto: "smtp", Offered: record.Bool(true), Requested: true, Accepted: false,
			Reply: "454 4.7.0 TLS not available due to local problem", Packet: 84, ReplyPacket: 85},
		&record.Finding{ID: "starttls-refused", Severity: "medium", Session: "s4", Packet: 85, Frames: []int64{84, 85},
			Title: "STARTTLS refused by mx2.grenoble-inp.org: 454 4.7.0 TLS not available", Detail: "The session continues in clear."},
		&record.Session{ID: "s4", Proto: "smtp", Client: "10.0.0.5:41030", Server: "10.0.0.23:25", Start: at(80), End: at(82),
			Security: "starttls-failed", Packet: 80, Packets: 10, BytesClient: 120, BytesServer: 380, ClearBytes: 500, EndFrame: 90},

		&record.TLS{Session: "s5", Packet: 94, Version: "TLS 1.2", Cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", SNI: "webmail.grenoble-inp.org",
			ServerHelloPacket: 95, CertificatePacket: 95, CertSubject: "CN=webmail.grenoble-inp.org", CertIssuer: "CN=GEANT OV RSA CA 4",
			NotBefore: t0.AddDate(0, -3, 0), NotAfter: t0.AddDate(0, 9, 0), HandshakeCompleted: true},
		&record.Session{ID: "s5", Proto: "imap", Client: "10.0.0.5:41040", Server: "10.0.0.20:993", Start: at(92), End: at(99),
			Security: "implicit-tls", Packet: 92, Packets: 24, BytesClient: 1400, BytesServer: 9800, EncryptedBytes: 11200, EndFrame: 115},
	}
	for _, f := range Derive(recs) {
		recs = append(recs, f)
	}
	info := &record.Capture{File: "captures/tp4-sequence.pcapng", Schema: record.Schema, Format: "pcapng", LinkType: "Ethernet",
		Packets: 115, Bytes: 92000, First: at(0), Last: at(99)}
	return Held(info, recs)
}

func labSummary(c Capture) *record.Summary {
	return &record.Summary{Captures: 1, Warnings: []record.Warning{}, Sessions: c.Records.Count(spool.Sessions),
		Credentials: c.Records.Count(spool.Credentials), Messages: c.Records.Count(spool.Messages),
		Findings: c.Records.FindingCount()}
}
