package conformance

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mailwire/mailwire/dissect"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/extract"
	"github.com/mailwire/mailwire/report/findings"
	"github.com/mailwire/mailwire/report/pipeline"
)

// readTimeout bounds the analysis of one capture: the largest peer capture
// (2 MB) takes well under a second, so a minute means a hang.
const readTimeout = time.Minute

// analysis is mailwire's view of one capture, its records sorted by kind.
type analysis struct {
	path     string
	res      *pipeline.Result
	sessions []*record.Session
	commands []*record.Command
	creds    []*record.Credential
	messages []*record.Message
	starttls []*record.StartTLS
	tls      []*record.TLS
	dns      []*record.DNS
	findings []*record.Finding

	// files are the extracted messages and attachments, made on first use.
	filesOnce sync.Once
	files     []extractedFile
	filesErr  error
}

// extractedFile is one file written by report/extract, with its MD5.
type extractedFile struct {
	extract.File
	MD5 string
}

// analyses caches one analysis per capture: several facts and both tests
// look at the same files.
var analyses sync.Map // path -> *cached

type cached struct {
	once sync.Once
	a    *analysis
	err  error
}

// analyse runs the whole pipeline on path once, secrets revealed, and
// fails the test if it errors or does not finish in readTimeout.
func analyse(t *testing.T, path string) *analysis {
	t.Helper()
	v, _ := analyses.LoadOrStore(path, &cached{})
	c := v.(*cached)
	c.once.Do(func() { c.a, c.err = run(path) })
	if c.err != nil {
		t.Fatalf("%s: %v", path, c.err)
	}
	return c.a
}

func run(path string) (*analysis, error) {
	type result struct {
		res *pipeline.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := pipeline.File(path, pipeline.Options{Reveal: true, Workers: 2})
		done <- result{res, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		return index(path, r.res), nil
	case <-time.After(readTimeout):
		return nil, fmt.Errorf("analysis still running after %v", readTimeout)
	}
}

func index(path string, res *pipeline.Result) *analysis {
	a := &analysis{path: path, res: res}
	for _, r := range res.Records {
		switch r := r.(type) {
		case *record.Session:
			a.sessions = append(a.sessions, r)
		case *record.Command:
			a.commands = append(a.commands, r)
		case *record.Credential:
			a.creds = append(a.creds, r)
		case *record.Message:
			a.messages = append(a.messages, r)
		case *record.StartTLS:
			a.starttls = append(a.starttls, r)
		case *record.TLS:
			a.tls = append(a.tls, r)
		case *record.DNS:
			a.dns = append(a.dns, r)
		case *record.Finding:
			a.findings = append(a.findings, r)
		}
	}
	// The findings that need several records are derived by the report
	// stage, as `mailwire read` does.
	a.findings = append(a.findings, findings.Derive(res.Records)...)
	return a
}

// extracted runs the capture again keeping message bytes and writes every
// message and attachment with report/extract, as `mailwire extract` does,
// so that facts given as MD5 of a file can be checked on the file itself.
func (a *analysis) extracted() ([]extractedFile, error) {
	a.filesOnce.Do(func() { a.files, a.filesErr = extractFiles(a.path) })
	return a.files, a.filesErr
}

func extractFiles(path string) ([]extractedFile, error) {
	res, err := pipeline.File(path, pipeline.Options{Dissect: dissect.Options{KeepRaw: true}})
	if err != nil {
		return nil, err
	}
	var msgs []*record.Message
	for _, r := range res.Records {
		if m, ok := r.(*record.Message); ok {
			msgs = append(msgs, m)
		}
	}
	dir, err := os.MkdirTemp("", "mailwire-conformance-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	idx, err := extract.Write(dir, msgs, extract.Options{})
	if err != nil {
		return nil, err
	}
	var out []extractedFile
	for _, f := range idx.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			return nil, err
		}
		sum := md5.Sum(b)
		out = append(out, extractedFile{File: f, MD5: hex.EncodeToString(sum[:])})
	}
	return out, nil
}
