package livecap

import (
	"errors"
	"fmt"
)

// ErrFanout is a fanout group the kernel refused to make of the shares'
// sockets: one socket still captures.
var ErrFanout = errors.New("AF_PACKET fanout group refused")

// FilterError is a capture filter libpcap refused; Err is its reason.
type FilterError struct {
	Expr string
	Err  error
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("filter %q: %v (use tcpdump's syntax, e.g. \"tcp port 25 or udp port 53\")", e.Expr, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }
