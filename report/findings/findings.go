// Package findings derives the conclusions that need more than one
// record: a credential is only a leak if its session was in clear, a retry
// in clear is only a downgrade if a failed TLS attempt came just before.
// Dissectors raise the findings they can see locally; this package never
// duplicates them. Before the rules run it names the recipients of S/MIME
// encrypted messages by the certificates the capture showed
// (recipients.go); afterwards package lab tags every finding with the lab
// question it answers.
package findings

import (
	"sort"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/lab"
)

// Finding ids raised here, stable across versions.
const (
	CleartextCredentials = record.FindingCleartextCredentials
	CleartextMessage     = record.FindingCleartextMessage
	AttachmentExposed    = record.FindingAttachmentExposed
	SMIMESigned          = record.FindingSMIMESigned
	SMIMEEncrypted       = record.FindingSMIMEEncrypted
	TLSDowngradeRetry    = record.FindingTLSDowngradeRetry
	MXLookup             = record.FindingMXLookup
	DeletedNotExpunged   = record.FindingDeletedNotExpunged
	KeylogCredentials    = record.FindingKeylogCredentials
	SenderUnverified     = record.FindingSenderUnverified
)

// Derive returns the findings of recs (one capture's records, or several
// captures' with distinct session ids) that need more than one record,
// ordered by frame. Findings already present in recs are not raised again.
func Derive(recs []record.Record) []*record.Finding {
	ix := newIndex(recs)
	nameRecipients(ix)
	var out []*record.Finding
	for _, rule := range rules {
		for _, f := range rule(ix) {
			k := key{f.ID, f.Session, f.Packet}
			if ix.existing[k] {
				continue
			}
			ix.existing[k] = true
			out = append(out, f)
		}
	}
	// The question each finding answers comes from the lab package,
	// for the dissectors' findings as for these.
	all := append([]record.Record{}, recs...)
	for _, f := range out {
		all = append(all, f)
	}
	lab.Tag(all)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Packet != out[j].Packet {
			return out[i].Packet < out[j].Packet
		}
		return out[i].ID < out[j].ID
	})
	return out
}

var rules = []func(*index) []*record.Finding{
	cleartextCredentials,
	cleartextMessages,
	attachmentsExposed,
	smimeSigned,
	smimeEncrypted,
	downgradeRetries,
	mxLookups,
	deletedNotExpunged,
	keylogCredentials,
	senders,
}

// newFinding fills the fields every finding has; Packet is the first
// frame of the evidence.
func newFinding(id record.FindingID, severity record.Severity, session, title, detail string, frames []int64, args map[string]string) *record.Finding {
	frames = uniqueFrames(frames)
	f := &record.Finding{ID: id, Severity: severity, Session: session,
		Title: title, Detail: detail, Frames: frames, Args: args}
	if len(frames) > 0 {
		f.Packet = frames[0]
	}
	return f
}

// uniqueFrames drops zero and repeated frames, keeping them in order.
func uniqueFrames(in []int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, f := range in {
		if f > 0 && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
