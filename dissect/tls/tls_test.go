package tls

import (
	gotls "crypto/tls"
	"crypto/x509"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/dissect/session"
	"github.com/mailwire/mailwire/reassembly/stream"
)

func TestRealHandshakes(t *testing.T) {
	valid := certificate(t, "mail.example.test", []string{"mail.example.test"},
		captureTime.AddDate(-1, 0, 0), captureTime.AddDate(1, 0, 0))
	expired := certificate(t, "old.example.test", []string{"old.example.test"},
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
	client := func(min, max uint16, sni string) *gotls.Config {
		return &gotls.Config{InsecureSkipVerify: true, ServerName: sni, NextProtos: []string{"imap"},
			MinVersion: min, MaxVersion: max, Time: func() time.Time { return captureTime }}
	}
	server := func(cert gotls.Certificate, min, max uint16) *gotls.Config {
		return &gotls.Config{Certificates: []gotls.Certificate{cert}, MinVersion: min, MaxVersion: max,
			NextProtos: []string{"imap"}, Time: func() time.Time { return captureTime }}
	}
	tests := []struct {
		name         string
		client       *gotls.Config
		server       *gotls.Config
		version      string
		certificate  bool
		completed    bool
		alert        string
		findings     []string
		sni          string
		clientVers   []string
		sans         []string
		wantNotAfter time.Time
	}{
		{
			name:   "TLS12ShowsCertificateSNIAndALPN",
			client: client(0, gotls.VersionTLS12, "mail.example.test"), server: server(valid, 0, 0),
			version: "TLS 1.2", certificate: true, completed: true, sni: "mail.example.test",
			clientVers: []string{"TLS 1.2"}, sans: []string{"mail.example.test"},
			findings: []string{"implicit-tls", "tls-self-signed-certificate"},
		},
		{
			name:   "TLS13HidesCertificate",
			client: client(0, gotls.VersionTLS13, "mail.example.test"), server: server(valid, 0, 0),
			version: "TLS 1.3", completed: true, sni: "mail.example.test",
			clientVers: []string{"TLS 1.3", "TLS 1.2"},
			findings:   []string{"implicit-tls"},
		},
		{
			name:   "TLS12SelfSignedExpiredWrongName",
			client: client(0, gotls.VersionTLS12, "mail.example.test"), server: server(expired, 0, 0),
			version: "TLS 1.2", certificate: true, completed: true, sni: "mail.example.test",
			clientVers: []string{"TLS 1.2"}, sans: []string{"old.example.test"},
			wantNotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),
			findings:     []string{"implicit-tls", "tls-self-signed-certificate", "tls-expired-certificate", "tls-name-mismatch"},
		},
		{
			name:   "VersionRefusedByFatalAlert",
			client: client(0, gotls.VersionTLS12, "mail.example.test"), server: server(valid, gotls.VersionTLS13, 0),
			alert: "fatal protocol_version (70) from server", sni: "mail.example.test",
			clientVers: []string{"TLS 1.2"},
			findings:   []string{"implicit-tls", "tls-handshake-failed"},
		},
		{
			name: "TLS13ClientRejectsCertificateInEncryptedAlert",
			client: &gotls.Config{ServerName: "mail.example.test", NextProtos: []string{"imap"},
				Time: func() time.Time { return captureTime }},
			server:  server(valid, 0, 0),
			version: "TLS 1.3", sni: "mail.example.test", alert: "encrypted alert from client",
			clientVers: []string{"TLS 1.3", "TLS 1.2"},
			findings:   []string{"implicit-tls", "tls-handshake-failed"},
		},
		{
			name: "TLS12ClientRejectsCertificateInClear",
			client: &gotls.Config{ServerName: "mail.example.test", NextProtos: []string{"imap"}, MaxVersion: gotls.VersionTLS12,
				Time: func() time.Time { return captureTime }},
			server:  server(valid, 0, 0),
			version: "TLS 1.2", certificate: true, sni: "mail.example.test", sans: []string{"mail.example.test"},
			alert: "fatal bad_certificate (42) from client", clientVers: []string{"TLS 1.2"},
			findings: []string{"implicit-tls", "tls-self-signed-certificate", "tls-handshake-failed"},
		},
		{
			name:   "TLS13HelloRetryRequest",
			client: client(0, gotls.VersionTLS13, "mail.example.test"),
			server: &gotls.Config{Certificates: []gotls.Certificate{valid}, NextProtos: []string{"imap"},
				CurvePreferences: []gotls.CurveID{gotls.CurveP384}},
			version: "TLS 1.3", completed: true, sni: "mail.example.test",
			clientVers: []string{"TLS 1.3", "TLS 1.2"},
			findings:   []string{"implicit-tls"},
		},
		{
			name:   "TLS11ChosenIsWeak",
			client: client(gotls.VersionTLS10, gotls.VersionTLS11, ""), server: server(valid, gotls.VersionTLS10, gotls.VersionTLS11),
			version: "TLS 1.1", certificate: true, completed: true,
			clientVers: []string{"TLS 1.1", "TLS 1.0"}, sans: []string{"mail.example.test"},
			findings: []string{"implicit-tls", "weak-tls", "tls-self-signed-certificate"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks, state := handshake(t, tt.client, tt.server)
			res := run(t, true, chunks)
			if len(res.tls) != 1 {
				t.Fatalf("got %d tls records, want 1", len(res.tls))
			}
			r := res.tls[0]
			if r.Session != "s1" || r.Packet != 1 {
				t.Errorf("session %q packet %d, want s1 and 1", r.Session, r.Packet)
			}
			if r.Version != tt.version {
				t.Errorf("version %q, want %q", r.Version, tt.version)
			}
			if state != nil {
				if want := gotls.CipherSuiteName(state.CipherSuite); r.Cipher != want {
					t.Errorf("cipher %q, want %q", r.Cipher, want)
				}
				if r.ServerHelloPacket != 2 {
					t.Errorf("server hello packet %d, want 2", r.ServerHelloPacket)
				}
			}
			if r.SNI != tt.sni {
				t.Errorf("sni %q, want %q", r.SNI, tt.sni)
			}
			if !slices.Equal(r.ALPN, []string{"imap"}) {
				t.Errorf("alpn %v, want [imap]", r.ALPN)
			}
			if !slices.Equal(r.ClientVersions, tt.clientVers) {
				t.Errorf("client versions %v, want %v", r.ClientVersions, tt.clientVers)
			}
			if r.ClientCiphers == 0 || len(r.Groups) == 0 || r.JA3 == "" || len(r.JA3Hash) != 32 || len(r.JA4) != 36 {
				t.Errorf("client hello details missing: ciphers %d groups %v ja3 %q %q ja4 %q",
					r.ClientCiphers, r.Groups, r.JA3, r.JA3Hash, r.JA4)
			}
			if got := r.CertificatePacket > 0; got != tt.certificate {
				t.Errorf("certificate packet %d, want certificate %v", r.CertificatePacket, tt.certificate)
			}
			if tt.certificate {
				if !strings.Contains(r.CertSubject, "CN=") || r.CertSubject != r.CertIssuer || !r.CertSelfSigned ||
					r.CertKey != "ECDSA P-256" || !slices.Equal(r.CertSANs, tt.sans) {
					t.Errorf("certificate subject %q issuer %q self-signed %v key %q sans %v",
						r.CertSubject, r.CertIssuer, r.CertSelfSigned, r.CertKey, r.CertSANs)
				}
				if !tt.wantNotAfter.IsZero() && !r.NotAfter.Equal(tt.wantNotAfter) {
					t.Errorf("not after %v, want %v", r.NotAfter, tt.wantNotAfter)
				}
			} else if r.CertSubject != "" {
				t.Errorf("certificate subject %q, want none", r.CertSubject)
			}
			if r.HandshakeCompleted != tt.completed {
				t.Errorf("handshake completed %v, want %v", r.HandshakeCompleted, tt.completed)
			}
			if r.Alert != tt.alert {
				t.Errorf("alert %q, want %q", r.Alert, tt.alert)
			}
			var ids []string
			for _, f := range res.findings {
				recordtest.RenderWarnings(f) // the English title and detail, from the catalogue
				ids = append(ids, string(f.ID))
				if f.Session != "s1" || len(f.Frames) == 0 || f.Packet == 0 || f.Title == "" || f.Detail == "" {
					t.Errorf("finding %s lacks evidence: %+v", f.ID, f)
				}
				if f.Lab != "" {
					t.Errorf("finding %s of implicit TLS has lab %q", f.ID, f.Lab)
				}
			}
			if !slices.Equal(ids, tt.findings) {
				t.Errorf("findings %v, want %v", ids, tt.findings)
			}
			if res.sess.Security() != session.ImplicitTLS || res.sess.Proto != "tls" {
				t.Errorf("session security %q proto %q", res.sess.Security(), res.sess.Proto)
			}
			if len(res.sess.Warnings) > 0 {
				t.Errorf("warnings: %v", res.sess.Warnings)
			}
		})
	}
}

