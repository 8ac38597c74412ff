package livecap

import "fmt"

// FilterError is a capture filter libpcap refused; Err is its reason.
type FilterError struct {
	Expr string
	Err  error
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("filter %q: %v (use tcpdump's syntax, e.g. \"tcp port 25 or udp port 53\")", e.Expr, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }
