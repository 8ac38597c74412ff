package reassembly

import (
	"time"

	"github.com/mailwire/mailwire/reassembly/stream"
)

// Discard is a Sink that throws everything away: reading, decoding and
// reassembling into it is the floor no analysis can beat, which the
// benchmarks measure.
var Discard Sink = discard{}

type discard struct{}

func (discard) NewConversation(stream.Flow, bool, time.Time, int64) stream.Handler { return discard{} }
func (discard) Datagram(*stream.Datagram)                                          {}
func (discard) Handle(*stream.Event)                                               {}
func (discard) Close(time.Time, int64)                                             {}
