package spool

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

// session makes the records of one session in output order: its own
// record comes last, as the pipeline sends it.
func session(n int) []record.Record {
	id := fmt.Sprintf("s%d", n)
	no, zero := false, int64(0)
	f := int64(10 * n)
	return []record.Record{
		&record.Command{Session: id, Proto: record.ProtoIMAP, Verb: "LOGIN", Packet: f + 1},
		&record.Credential{Session: id, Proto: record.ProtoIMAP, Mechanism: "LOGIN", Username: "u" + id, Accepted: &no, Packet: f + 2},
		&record.StartTLS{Session: id, Proto: record.ProtoIMAP, Requested: true, Packet: f + 3, ReplyPacket: f + 4},
		&record.Mailbox{Session: id, Name: "INBOX", Exists: &zero, Packet: f + 5},
		&record.Message{Session: id, Proto: record.ProtoIMAP, Direction: record.DirectionFetched, Subject: "m" + id, Packet: f + 6,
			Warnings: []record.Warning{record.NewWarning(f+6, record.WarnMessageRefused, "reply", "no")}},
		&record.Finding{ID: record.FindingStartTLSRefused, Severity: record.SeverityHigh, Session: id, Packet: f + 2},
		&record.Session{ID: id, Proto: record.ProtoIMAP, Security: record.SecurityStartTLSFailed, Packet: f,
			Warnings: []record.Warning{record.NewWarning(f, record.WarnCaptureGaps, "bytes", 3)}},
	}
}

func sessions(n int) []record.Record {
	var out []record.Record
	for i := 1; i <= n; i++ {
		out = append(out, session(i)...)
	}
	return append(out, &record.DNS{Name: "example.org", Type: "MX", Packet: 1})
}

func list(s *Spool, k Kind) []record.Record {
	var out []record.Record
	s.Each(k, func(r record.Record) bool { out = append(out, r); return true })
	return out
}

func TestSpilledListsReadBackTheSame(t *testing.T) {
	recs := sessions(20)
	held := Of(recs)
	spilled := New(Limits{InMemory: 3, Dir: t.TempDir()})
	defer spilled.Close()
	for _, r := range recs {
		spilled.Add(r)
	}
	if held.Spilled() || !spilled.Spilled() {
		t.Fatalf("spilled: held %v, small bound %v", held.Spilled(), spilled.Spilled())
	}
	filled := map[Kind]bool{Sessions: true, Credentials: true, Messages: true, Mailboxes: true, DNS: true,
		Findings(record.SeverityHigh.Rank()): true}
	for k := Kind(0); k < kinds; k++ {
		want, got := list(held, k), list(spilled, k)
		if len(want) == 0 && filled[k] {
			t.Fatalf("list %d: no record to compare", k)
		}
		if len(got) != len(want) || held.Count(k) != spilled.Count(k) {
			t.Fatalf("list %d: %d records read back (count %d), want %d", k, len(got), spilled.Count(k), len(want))
		}
		for i := range want {
			wj, _ := json.Marshal(want[i])
			gj, _ := json.Marshal(got[i])
			if string(wj) != string(gj) {
				t.Errorf("list %d record %d:\n got %s\nwant %s", k, i, gj, wj)
			}
			// Warnings keep their ids, which JSON alone loses.
			if !reflect.DeepEqual(record.Warnings(got[i]), record.Warnings(want[i])) {
				t.Errorf("list %d record %d: warnings %v, want %v", k, i, record.Warnings(got[i]), record.Warnings(want[i]))
			}
		}
	}
	c := list(spilled, Credentials)[0].(*record.Credential)
	if c.Accepted == nil || *c.Accepted {
		t.Errorf("a refused login reads back as %v", c.Accepted)
	}
	// A list can be read again, and stopped early.
	n := 0
	spilled.Each(Messages, func(record.Record) bool { n++; return n < 5 })
	if n != 5 || len(list(spilled, Messages)) != 20 {
		t.Errorf("stopped after %d, then read %d", n, len(list(spilled, Messages)))
	}
	if err := spilled.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestSampleKeepsWholeSessionsUpToItsBound(t *testing.T) {
	s := New(Limits{Sample: 15})
	for _, r := range sessions(10) {
		s.Add(r)
	}
	// Sessions join while the sample holds fewer than 15 records: s1
	// and s2 (14 records), then s3 (21); s4 to s10 are left out.
	in := map[string]int{}
	for _, r := range s.Sample().Records() {
		if ref := record.SessionRef(r); ref != nil {
			in[*ref]++
		}
	}
	want := map[string]int{"s1": 7, "s2": 7, "s3": 7}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("sample holds %v, want %v", in, want)
	}
	if s.Sample().Unsampled() != 7 || s.Sample().Clipped() {
		t.Errorf("unsampled %d, clipped %v; want 7, false", s.Sample().Unsampled(), s.Sample().Clipped())
	}
	if s.Count(Sessions) != 10 || s.Count(Messages) != 10 || s.Worst() != record.SeverityHigh.Rank() {
		t.Errorf("lists: %d sessions, %d messages, worst %d", s.Count(Sessions), s.Count(Messages), s.Worst())
	}
}

