// Package keylog reads TLS secrets in the NSS key log format, the one that
// openssl s_client -keylogfile, curl, Firefox and Thunderbird
// (SSLKEYLOGFILE) and Python's ssl module write, and finds the secrets of
// a session by its ClientHello random.
//
// Each line is "LABEL <client random hex> <secret hex>". CLIENT_RANDOM
// carries the TLS 1.2 (and older) master secret; TLS 1.3 writes one line
// per traffic secret. Comments, blank lines and labels not needed for
// decryption are skipped; a malformed line is a warning citing its number.
package keylog

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
)

// Labels read from the key log.
const (
	LabelClientRandom    = "CLIENT_RANDOM"
	LabelClientHandshake = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	LabelServerHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	LabelClientTraffic0  = "CLIENT_TRAFFIC_SECRET_0"
	LabelServerTraffic0  = "SERVER_TRAFFIC_SECRET_0"
)

const (
	// maxLine bounds one line: a real one is under 250 bytes.
	maxLine = 1024
	// maxSessions bounds the sessions a key log may describe, so that a
	// hostile file cannot fill memory.
	maxSessions = 1 << 20
	// maxWarnings bounds the warnings kept per file read.
	maxWarnings = 20
)

// Secrets are what a key log holds for one session (one ClientHello
// random). A TLS 1.2 session has Master; a TLS 1.3 one has the four
// traffic secrets, or some of them.
type Secrets struct {
	ClientRandom    [32]byte
	Master          []byte // CLIENT_RANDOM: the 48-byte master secret
	ClientHandshake []byte
	ServerHandshake []byte
	ClientTraffic   []byte // CLIENT_TRAFFIC_SECRET_0
	ServerTraffic   []byte // SERVER_TRAFFIC_SECRET_0
}

// Log is a set of secrets by client random. It is safe for concurrent use:
// captures are read by several shards at once.
type Log struct {
	mu sync.RWMutex
	m  map[[32]byte]*Secrets

	// Files read with ReadFile are read again when a lookup misses: a
	// client writing SSLKEYLOGFILE during a live capture adds the secrets
	// of each new session as it opens it.
	reloadMu   sync.Mutex
	files      []string
	lastReload time.Time
}

// reloadEvery bounds how often the files are read again on a miss.
const reloadEvery = 500 * time.Millisecond

// New returns an empty key log.
func New() *Log { return &Log{m: map[[32]byte]*Secrets{}} }

// Len is the number of sessions the log has secrets for.
func (l *Log) Len() int {
	if l == nil {
		return 0
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.m)
}

// Lookup returns a copy of the secrets of the session whose ClientHello
// random is random, or nil.
func (l *Log) Lookup(random []byte) *Secrets {
	if l == nil || len(random) != 32 {
		return nil
	}
	if s := l.get(random); s != nil {
		return s
	}
	if l.reload() {
		return l.get(random)
	}
	return nil
}

func (l *Log) get(random []byte) *Secrets {
	l.mu.RLock()
	defer l.mu.RUnlock()
	s := l.m[[32]byte(random)]
	if s == nil {
		return nil
	}
	cp := *s
	return &cp
}

// reload reads the key log files again, at most every reloadEvery; it
// reports whether it did.
func (l *Log) reload() bool {
	l.reloadMu.Lock()
	defer l.reloadMu.Unlock()
	if len(l.files) == 0 || time.Since(l.lastReload) < reloadEvery {
		return false
	}
	l.lastReload = time.Now()
	for _, path := range l.files {
		if f, err := os.Open(path); err == nil {
			l.Read(f, path)
			f.Close()
		}
	}
	return true
}

// ReadFile adds the secrets of the key log at path. Malformed lines are
// returned as warnings naming the file and the line; the error is for a
// file that cannot be read at all.
func (l *Log) ReadFile(path string) ([]record.Warning, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key log: %w", err)
	}
	defer f.Close()
	l.reloadMu.Lock()
	l.files = append(l.files, path)
	l.lastReload = time.Now()
	l.reloadMu.Unlock()
	return l.Read(f, path)
}

