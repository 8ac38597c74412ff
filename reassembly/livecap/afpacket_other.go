//go:build cgo && !linux

package livecap

import "errors"

// AF_PACKET is Linux's: elsewhere auto means libpcap.
func afpacketUnfit(string) string { return "AF_PACKET exists on Linux only" }

func openAFPacket(Options) (reader, error) {
	return nil, errors.New("AF_PACKET exists on Linux only; use --source pcap")
}

func joinFanout(reader, Options) ([]reader, error) {
	return nil, errors.New("AF_PACKET exists on Linux only; use --source pcap")
}