// browserHello is a published fingerprint (a Chrome 143 ClientHello as
// shown by browserleaks.com) with GREASE values added, which both
// fingerprints must leave out.
var browserHello = hello{
	version:    0x0303,
	ciphers:    []uint16{0x3a3a, 4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171, 49172, 156, 157, 47, 53},
	extensions: []uint16{0x8a8a, 45, 51, 16, 65037, 23, 17613, 0, 11, 10, 43, 65281, 35, 18, 5, 13, 27, 0xdada},
	sni:        "tls.browserleaks.com",
	alpn:       []string{"h2", "http/1.1"},
	groups:     []uint16{0x4a4a, 4588, 29, 23, 24},
	points:     []uint8{0},
	sigAlgs:    []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
	versions:   []uint16{0x1a1a, 0x0304, 0x0303},
}

func TestFingerprints(t *testing.T) {
	tests := []struct {
		name    string
		hello   hello
		ja3     string
		ja3Hash string
		ja4     string
	}{
		{
			name:    "PublishedChromeVectorWithGREASE",
			hello:   browserHello,
			ja3:     "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0",
			ja3Hash: "98487aa16281980e7d1120d399efb6a4",
			ja4:     "t13d1516h2_8daaf6152771_d8a2da3f94cd",
		},
		{
			name:    "NoExtensionsNoSNI",
			hello:   hello{version: 0x0301, ciphers: []uint16{0x0005, 0x002f}},
			ja3:     "769,5-47,,,",
			ja3Hash: md5hex("769,5-47,,,"),
			ja4:     "t10i020000_" + ja4Hash("0005,002f") + "_000000000000",
		},
		{
			name: "ALPNNotAlphanumericUsesHex",
			hello: hello{version: 0x0303, ciphers: []uint16{0xc02f}, extensions: []uint16{16, 10},
				alpn: []string{"\xab\xcd"}, groups: []uint16{29}},
			ja3:     "771,49199,16-10,29,",
			ja3Hash: md5hex("771,49199,16-10,29,"),
			ja4:     "t12i0102ad_" + ja4Hash("c02f") + "_" + ja4Hash("000a"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.hello.message()
			ch, err := parseClientHello(msg[4:])
			if err != nil {
				t.Fatal(err)
			}
			ja3s, sum := ja3(ch)
			if ja3s != tt.ja3 || sum != tt.ja3Hash {
				t.Errorf("ja3 %q %s, want %q %s", ja3s, sum, tt.ja3, tt.ja3Hash)
			}
			if got := ja4(ch); got != tt.ja4 {
				t.Errorf("ja4 %q, want %q", got, tt.ja4)
			}
		})
	}
}

