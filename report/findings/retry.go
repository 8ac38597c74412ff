package findings

import (
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/lab"
)

// RetryWindow is how soon after a failed TLS attempt a new cleartext
// session counts as a retry: clients fall back within seconds.
const RetryWindow = 60 * time.Second

// downgradeRetries: a failed TLS attempt followed by a new cleartext
// session from the same client to the same server, the pattern of a
// client that falls back when an attacker breaks the handshake.
func downgradeRetries(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, a := range ix.order {
		failFrame := ix.tlsFailure(a)
		if failFrame == 0 {
			continue
		}
		b := ix.retryAfter(a)
		if b == nil {
			continue
		}
		out = append(out, newFinding(TLSDowngradeRetry, record.SeverityHigh, b.ID,
			i18n.RecordText("tls-downgrade-retry.title", "client", lab.Host(a.Client), "failed", a.ID),
			i18n.RecordText("tls-downgrade-retry.detail"),
			[]int64{failFrame, b.Packet},
			map[string]string{"client": lab.Host(a.Client), "server": lab.Host(a.Server), "failed": a.ID, "retry": b.ID}))
	}
	return out
}

// tlsFailure returns the frame where TLS failed on s (an alert, or a
// STARTTLS that was refused or never followed by TLS), or 0.
func (ix *index) tlsFailure(s *record.Session) int64 {
	for _, t := range ix.tls[s.ID] {
		if t.Alert != "" && !t.HandshakeCompleted {
			return t.Packet
		}
	}
	if s.Security != record.SecurityStartTLSFailed {
		return 0
	}
	if sts := ix.starttls[s.ID]; len(sts) > 0 {
		if sts[0].ReplyPacket > 0 {
			return sts[0].ReplyPacket
		}
		return sts[0].Packet
	}
	return s.Packet
}

// retryAfter returns the first cleartext session from a's client host to
// a's server host that starts within RetryWindow after a.
func (ix *index) retryAfter(a *record.Session) *record.Session {
	end := a.End
	if end.IsZero() {
		end = a.Start
	}
	for _, b := range ix.order {
		if b == a || b.Security != record.SecurityCleartext || !b.Start.After(a.Start) {
			continue
		}
		if lab.Host(b.Client) != lab.Host(a.Client) || lab.Host(b.Server) != lab.Host(a.Server) {
			continue
		}
		if b.Start.Sub(end) <= RetryWindow {
			return b
		}
	}
	return nil
}
