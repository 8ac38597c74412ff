package pop3

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/record"
)

// fetched reports the message of a RETR or TOP response.
func (h *handler) fetched(r *response, end int64) {
	if r.lines == 0 {
		return
	}
	m := r.msg.Message()
	m.Session = h.s.ID
	m.Proto = proto
	m.Direction = record.DirectionFetched
	m.Packet = r.frame
	m.EndPacket = end
	m.AuthUser = h.s.AuthUser
	m.Truncated = r.truncated
	// Cut by the message limit or the capture's budget, a message still
	// has its size: every line was counted.
	m.Size = r.size
	if r.p.verb == "TOP" {
		_, n := cut(bytes.TrimSpace([]byte(r.p.args)))
		m.Partial = strings.TrimSpace("TOP " + string(n))
		m.Parts = nil // only the first lines came: sizes and hashes would mislead
	}
	if r.p.verb == "" {
		m.Warnings = append(m.Warnings, record.NewWarning(0, record.WarnMessageFetchNotSeen))
	}
	h.emit(m)
	// Only what the message shows on its own is checked here; who sent
	// it is decided over the whole capture (report/lab).
	for _, f := range message.Findings(m) {
		h.s.Finding(f)
	}
}