func TestRecordLayer(t *testing.T) {
	chMsg := browserHello.message()
	oneRecord := records(typeHandshake, chMsg, 1<<14)
	third := len(oneRecord) / 3
	tests := []struct {
		name   string
		chunks []chunk
		packet int64
	}{
		{
			name: "ClientHelloSplitAcrossThreeSegments",
			chunks: []chunk{
				{dir: stream.ClientToServer, data: oneRecord[:2]},
				{dir: stream.ClientToServer, data: oneRecord[2:third]},
				{dir: stream.ClientToServer, data: oneRecord[third:]},
			},
			packet: 1,
		},
		{
			name:   "HandshakeMessageSplitAcrossRecords",
			chunks: []chunk{{dir: stream.ClientToServer, data: records(typeHandshake, chMsg, 100)}},
			packet: 1,
		},
		{
			name: "ClientHelloAfterAnotherRecordInSameSegment",
			chunks: []chunk{
				{dir: stream.ServerToClient, data: []byte{}},
				{dir: stream.ClientToServer, data: append(records(typeHandshake, []byte{0, 0, 0, 0}, 10), oneRecord...)},
			},
			packet: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, true, tt.chunks)
			if len(res.tls) != 1 {
				t.Fatalf("got %d tls records, want 1", len(res.tls))
			}
			r := res.tls[0]
			if r.Packet != tt.packet || r.SNI != "tls.browserleaks.com" || r.JA4 != "t13d1516h2_8daaf6152771_d8a2da3f94cd" {
				t.Errorf("packet %d sni %q ja4 %q", r.Packet, r.SNI, r.JA4)
			}
			if r.ClientCiphers != 15 || !slices.Equal(r.Groups, []string{"X25519MLKEM768", "x25519", "secp256r1", "secp384r1"}) ||
				!slices.Equal(r.ClientVersions, []string{"TLS 1.3", "TLS 1.2"}) || !slices.Equal(r.ALPN, []string{"h2", "http/1.1"}) {
				t.Errorf("ciphers %d groups %v versions %v alpn %v", r.ClientCiphers, r.Groups, r.ClientVersions, r.ALPN)
			}
		})
	}
}

