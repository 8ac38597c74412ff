package pop3

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// capability is what the CAPA response offered.
type capability struct {
	seen   bool
	stls   bool
	frame  int64 // the CAPA reply's last line
	warned bool  // starttls-not-offered already raised
}

// list reads the capability names of a CAPA response (RFC 2449).
func (c *capability) list(h *handler, caps []string, cmdFrame, frame int64) {
	c.seen = true
	c.frame = frame
	names := make([]string, len(caps))
	for i, line := range caps {
		names[i] = clean([]byte(line))
	}
	h.s.Announced(names, frame)
	for _, line := range caps {
		name, _, _ := strings.Cut(line, " ")
		if strings.EqualFold(name, "STLS") {
			c.stls = true
		}
	}
	if c.stls || c.warned || h.s.Security() != record.SecurityCleartext {
		return
	}
	c.warned = true
	h.s.Finding(&record.Finding{
		ID:       record.FindingStartTLSNotOffered,
		Severity: record.SeverityMedium,
		Frames:   []int64{cmdFrame, frame},
		Args:     map[string]string{"variant": "pop3"},
	})
}

// offered is the offer of STLS as the contract reports it: nil when no
// capability list was seen.
func (c *capability) offered() *bool {
	if !c.seen {
		return nil
	}
	return record.Bool(c.stls)
}
