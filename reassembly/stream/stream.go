// Package stream is the contract between reassembly and the dissectors:
// ordered events for both directions of one conversation. It has no
// dependency on packet libraries so that dissectors never see them.
package stream

import (
	"net/netip"
	"time"
)

// Direction of bytes within a conversation.
type Direction uint8

const (
	// ClientToServer is the direction of the side that opened the
	// connection (or, mid-stream, the side on the higher port).
	ClientToServer Direction = iota
	ServerToClient
)

func (d Direction) String() string {
	if d == ClientToServer {
		return "client"
	}
	return "server"
}

// Event is one piece of a conversation, in capture order.
type Event struct {
	Dir Direction
	// Data is valid only during the Handle call: copy what you keep.
	Data []byte
	// Time is the capture time of the packet carrying Data's first byte.
	Time time.Time
	// Frame is the 1-based frame number of that packet in its capture.
	Frame int64
	// Gap, when positive, says that many bytes are missing in this
	// direction before Data (Data may then be empty).
	Gap int
}

// Flow names the two ends of a conversation.
type Flow struct {
	Client    netip.AddrPort
	Server    netip.AddrPort
	Transport string // "tcp" or "udp"
}

// Handler consumes the events of one conversation.
type Handler interface {
	// Handle is called for each event, in capture order.
	Handle(ev *Event)
	// Close is called once, when the conversation ends (FIN, RST, the
	// end of the capture, or eviction); end is the last packet's time and
	// frame its number.
	Close(end time.Time, frame int64)
}

// Datagram is one UDP payload.
type Datagram struct {
	Src, Dst netip.AddrPort
	Data     []byte // valid only during the call
	Time     time.Time
	Frame    int64
}

// PacketObserver may be implemented by a Handler that wants to count every
// packet of its conversation, payload or not.
type PacketObserver interface {
	Packet(dir Direction, t time.Time, frame int64, payload int)
}