func TestSSLv2CompatibleHello(t *testing.T) {
	// An SSLv2-format hello offering TLS 1.0: two SSLv2 kinds (RC4-MD5,
	// DES-CBC3-MD5) and three TLS suites, including an EXPORT one.
	specs := []byte{0x01, 0x00, 0x80, 0x07, 0x00, 0xc0, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x03}
	challenge := make([]byte, 16)
	body := []byte{1, 0x03, 0x01, 0, byte(len(specs)), 0, 0, 0, byte(len(challenge))}
	body = append(body, specs...)
	body = append(body, challenge...)
	rec := append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
	if !Looks(rec) {
		t.Fatal("Looks does not recognise an SSLv2-compatible hello")
	}
	res := run(t, true, []chunk{{dir: stream.ClientToServer, data: rec}})
	if len(res.tls) != 1 {
		t.Fatalf("got %d tls records, want 1", len(res.tls))
	}
	r := res.tls[0]
	if r.Packet != 1 || r.ClientCiphers != 5 || !slices.Equal(r.ClientVersions, []string{"TLS 1.0"}) || r.JA3 != "" || r.JA4 != "" {
		t.Errorf("packet %d ciphers %d versions %v ja3 %q ja4 %q", r.Packet, r.ClientCiphers, r.ClientVersions, r.JA3, r.JA4)
	}
	f := res.finding("weak-tls")
	if f == nil || !strings.Contains(f.Detail, "SSLv2-compatible") || !strings.Contains(f.Detail, "EXPORT") ||
		!strings.Contains(f.Detail, "TLS 1.0") {
		t.Errorf("weak-tls finding %+v", f)
	}
}

func TestNotTLSAfterSTARTTLS(t *testing.T) {
	tests := []struct {
		name    string
		chunks  []chunk
		side    string
		excerpt string
	}{
		{
			name:    "ClientSendsCleartextCommand",
			chunks:  []chunk{{dir: stream.ClientToServer, data: []byte("EHLO client.example\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")}},
			side:    "client",
			excerpt: `EHLO client.example\r\nAUTH PLAIN ***\r\n`,
		},
		{
			name: "SecretsInTheExcerptAreMasked",
			chunks: []chunk{{dir: stream.ClientToServer,
				data: []byte("a1 LOGIN alice Wonderland!42\r\nUSER bob\r\nPASS hunter22\r\nAUTH LOGIN\r\nYWxpY2U=\r\n")}},
			side:    "client",
			excerpt: `a1 LOGIN alice ***\r\nUSER bob\r\nPASS ***\r\nAUTH LOGIN\r\n***\r\n`,
		},
		{
			name: "CleartextInSegmentsIsQuotedWhole",
			chunks: []chunk{{dir: stream.ClientToServer, data: []byte("EHLO")}, {dir: stream.ClientToServer, data: []byte(" client.example\r")},
				{dir: stream.ClientToServer, data: []byte("\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")}},
			side:    "client",
			excerpt: `EHLO client.example\r\nAUTH PLAIN ***\r\n`,
		},
		{
			name:    "ServerAnswersInClearAfterHello",
			chunks:  []chunk{{dir: stream.ClientToServer, data: records(typeHandshake, browserHello.message(), 1<<14)}, {dir: stream.ServerToClient, data: []byte("\x00\x01garbage")}},
			side:    "server",
			excerpt: `..garbage`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, false, tt.chunks)
			f := res.finding("starttls-not-tls")
			if f == nil {
				t.Fatalf("no starttls-not-tls finding in %+v", res.findings)
			}
			if f.Severity != "high" || f.Lab != "" || f.Args["side"] != tt.side || f.Args["excerpt"] != tt.excerpt {
				t.Errorf("finding %+v", f)
			}
			if res.sess.Security() != session.StartTLSFailed {
				t.Errorf("security %q, want starttls-failed", res.sess.Security())
			}
		})
	}
}

