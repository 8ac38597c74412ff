package pipeline

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report/jsonl"
)

// oneAddressPair is a capture of one client and one server, over IPv4 and
// IPv6, with many conversations: SMTP logins, and one failed STARTTLS
// followed by a cleartext retry on another port.
func oneAddressPair(t *testing.T, client, server net.IP) []byte {
	t.Helper()
	w, buf := newPcap(t)
	for i := 0; i < 12; i++ {
		c := w.Conn(client, server, uint16(41000+i), 25)
		c.Handshake()
		c.ServerSays("220 mail ESMTP\r\n")
		c.ClientSays("EHLO me\r\n")
		c.ServerSays("250-mail\r\n250 AUTH PLAIN\r\n")
		c.ClientSays(fmt.Sprintf("AUTH PLAIN %s\r\n", strings.Repeat("AGFsaWNlAHNlY3JldA", 1)+"=="))
		c.ServerSays("235 2.7.0 Authentication successful\r\n")
		c.ClientSays("MAIL FROM:<alice@lab>\r\n")
		c.ServerSays("250 Ok\r\n")
		c.ClientSays("QUIT\r\n")
		c.ServerSays("221 Bye\r\n")
		c.Close()
	}
	refuseSTARTTLS(w.Conn(client, server, 42000, 25))
	loginInClear(w.Conn(client, server, 42001, 25))
	return buf.Bytes()
}

// fragmented cuts every IP packet with more than 24 bytes of payload in
// two fragments, the second first on the wire every other time.
func fragmented(t *testing.T, capture []byte) []byte {
	t.Helper()
	src, err := capfile.NewReader("in.pcap", bytes.NewReader(capture), nil)
	if err != nil {
		t.Fatal(err)
	}
	w, out := newPcap(t)
	for n := 0; ; n++ {
		data, _, _, err := src.Next()
		if err != nil {
			break
		}
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		eth, _ := pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		var frags [][]byte
		switch ip := pkt.NetworkLayer().(type) {
		case *layers.IPv4:
			if len(ip.Payload) > 24 {
				for _, part := range [][2]int{{0, 16}, {16, len(ip.Payload)}} {
					f := *ip
					f.FragOffset = uint16(part[0] / 8)
					if part[0] == 0 {
						f.Flags = layers.IPv4MoreFragments
					}
					frags = append(frags, serialize(t, eth, &f, ip.Payload[part[0]:part[1]]))
				}
			}
		case *layers.IPv6:
			if len(ip.Payload) > 24 {
				for _, part := range [][2]int{{0, 16}, {16, len(ip.Payload)}} {
					f := *ip
					f.NextHeader = layers.IPProtocolIPv6Fragment
					hdr := []byte{byte(ip.NextHeader), 0, byte(part[0] >> 8), byte(part[0]), 0, 0, 0x12, byte(n)}
					if part[0] == 0 {
						hdr[3] |= 1
					}
					frags = append(frags, serialize(t, eth, &f, append(hdr, ip.Payload[part[0]:part[1]]...)))
				}
			}
		}
		if frags == nil {
			w.Raw(data)
			continue
		}
		if n%2 == 1 {
			frags[0], frags[1] = frags[1], frags[0]
		}
		for _, f := range frags {
			w.Raw(f)
		}
	}
	return out.Bytes()
}

func serialize(t *testing.T, eth *layers.Ethernet, ip gopacket.SerializableLayer, payload []byte) []byte {
	sb := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true}, eth, ip, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return sb.Bytes()
}

// One client and one server, IP fragments and all, are spread over the
// shards by port, and give the records of one worker, byte for byte.
func TestOneAddressPairIsSpreadByPort(t *testing.T) {
	for _, pair := range [][2]net.IP{{client, server}, {net.ParseIP("2001:db8::1"), net.ParseIP("2001:db8::25")}} {
		whole := oneAddressPair(t, pair[0], pair[1])
		for name, capture := range map[string][]byte{"whole": whole, "fragmented": fragmented(t, whole)} {
			lines := func(workers int) []byte {
				var buf bytes.Buffer
				w := jsonl.NewWriter(&buf)
				res := analyseWith(t, capture, Options{Reveal: true, Workers: workers, OnRecord: func(r record.Record) { w.Write(r) }})
				w.Flush()
				if res.Sessions != 14 || res.Stats.FragmentsDropped != 0 {
					t.Fatalf("%s %s, %d workers: %d sessions, %d datagrams dropped", pair[0], name, workers, res.Sessions, res.Stats.FragmentsDropped)
				}
				return buf.Bytes()
			}
			want := lines(1)
			if n := bytes.Count(want, []byte(`"kind":"credential"`)); n != 13 {
				t.Fatalf("%s %s: %d credentials, want 13", pair[0], name, n)
			}
			if !bytes.Contains(want, []byte(`"id":"tls-downgrade-retry"`)) {
				t.Fatalf("%s %s: no retry finding", pair[0], name)
			}
			for _, workers := range []int{2, 4} {
				if got := lines(workers); !bytes.Equal(got, want) {
					t.Fatalf("%s %s: %d workers differ from one:\n%s", pair[0], name, workers, recordtest.FirstDiff(want, got))
				}
			}
		}
	}
}