// Read adds the secrets of a key log read from r; name is the file the
// warnings cite.
func (l *Log) Read(r io.Reader, name string) ([]record.Warning, error) {
	br := bufio.NewReaderSize(r, 4096)
	var warns []record.Warning
	dropped := 0
	for n := 1; ; n++ {
		line, long, err := readLine(br)
		if err != nil && !errors.Is(err, io.EOF) {
			return warns, fmt.Errorf("key log %s: %w", name, err)
		}
		w := record.Warning{}
		if long {
			w = record.NewWarning(0, record.WarnKeyLogLineTooLong, "max", maxLine)
		} else if len(line) > 0 || err == nil {
			w = l.addLine(line)
		}
		switch {
		case w.ID == "":
		case len(warns) < maxWarnings:
			warns = append(warns, at(w, name, n))
		default:
			dropped++
		}
		if err != nil {
			break
		}
	}
	if dropped > 0 {
		warns = append(warns, record.NewWarning(0, record.WarnKeyLogMoreMalformed, "file", name, "count", dropped))
	}
	return warns, nil
}

// at adds where a line's warning was seen, so that the user can open
// the key log at that line.
func at(w record.Warning, name string, line int) record.Warning {
	if w.Args == nil {
		w.Args = map[string]string{}
	}
	w.Args["file"], w.Args["line"] = name, strconv.Itoa(line)
	return w
}

// readLine returns one line without its end; long reports a line longer
// than maxLine, whose bytes are skipped. err is io.EOF after the last line.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	for {
		chunk, isPrefix, e := br.ReadLine()
		if e != nil {
			return line, long, e
		}
		if len(line)+len(chunk) > maxLine {
			long, line = true, nil
		} else if !long {
			line = append(line, chunk...)
		}
		if !isPrefix {
			return line, long, nil
		}
	}
}

// Add adds the secrets of a key log held in memory (a pcapng Decryption
// Secrets Block); it returns the warnings of its malformed lines.
func (l *Log) Add(b []byte, name string) []record.Warning {
	w, _ := l.Read(bytes.NewReader(b), name)
	return w
}

// addLine reads one line; it returns why the line was not used, or a
// warning with no ID when it was used or is to be skipped silently.
func (l *Log) addLine(line []byte) record.Warning {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] == '#' {
		return record.Warning{}
	}
	fields := bytes.Fields(line)
	label := string(fields[0])
	if !known(label) {
		// EXPORTER_SECRET, EARLY_EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET,
		// RSA lines...: not needed to read the session.
		return record.Warning{}
	}
	if len(fields) != 3 {
		return record.NewWarning(0, record.WarnKeyLogFields, "label", label, "count", len(fields))
	}
	random, err := hex.DecodeString(string(fields[1]))
	if err != nil || len(random) != 32 {
		return record.NewWarning(0, record.WarnKeyLogClientRandom, "label", label)
	}
	secret, err := hex.DecodeString(string(fields[2]))
	if err != nil {
		return record.NewWarning(0, record.WarnKeyLogSecretNotHex, "label", label)
	}
	if w := checkLen(label, len(secret)); w.ID != "" {
		return w
	}
	return l.set([32]byte(random), label, secret)
}

func known(label string) bool {
	switch label {
	case LabelClientRandom, LabelClientHandshake, LabelServerHandshake, LabelClientTraffic0, LabelServerTraffic0:
		return true
	}
	return false
}

// checkLen checks a secret's size: 48 bytes for a master secret, the
// hash size (SHA-256 or SHA-384) for a TLS 1.3 traffic secret.
func checkLen(label string, n int) record.Warning {
	if label == LabelClientRandom {
		if n != 48 {
			return record.NewWarning(0, record.WarnKeyLogMasterLength, "label", label, "bytes", n)
		}
		return record.Warning{}
	}
	if n != 32 && n != 48 {
		return record.NewWarning(0, record.WarnKeyLogSecretLength, "label", label, "bytes", n)
	}
	return record.Warning{}
}

func (l *Log) set(random [32]byte, label string, secret []byte) record.Warning {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.m[random]
	if s == nil {
		if len(l.m) >= maxSessions {
			return record.NewWarning(0, record.WarnKeyLogTooManySessions, "max", maxSessions)
		}
		s = &Secrets{ClientRandom: random}
		l.m[random] = s
	}
	switch label {
	case LabelClientRandom:
		s.Master = secret
	case LabelClientHandshake:
		s.ClientHandshake = secret
	case LabelServerHandshake:
		s.ServerHandshake = secret
	case LabelClientTraffic0:
		s.ClientTraffic = secret
	case LabelServerTraffic0:
		s.ServerTraffic = secret
	}
	return record.Warning{}
}
