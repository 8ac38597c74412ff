package pipeline

import (
	"io"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func newNg(w io.Writer, lt layers.LinkType) (*pcapgo.NgWriter, error) {
	return pcapgo.NewNgWriter(w, lt)
}