func TestResilience(t *testing.T) {
	huge := []byte{msgCertificate, 0x10, 0, 0} // a 1 MiB handshake message
	tests := []struct {
		name    string
		chunks  []chunk
		warning string
	}{
		{
			name: "GapStopsParsingThatDirection",
			chunks: []chunk{
				{dir: stream.ClientToServer, data: records(typeHandshake, browserHello.message(), 1<<14)},
				{dir: stream.ServerToClient, gap: 1000, data: []byte{0x17, 3, 3, 0, 5, 1, 2, 3, 4, 5}},
			},
			warning: "1000 server bytes missing",
		},
		{
			name:    "OversizedHandshakeMessage",
			chunks:  []chunk{{dir: stream.ServerToClient, data: records(typeHandshake, huge, 100)}},
			warning: "exceeds 64 KiB",
		},
		{
			name:    "RecordLengthBeyondTLSMaximum",
			chunks:  []chunk{{dir: stream.ServerToClient, data: []byte{0x17, 3, 3, 0xff, 0xff}}},
			warning: "exceeds the TLS maximum",
		},
		{
			name: "GarbageAfterValidRecord",
			chunks: []chunk{
				{dir: stream.ClientToServer, data: records(typeHandshake, browserHello.message(), 1<<14)},
				{dir: stream.ClientToServer, data: []byte("hello world")},
			},
			warning: "not a TLS record",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, true, tt.chunks)
			if !slices.ContainsFunc(recordtest.Texts(res.sess.Warnings), func(w string) bool { return strings.Contains(w, tt.warning) }) {
				t.Errorf("warnings %v, want one with %q", res.sess.Warnings, tt.warning)
			}
		})
	}
}

func TestLooks(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"HandshakeRecordTLS10", []byte{22, 3, 1, 0, 100}, true},
		{"ApplicationDataTLS12", []byte{23, 3, 3}, true},
		{"SSLv2ClientHelloTLS10", []byte{0x80, 0x2e, 1, 3, 1}, true},
		{"SSLv2ClientHelloSSL2", []byte{0x80, 0x2e, 1, 0, 2}, true},
		{"SMTPCommand", []byte("EHLO x\r\n"), false},
		{"IMAPGreeting", []byte("* OK ready"), false},
		{"TooShort", []byte{22, 3}, false},
		{"UnknownContentType", []byte{25, 3, 3}, false},
		{"VersionTooHigh", []byte{22, 3, 5}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Looks(tt.b); got != tt.want {
				t.Errorf("Looks(%x) = %v, want %v", tt.b, got, tt.want)
			}
		})
	}
}

func TestSelfSignedNeedsOwnSignature(t *testing.T) {
	c := certificate(t, "a.example", []string{"a.example"}, captureTime, captureTime.AddDate(1, 0, 0))
	cert, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if !selfSigned(cert) {
		t.Error("self-signed certificate not recognised")
	}
	cert.Signature = append([]byte(nil), cert.Signature...)
	cert.Signature[len(cert.Signature)-1] ^= 0xff
	if selfSigned(cert) {
		t.Error("a certificate whose signature does not verify counted as self-signed")
	}
}

func TestMidStreamSessionStillReported(t *testing.T) {
	res := run(t, true, []chunk{
		{dir: stream.ServerToClient, data: []byte{0x17, 3, 3, 0, 3, 1, 2, 3}},
		{dir: stream.ClientToServer, data: []byte{0x17, 3, 3, 0, 2, 1, 2}},
	})
	if len(res.tls) != 1 {
		t.Fatalf("got %d tls records, want 1", len(res.tls))
	}
	r := res.tls[0]
	if r.Packet != 1 || r.Version != "" || r.JA3 != "" || r.HandshakeCompleted {
		t.Errorf("record %+v", r)
	}
	if len(res.sess.Warnings) > 0 {
		t.Errorf("warnings %v", res.sess.Warnings)
	}
}

