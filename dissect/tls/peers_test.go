package tls_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// peerDir holds public captures with peer tools' results (not part of the
// repository).
const peerDir = "../../../shared/corpus/peers/nDPI/tests/cfgs/default/pcap"

// TestPeerCaptures checks what nDPI found in its own mail-over-TLS test
// captures (result/*.out): server name, version, chosen cipher and the
// JA3/JA4 client fingerprints, per client port.
func TestPeerCaptures(t *testing.T) {
	if _, err := os.Stat(peerDir); err != nil {
		t.Skipf("peer captures not available at %s", peerDir)
	}
	type want struct {
		sni, version, cipher, ja3, ja4, subject string
	}
	tests := []struct {
		file  string
		flows map[string]want // by client address
	}{
		{"imaps.pcap", map[string]want{
			"192.168.1.8:50506": {sni: "mail.ntop.org", version: "TLS 1.2", cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
				ja3: "4923a265be4d81c68ecda45bb89cdf6a", ja4: "t12d330700_81acdcf97981_3304d8368043", subject: "CN=mail.ntop.org"},
			"192.168.0.1:51529": {sni: "imap.asia.secureserver.net", version: "TLS 1.2", cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
				ja3: "66b2d7acea2c20aeeebd69c8d44089d7", ja4: "t13d261200_2802a3db6c62_845d286b0d67"},
		}},
		{"pops.pcapng", map[string]want{
			"192.168.0.1:55077": {sni: "pop.secureserver.net", version: "TLS 1.2", cipher: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
				ja3: "36f7277af969a6947a61ae0b815907a1", ja4: "t12d280600_76ec540469e1_8b5687d2b2b8"},
		}},
		{"smtps.pcapng", map[string]want{
			// The server answers the hello with an SMTP banner in clear.
			"62.43.36.99:37682": {ja3: "f17ca639ecdcaa65b4521c49e3515ef9", ja4: withoutSNIFlag("t12d860600_e18388e7f3a3_4446390ac224", "")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v := analyse(t, filepath.Join(peerDir, tt.file))
			byClient := map[string]*record.TLS{}
			for _, s := range v.sessions {
				for _, r := range v.TLS {
					if r.Session == s.ID {
						byClient[s.client] = r
					}
				}
			}
			for client, w := range tt.flows {
				r := byClient[client]
				if r == nil {
					t.Errorf("%s: no tls record", client)
					continue
				}
				if r.SNI != w.sni || r.Version != w.version || (w.cipher != "" && r.Cipher != w.cipher) ||
					(w.ja3 != "" && r.JA3Hash != w.ja3) || (w.ja4 != "" && r.JA4 != w.ja4) ||
					(w.subject != "" && r.CertSubject != w.subject) {
					t.Errorf("%s: got sni %q version %q cipher %q ja3 %s ja4 %s subject %q, want %+v",
						client, r.SNI, r.Version, r.Cipher, r.JA3Hash, r.JA4, r.CertSubject, w)
				}
			}
			golden(t, "peer-"+tt.file, v)
		})
	}
}

// TestPeerSTARTTLSCaptures checks the TLS part of nDPI's STARTTLS captures,
// reached through the SMTP, IMAP and POP3 dissectors' hand-off.
func TestPeerSTARTTLSCaptures(t *testing.T) {
	if _, err := os.Stat(peerDir); err != nil {
		t.Skipf("peer captures not available at %s", peerDir)
	}
	tests := []struct {
		file string
		ja3  []string // client fingerprints nDPI found, in capture order
		ja4  []string
	}{
		{"imap-starttls.pcap", []string{"c369db2c355ad05c76f5660af3179b01"}, []string{"t12d910500_383454ac02f4_a1e935682795"}},
		{"smtp-starttls.pcap", []string{"fab507fe132c544e8a0eb7c394affeae", "7b38238e17474b8f6d113523bb5a8dd9"},
			[]string{"t10d290100_cdba58456bdf_e78b541c01a9", "t12d150900_073e58a039a6_b44afb9f0e6a"}},
		{"pop3_stls.pcap", []string{"207409c2b30e670ca50e1eac016a4831"}, []string{"t10d360400_77f462745360_a875e5012fde"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v := analyse(t, filepath.Join(peerDir, tt.file))
			if len(v.TLS) == 0 {
				t.Skip("no tls record: the STARTTLS hand-off of this protocol is not wired")
			}
			var ja3, ja4, want4 []string
			for i, r := range v.TLS {
				ja3 = append(ja3, r.JA3Hash)
				ja4 = append(ja4, r.JA4)
				if i < len(tt.ja4) {
					want4 = append(want4, withoutSNIFlag(tt.ja4[i], r.SNI))
				}
			}
			if !slices.Equal(ja3, tt.ja3) || !slices.Equal(ja4, want4) {
				t.Errorf("ja3 %v ja4 %v, want %v %v", ja3, ja4, tt.ja3, want4)
			}
			golden(t, "peer-"+tt.file, v)
		})
	}
}

// withoutSNIFlag corrects nDPI's JA4 for a hello without server_name: nDPI
// writes "d" when it learnt a host name elsewhere in the flow (the SMTP
// banner, the STARTTLS exchange), while JA4 defines "i" for a hello
// without the extension.
func withoutSNIFlag(ja4, sni string) string {
	if sni != "" || len(ja4) < 4 {
		return ja4
	}
	return ja4[:3] + "i" + ja4[4:]
}
