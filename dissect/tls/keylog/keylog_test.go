package keylog

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
)

const (
	rnd1 = "213da648daa1f02e8e114f104b56429480f6541342cf506553dd249844dd16dc"
	rnd2 = "19899bc9c6f8254469a10f0c95ca3d452717ccc0079b9d357bcff245910081ef"
	ms   = "065a03db113c72b6eeb0c4814651fd800b82d24aa596a29f290cefb5d2c39c1495062b303b2ad0e3ccd9f31c44a9617b"
	s32  = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestRead(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		sessions  int
		warnings  []record.Warning
		check     string // client random to look up
		master    string
		clientHS  string
		serverApp string
	}{
		{name: "tls12", in: "# SSL/TLS secrets log file\nCLIENT_RANDOM " + rnd1 + " " + ms + "\n",
			sessions: 1, check: rnd1, master: ms},
		{name: "tls13 and unknown labels", in: "SERVER_HANDSHAKE_TRAFFIC_SECRET " + rnd2 + " " + s32 + "\n" +
			"EXPORTER_SECRET " + rnd2 + " " + s32 + "\r\n" +
			"CLIENT_HANDSHAKE_TRAFFIC_SECRET " + rnd2 + " " + s32 + "\r\n" +
			"SERVER_TRAFFIC_SECRET_0 " + rnd2 + " " + ms + "\n",
			sessions: 1, check: rnd2, clientHS: s32, serverApp: ms},
		{name: "truncated last line", in: "CLIENT_RANDOM " + rnd1 + " " + ms + "\nCLIENT_RANDOM " + rnd2 + " 065a03",
			sessions: 1, warnings: []record.Warning{warning(record.WarnKeyLogMasterLength, 2, "label", LabelClientRandom, "bytes", "3")},
			check: rnd1, master: ms},
		{name: "missing secret", in: "\n\nCLIENT_RANDOM " + rnd1 + "\n",
			warnings: []record.Warning{warning(record.WarnKeyLogFields, 3, "label", LabelClientRandom, "count", "2")}},
		{name: "bad hex random", in: "CLIENT_RANDOM zz" + rnd1[2:] + " " + ms,
			warnings: []record.Warning{warning(record.WarnKeyLogClientRandom, 1, "label", LabelClientRandom)}},
		{name: "bad hex secret", in: "CLIENT_TRAFFIC_SECRET_0 " + rnd1 + " " + s32[:62] + "zz",
			warnings: []record.Warning{warning(record.WarnKeyLogSecretNotHex, 1, "label", LabelClientTraffic0)}},
		{name: "odd traffic secret size", in: "# comment\nCLIENT_TRAFFIC_SECRET_0 " + rnd1 + " 0011",
			warnings: []record.Warning{warning(record.WarnKeyLogSecretLength, 2, "label", LabelClientTraffic0, "bytes", "2")}},
		{name: "long line", in: strings.Repeat("A", 5000) + "\nCLIENT_RANDOM " + rnd1 + " " + ms,
			sessions: 1, warnings: []record.Warning{warning(record.WarnKeyLogLineTooLong, 1, "max", "1024")}, check: rnd1, master: ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New()
			warns, err := l.Read(strings.NewReader(tt.in), "x")
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != tt.sessions {
				t.Errorf("sessions = %d, want %d", l.Len(), tt.sessions)
			}
			if !reflect.DeepEqual(warns, tt.warnings) {
				t.Fatalf("warnings = %v, want %v", warns, tt.warnings)
			}
			if tt.check == "" {
				return
			}
			s := l.Lookup(unhex(tt.check))
			if s == nil {
				t.Fatal("no secrets for the client random")
			}
			for _, c := range []struct {
				got  []byte
				want string
			}{
				{s.Master, tt.master}, {s.ClientHandshake, tt.clientHS}, {s.ServerTraffic, tt.serverApp},
			} {
				if !bytes.Equal(c.got, unhex(c.want)) {
					t.Errorf("secret %x, want %s", c.got, c.want)
				}
			}
		})
	}
}