func TestWeakTLS(t *testing.T) {
	cbcOnly := hello{version: 0x0303, ciphers: []uint16{0xc013, 0xc014, 0x002f, 0x00ff}}
	old := hello{version: 0x0301, ciphers: []uint16{0x0005, 0x000a, 0x002f}}
	tests := []struct {
		name     string
		client   hello
		server   []byte
		severity string // "" when no weak-tls finding is expected
		title    string
		detail   []string
	}{
		{
			name: "ModernClientAndServer", client: browserHello,
			server: serverHelloMsg(0x0303, 0x1301, 0x0304),
		},
		{
			name: "ClientOffersOnlyCBC", client: cbcOnly,
			server:   serverHelloMsg(0x0303, 0xc013, 0),
			severity: "low", title: "Weak TLS: the client offers only CBC suites",
		},
		{
			name: "ServerChoosesRC4OverTLS10", client: old,
			server:   serverHelloMsg(0x0301, 0x0005, 0),
			severity: "high", title: "Weak TLS: the server chose TLS_RSA_WITH_RC4_128_SHA (RC4)",
			detail: []string{"the server chose TLS 1.0", "the client offers TLS 1.0", "the client offers RC4, 3DES suites"},
		},
		{
			name: "ServerChooses3DES", client: old,
			server:   serverHelloMsg(0x0303, 0x000a, 0),
			severity: "medium", title: "Weak TLS: the server chose TLS_RSA_WITH_3DES_EDE_CBC_SHA (3DES)",
		},
		{
			name: "ServerChoosesSSL3", client: old,
			server:   serverHelloMsg(0x0300, 0x002f, 0),
			severity: "high", title: "Weak TLS: the server chose SSL 3.0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, false, []chunk{
				{dir: stream.ClientToServer, data: records(typeHandshake, tt.client.message(), 1<<14)},
				{dir: stream.ServerToClient, data: records(typeHandshake, tt.server, 1<<14)},
			})
			f := res.finding("weak-tls")
			if tt.severity == "" {
				if f != nil {
					t.Errorf("unexpected finding %+v", f)
				}
				return
			}
			if f == nil {
				t.Fatalf("no weak-tls finding")
			}
			if string(f.Severity) != tt.severity || f.Title != tt.title || f.Lab != "" ||
				!slices.Equal(f.Frames, []int64{1, 2}) {
				t.Errorf("finding %+v", f)
			}
			for _, d := range tt.detail {
				if !strings.Contains(f.Detail, d) {
					t.Errorf("detail %q lacks %q", f.Detail, d)
				}
			}
		})
	}
}

func TestLargeCertificateMessageFollowedByAnother(t *testing.T) {
	// A 60 KiB Certificate message (not a valid chain) and a
	// ServerHelloDone sharing its last record: both fit the limits.
	cert := append([]byte{msgCertificate, 0, 0xf0, 0}, make([]byte, 0xf000)...)
	msgs := append(serverHelloMsg(0x0303, 0xc02f, 0), cert...)
	msgs = append(msgs, 14, 0, 0, 0)
	res := run(t, true, []chunk{
		{dir: stream.ClientToServer, data: records(typeHandshake, browserHello.message(), 1<<14)},
		{dir: stream.ServerToClient, data: records(typeHandshake, msgs, 1<<14)},
	})
	if slices.ContainsFunc(recordtest.Texts(res.sess.Warnings), func(w string) bool { return strings.Contains(w, "KiB") }) {
		t.Errorf("size warning for messages within the limits: %v", res.sess.Warnings)
	}
	if len(res.tls) != 1 || res.tls[0].Cipher != "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" {
		t.Errorf("records %+v", res.tls)
	}
}

func TestFatalAlertAfterSTARTTLSFailsTheUpgrade(t *testing.T) {
	res := run(t, false, []chunk{
		{dir: stream.ClientToServer, data: records(typeHandshake, browserHello.message(), 1<<14)},
		{dir: stream.ServerToClient, data: []byte{typeAlert, 3, 3, 0, 2, 2, 40}},
	})
	if res.sess.Security() != session.StartTLSFailed {
		t.Errorf("security %q, want starttls-failed", res.sess.Security())
	}
	if len(res.tls) != 1 || res.tls[0].Alert != "fatal handshake_failure (40) from server" || res.tls[0].HandshakeCompleted {
		t.Fatalf("records %+v", res.tls)
	}
	f := res.finding("tls-handshake-failed")
	if f == nil || f.Lab != "" || !slices.Equal(f.Frames, []int64{1, 2}) || f.Args["alert"] != res.tls[0].Alert {
		t.Errorf("finding %+v", f)
	}
}
