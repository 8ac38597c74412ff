package grade

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mailwire/mailwire/dissect/address"
)

// Student is one student's id and capture files.
type Student struct {
	ID    string
	Files []string
	// KeyLogs are the TLS key logs found with the captures: in the
	// student's folder, or named after a capture next to it.
	KeyLogs []string
}

// captureExts are the names of capture files; ".gz" may follow them.
var captureExts = []string{".pcapng", ".pcap", ".cap", ".dmp", ".ntar"}

// studentID returns the id a capture file stands for (its name without
// the capture extensions), and false when name is not a capture file.
func studentID(name string) (string, bool) {
	base := strings.TrimSuffix(name, ".gz")
	lower := strings.ToLower(base)
	for _, ext := range captureExts {
		if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
			return base[:len(base)-len(ext)], true
		}
	}
	return "", false
}

// IsCapture says whether a file's name is a capture's (.pcap, .pcapng,
// .cap, .dmp, .ntar, each maybe followed by .gz).
func IsCapture(name string) bool {
	_, ok := studentID(name)
	return ok
}

// Collect finds the students in args: a capture file is one student
// named after it; a folder's capture files are one student each, and
// each of its sub-folders is one student holding every capture inside.
// Files that are not captures are returned as skipped. Students with the
// same id are merged; the result is sorted by id.
func Collect(args []string) (students []Student, skipped []string, err error) {
	byID := map[string]*Student{}
	add := func(id string, files ...string) {
		s := byID[id]
		if s == nil {
			s = &Student{ID: id}
			byID[id] = s
		}
		s.Files = append(s.Files, files...)
	}
	addKeys := func(id, path string) {
		add(id)
		byID[id].KeyLogs = append(byID[id].KeyLogs, path)
	}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, nil, err
		}
		if !fi.IsDir() {
			id, ok := studentID(filepath.Base(arg))
			if !ok {
				id = filepath.Base(arg)
			}
			add(id, arg)
			if k := keyLogBeside(arg); k != "" {
				addKeys(id, k)
			}
			continue
		}
		sk, err := collectDir(arg, add, addKeys)
		if err != nil {
			return nil, nil, err
		}
		skipped = append(skipped, sk...)
	}
	for _, s := range byID {
		if len(s.Files) == 0 && len(s.KeyLogs) > 0 {
			skipped = append(skipped, s.KeyLogs...) // a key log with no capture
			continue
		}
		sort.Strings(s.Files)
		sort.Strings(s.KeyLogs)
		students = append(students, *s)
	}
	sort.Slice(students, func(i, j int) bool { return students[i].ID < students[j].ID })
	return students, skipped, nil
}

func collectDir(dir string, add func(string, ...string), addKeys func(id, path string)) (skipped []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		switch {
		case strings.HasPrefix(name, "."):
		case e.IsDir():
			files, sk, err := capturesUnder(path)
			if err != nil {
				return nil, err
			}
			add(name, files...)
			sk = keyLogsOf(name, sk, addKeys)
			skipped = append(skipped, sk...)
		default:
			if id, ok := studentID(name); ok {
				add(id, path)
			} else if id, ok := keyLogID(name); ok && id != "" {
				addKeys(id, path)
			} else {
				skipped = append(skipped, path)
			}
		}
	}
	return skipped, nil
}

// keyLogID tells a TLS key log by its name (*.keys, *.keylog,
// sslkeylog*.txt) and returns the capture base name it is named after, ""
// for sslkeylog*.txt.
func keyLogID(name string) (string, bool) {
	lower := strings.ToLower(name)
	for _, ext := range []string{".keys", ".keylog"} {
		if strings.HasSuffix(lower, ext) {
			return name[:len(name)-len(ext)], true
		}
	}
	return "", strings.HasPrefix(lower, "sslkeylog") && strings.HasSuffix(lower, ".txt")
}

// keyLogBeside returns the key log named after a capture next to it
// (capture.keys or capture.keylog), or "".
func keyLogBeside(capture string) string {
	base := strings.TrimSuffix(capture, ".gz")
	base = strings.TrimSuffix(base, filepath.Ext(base))
	for _, ext := range []string{".keys", ".keylog"} {
		if fi, err := os.Stat(base + ext); err == nil && fi.Mode().IsRegular() {
			return base + ext
		}
	}
	return ""
}

// keyLogsOf takes the key logs out of the files of a student's folder
// that are not captures.
func keyLogsOf(id string, files []string, addKeys func(id, path string)) (rest []string) {
	for _, f := range files {
		if _, ok := keyLogID(filepath.Base(f)); ok {
			addKeys(id, f)
		} else {
			rest = append(rest, f)
		}
	}
	return rest
}

// capturesUnder lists the capture files anywhere under dir.
func capturesUnder(dir string) (files, skipped []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if _, ok := studentID(d.Name()); ok {
			files = append(files, path)
		} else {
			skipped = append(skipped, path)
		}
		return nil
	})
	return files, skipped, err
}

// ReadStudents reads the id,email CSV of a class (a header line naming
// id and email is optional; other columns are ignored).
func ReadStudents(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	out := map[string]string{}
	for line := 1; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if len(row) < 2 {
			return nil, fmt.Errorf("line %d: expected id,email", line)
		}
		id, email := strings.TrimSpace(row[0]), strings.TrimSpace(row[1])
		if line == 1 && strings.EqualFold(id, "id") {
			continue
		}
		if id == "" || address.Domain(address.Parse(email).Addr) == "" {
			return nil, fmt.Errorf("line %d: expected id,email, got %q,%q", line, id, email)
		}
		out[id] = strings.ToLower(email)
	}
}

// LoadStudents reads the students CSV at path.
func LoadStudents(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadStudents(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
