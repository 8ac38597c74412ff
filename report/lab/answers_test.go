package lab

import (
	"slices"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

func TestAnswers(t *testing.T) {
	yes := true
	no := false
	cases := []struct {
		name     string
		recs     []record.Record
		question string
		key      string
		frames   []int64
	}{
		{"IMAPLoginInClear", []record.Record{
			&record.Session{ID: "s1", Proto: record.ProtoIMAP, Server: "127.0.0.1:143", Packet: 1},
			&record.Credential{Session: "s1", Proto: record.ProtoIMAP, Mechanism: "LOGIN", Username: "alice", Packet: 7, ReplyPacket: 9, Accepted: &yes},
		}, "1.1.2", "lab.1.1.2.login", []int64{7, 9}},
		{"STARTTLSRefusedOnSMTP", []record.Record{
			&record.Session{ID: "s2", Proto: record.ProtoSMTP, Server: "127.0.0.1:25", Packet: 1},
			&record.StartTLS{Session: "s2", Proto: record.ProtoSMTP, Offered: &no, Requested: true, Packet: 12, ReplyPacket: 13, Reply: "502 5.5.1 not supported"},
		}, "1.2.8", "lab.1.2.8.refused", []int64{12, 13}},
		{"FailureAtTheSecondServerFirst", []record.Record{
			&record.Session{ID: "s1", Proto: record.ProtoSMTP, Server: "127.0.0.1:25", Packet: 1},
			&record.StartTLS{Session: "s1", Proto: record.ProtoSMTP, Requested: true, Reply: "454 4.7.0 TLS not available", Packet: 5, ReplyPacket: 6},
			&record.Session{ID: "s2", Proto: record.ProtoSMTP, Server: "127.0.0.1:25", Packet: 10},
			&record.StartTLS{Session: "s2", Proto: record.ProtoSMTP, Requested: true, Accepted: true, TLSSeen: true, Packet: 14, ReplyPacket: 15},
			&record.Session{ID: "s3", Proto: record.ProtoSMTP, Server: "127.0.0.1:2525", Packet: 20},
			&record.StartTLS{Session: "s3", Proto: record.ProtoSMTP, Offered: &no, Requested: true, Reply: "502 5.5.1", Packet: 24, ReplyPacket: 25},
		}, "1.2.8", "lab.1.2.8.refused", []int64{24, 25}},
		{"MXLookup", []record.Record{
			&record.DNS{Name: "grenoble-inp.org", Type: "MX", Packet: 3, ReplyPacket: 4},
		}, "1.2.1", "lab.1.2.1.mx", []int64{3, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got *Answer
			for _, a := range Answers(c.recs) {
				if a != nil && a.Question == c.question {
					got = a
				}
			}
			if got == nil {
				t.Fatalf("question %s not answered", c.question)
			}
			if len(got.Lines) == 0 || got.Lines[0].Key != c.key {
				t.Errorf("first sentence %+v, want key %s", got.Lines, c.key)
			}
			if !slices.Equal(got.Frames, c.frames) {
				t.Errorf("frames %v, want %v", got.Frames, c.frames)
			}
			if len(got.Filters) == 0 {
				t.Error("no Wireshark filter")
			}
		})
	}
}

func TestAnswersNothingToSay(t *testing.T) {
	for i, a := range Answers(nil) {
		if a != nil {
			t.Errorf("question %s answered from no records: %+v", Questions()[i], a)
		}
	}
}
