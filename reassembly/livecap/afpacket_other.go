//go:build !linux && cgo

package livecap

import "errors"

func openAFPacket(Options) (source, error) {
	return nil, errors.New("AF_PACKET is Linux only; leave it off to capture with libpcap")
}