// warning is what Read says about line n of the key log "x".
func warning(id record.WarningID, n int, kv ...string) record.Warning {
	args := map[string]string{"file": "x", "line": strconv.Itoa(n)}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i]] = kv[i+1]
	}
	return record.Warning{ID: id, Args: args}
}

func TestLookupMisses(t *testing.T) {
	l := New()
	l.Add([]byte("CLIENT_RANDOM "+rnd1+" "+ms+"\n"), "dsb")
	if l.Lookup(unhex(rnd2)) != nil {
		t.Error("found secrets for an unknown random")
	}
	if l.Lookup([]byte{1, 2}) != nil {
		t.Error("found secrets for a short random")
	}
	var nilLog *Log
	if nilLog.Lookup(unhex(rnd1)) != nil || nilLog.Len() != 0 {
		t.Error("a nil log has secrets")
	}
	// The copy returned cannot change the log.
	s := l.Lookup(unhex(rnd1))
	s.Master = nil
	if l.Lookup(unhex(rnd1)).Master == nil {
		t.Error("Lookup returned the log's own entry")
	}
}

func TestWarningsBounded(t *testing.T) {
	l := New()
	warns, _ := l.Read(strings.NewReader(strings.Repeat("CLIENT_RANDOM x y\n", 1000)), "x")
	more := record.Warning{ID: record.WarnKeyLogMoreMalformed, Args: map[string]string{"file": "x", "count": "980"}}
	if len(warns) != maxWarnings+1 || !reflect.DeepEqual(warns[maxWarnings], more) {
		t.Fatalf("got %d warnings, last %v", len(warns), warns[len(warns)-1])
	}
	if last := warns[maxWarnings-1]; last.Args["line"] != strconv.Itoa(maxWarnings) || last.ID != record.WarnKeyLogClientRandom {
		t.Errorf("warning %d is %v, want line %d's", maxWarnings, last, maxWarnings)
	}
}

// TestCaptureKeyLogs reads the key logs written next to the bundled
// captures by the scripts that drove openssl and Python.
func TestCaptureKeyLogs(t *testing.T) {
	files, _ := filepath.Glob("../../../captures/*.keys")
	if len(files) < 7 {
		t.Fatalf("found %d key logs in captures/, want at least 7", len(files))
	}
	for _, f := range files {
		l := New()
		warns, err := l.ReadFile(f)
		if err != nil || len(warns) > 0 {
			t.Errorf("%s: %v %q", f, err, warns)
		}
		if l.Len() == 0 {
			t.Errorf("%s: no session", f)
		}
	}
	if _, err := New().ReadFile("no-such-file.keys"); !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("# comment\nCLIENT_RANDOM " + rnd1 + " " + ms + "\n"))
	f.Add([]byte("SERVER_HANDSHAKE_TRAFFIC_SECRET " + rnd2 + " " + s32 + "\nCLIENT_RANDOM 00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l := New()
		warns, err := l.Read(bytes.NewReader(b), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		if len(warns) > maxWarnings+1 {
			t.Fatalf("%d warnings", len(warns))
		}
		if l.Len() > bytes.Count(b, []byte("\n"))+1 {
			t.Fatalf("%d sessions from %d lines", l.Len(), bytes.Count(b, []byte("\n"))+1)
		}
	})
}

// TestReloadOnMiss: a key log file that grows after it was read (a client
// writing SSLKEYLOGFILE during a live capture) is read again on a miss.
func TestReloadOnMiss(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sslkeylog.txt")
	if err := os.WriteFile(path, []byte("CLIENT_RANDOM "+rnd1+" "+ms+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := New()
	if _, err := l.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("CLIENT_RANDOM " + rnd2 + " " + ms + "\n")
	f.Close()
	l.lastReload = l.lastReload.Add(-reloadEvery) // as if time had passed
	if l.Lookup(unhex(rnd2)) == nil {
		t.Error("the line added to the file was not read")
	}
	if l.Lookup(unhex(rnd1)) == nil || l.Len() != 2 {
		t.Errorf("%d sessions after the reload", l.Len())
	}
	// A miss right after a reload does not read the file again.
	before := l.lastReload
	l.Lookup(make([]byte, 32))
	if l.lastReload != before {
		t.Error("read again within reloadEvery")
	}
}
