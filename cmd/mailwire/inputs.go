package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailwire/mailwire/report/grade"
)

// captureFiles turns the arguments of read and extract into capture files:
// a folder stands for the capture files directly inside it, sorted by
// name. Folders with no capture are reported on stderr; ok is false then.
// Other arguments are kept as they are, so that a missing file is
// reported by the reader with the rest of the read errors.
func (a *app) captureFiles(args []string) (files []string, ok bool) {
	ok = true
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if arg == "-" || err != nil || !fi.IsDir() {
			files = append(files, arg)
			continue
		}
		inside, err := capturesIn(arg)
		switch {
		case errors.Is(err, fs.ErrPermission):
			fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.inputs.folder-denied", "dir", arg))
			ok = false
		case err != nil:
			fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.inputs.folder-unlistable", "dir", arg, "error", detail(err)))
			ok = false
		case len(inside) == 0:
			fmt.Fprintln(a.stderr, "mailwire:", a.tr.T("cli.inputs.folder-empty", "dir", arg))
			ok = false
		}
		files = append(files, inside...)
	}
	return files, ok
}

// capturesIn lists the capture files directly inside dir.
func capturesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && grade.IsCapture(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}
