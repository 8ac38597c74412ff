package lab

import (
	"sort"
	"strconv"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/sanitize"
)

// Answer is what one capture shows about one lab question: sentences
// of the catalogue with their arguments, the frames that prove them and
// the Wireshark filters that show them. The report renders it; this
// package decides what it says.
type Answer struct {
	Question string
	Lines    []Sentence
	Frames   []int64
	Filters  []string
}

// Kind says how a sentence of an answer is shown.
type Kind int

const (
	KindSay      Kind = iota // one line of the answer
	KindNote                 // a nuance students trip on, set apart
	KindReason               // one reason of the sender analysis, under its message
	KindCertUses             // what a certificate's usages allow (KeyUsage, ExtKeyUsage)
)

// Sentence is one catalogue key with its arguments.
type Sentence struct {
	Kind Kind
	Key  string
	Args []Arg
	// Text is shown as is when Key is empty, or when the catalogue
	// lacks Key.
	Text string
	// KeyUsage and ExtKeyUsage are the certificate's usages of a
	// CertUses sentence, worded by the report's certificate sentences.
	KeyUsage, ExtKeyUsage []string
}

// Arg is one named argument of a sentence: plain text (wire text
// already sanitised, or a number), a size in bytes the reader's units
// write, or catalogue sentences joined by Sep.
type Arg struct {
	Name      string
	Value     string
	Size      int64
	IsSize    bool
	Sentences []Sentence
	Sep       string
}

// size is an argument written in the reader's units.
type size int64

// Answers answers every lab question (Questions, in order) from one
// capture's records; the entry of a question the capture does not
// answer is nil.
func Answers(recs []record.Record) []*Answer {
	x := newFinder(recs)
	ids := Questions()
	out := make([]*Answer, len(ids))
	for i, id := range ids {
		find := finders[id]
		if find == nil {
			continue
		}
		a := find(x)
		if a == nil {
			continue
		}
		a.Question = id
		if id != "1.1.2" && x.fromKeylog(a.Frames) {
			a.note("lab.keylog")
		}
		sort.Slice(a.Frames, func(i, j int) bool { return a.Frames[i] < a.Frames[j] })
		out[i] = a
	}
	return out
}

// finders maps each question the report answers to the function that
// looks for its evidence.
var finders = map[string]func(x *finder) *Answer{
	"1.1.2":   (*finder).labLogin,
	"1.1.3":   (*finder).labSelect,
	"1.1.4":   (*finder).labFetch,
	"1.1.5":   (*finder).labDeleted,
	"1.1.6":   (*finder).labArchive,
	"1.1.7":   (*finder).labLogout,
	"1.2.1":   (*finder).labMX,
	"1.2.2":   (*finder).labPorts,
	"1.2.5":   (*finder).labForgery,
	"1.2.6":   (*finder).labSMTPClear,
	"1.2.7":   (*finder).labStartTLS,
	"1.2.8":   (*finder).labStartTLSFailure,
	"1.2.9":   (*finder).labGIF,
	"1.3.1.5": (*finder).labCertificate,
	"1.3.2.4": (*finder).labSigned,
	"1.3.2.5": (*finder).labEncryptedSent,
	"1.3.2.6": (*finder).labClientReads,
	"1.3.2.7": (*finder).labWebmail,
}

// say adds one line of answer; kv alternates names and values (string,
// size, Sentence).
func (a *Answer) say(key string, kv ...any) {
	a.Lines = append(a.Lines, Sentence{Kind: KindSay, Key: key, Args: args(kv)})
}

// note adds a nuance students trip on, set apart from the answer.
func (a *Answer) note(key string, kv ...any) {
	a.Lines = append(a.Lines, Sentence{Kind: KindNote, Key: key, Args: args(kv)})
}

func args(kv []any) []Arg {
	var out []Arg
	for i := 0; i+1 < len(kv); i += 2 {
		arg := Arg{Name: kv[i].(string)}
		switch v := kv[i+1].(type) {
		case string:
			arg.Value = v
		case size:
			arg.Size, arg.IsSize = int64(v), true
		case Sentence:
			arg.Sentences = []Sentence{v}
		case Arg:
			v.Name = arg.Name
			arg = v
		}
		out = append(out, arg)
	}
	return out
}

// key is a catalogue sentence without arguments.
func key(k string, kv ...any) Sentence { return Sentence{Key: k, Args: args(kv)} }

// Longest values shown, in runes; longer ones are cut with "…".
const (
	maxShort = 80  // addresses, user names, mailbox names
	maxLong  = 160 // subjects, replies, certificate names
)

// wire makes a value that came from the network safe to show.
func wire(s string, max int) string { return sanitize.String(s, max) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func num(p *int64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatInt(*p, 10)
}