func TestSampleClipsALongSession(t *testing.T) {
	s := New(Limits{Sample: 4})
	for i := range 20 {
		s.Add(&record.Command{Session: "s1", Verb: "NOOP", Packet: int64(i + 1)})
	}
	if len(s.Sample().Records()) != 8 || !s.Sample().Clipped() {
		t.Errorf("sample of %d records, clipped %v; want 8, true", len(s.Sample().Records()), s.Sample().Clipped())
	}
}

func TestFailedStartTLSIsRememberedUpToItsBound(t *testing.T) {
	s := New(Limits{Failed: 2})
	for _, r := range sessions(3) {
		s.Add(r)
	}
	s.Add(&record.StartTLS{Session: "s4", Requested: true, Accepted: true, TLSSeen: true})
	for id, want := range map[string]bool{"s1": true, "s2": true, "s3": false, "s4": false} {
		if got := s.FailedStartTLS(id) != nil; got != want {
			t.Errorf("%s: failed STARTTLS remembered %v, want %v", id, got, want)
		}
	}
}

func TestAFileThatCannotBeMadeIsAnError(t *testing.T) {
	s := New(Limits{InMemory: 1, Dir: filepath.Join(t.TempDir(), "missing")})
	for _, r := range sessions(2) {
		s.Add(r)
	}
	if err := s.Err(); !errors.Is(err, ErrSpool) {
		t.Fatalf("error %v, want ErrSpool", err)
	}
	if n := len(list(s, Sessions)); n != 0 {
		t.Errorf("%d sessions read from a spool that failed", n)
	}
}

func TestSharedLimitsSplitTheDefaultsDownToFloors(t *testing.T) {
	d := DefaultLimits()
	for _, c := range []struct {
		n                int
		inMemory, sample int
	}{{1, d.InMemory, d.Sample}, {4, d.InMemory / 4, d.Sample / 4}, {200, 1000, 2000}} {
		l := SharedLimits(c.n)
		if l.InMemory != c.inMemory || l.Sample != c.sample {
			t.Errorf("%d captures: %d in memory, sample %d; want %d, %d", c.n, l.InMemory, l.Sample, c.inMemory, c.sample)
		}
	}
}

// Findings come in frame order but for a few (the capture's own, at its
// end; live output of several shares): each list is read back in frame
// order, whether held or spilled, ties in the order they came.
func TestFindingsAreReadBackInFrameOrder(t *testing.T) {
	var recs []record.Record
	for i, f := range []int64{5, 9, 9, 20, 31, 3, 40, 9, 1, 50} {
		recs = append(recs, &record.Finding{ID: record.FindingPayloadTruncated, Severity: record.SeverityLow, Packet: f,
			Args: map[string]string{"n": fmt.Sprint(i)}})
	}
	spilled := New(Limits{InMemory: 2, Dir: t.TempDir()})
	defer spilled.Close()
	for _, r := range recs {
		spilled.Add(r)
	}
	want := []string{"8", "5", "0", "1", "2", "7", "3", "4", "6", "9"}
	for _, s := range []*Spool{Of(recs), spilled} {
		var got []string
		for _, r := range list(s, Findings(record.SeverityLow.Rank())) {
			got = append(got, r.(*record.Finding).Args["n"])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("spilled %v: order %v, want %v", s.Spilled(), got, want)
		}
		n := 0
		s.Each(Findings(record.SeverityLow.Rank()), func(record.Record) bool { n++; return n < 3 })
		if n != 3 {
			t.Errorf("spilled %v: read on after yield stopped: %d findings", s.Spilled(), n)
		}
	}
}
