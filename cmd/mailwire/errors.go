package main

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/mailwire/mailwire/reassembly/capfile"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/spool"
)

// explain says why the capture at path could not be read, and what to do
// next when the user can fix it.
func explain(tr i18n.Tr, path string, err error) string {
	switch {
	case errors.Is(err, capfile.ErrTarArchive):
		return tr.T("cli.read.tar", "file", path)
	case errors.Is(err, capfile.ErrUnknownFormat):
		return tr.T("cli.read.not-capture", "file", path)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return fileError(tr, path, err)
	}
	return tr.T("cli.read.unreadable", "file", path, "error", strings.TrimPrefix(err.Error(), path+": "))
}

// fileError says why a file the user named cannot be opened.
func fileError(tr i18n.Tr, path string, err error) string {
	return openError(tr, "cli.file", path, err)
}

// openError says why a file cannot be opened with the sentences under
// prefix (".not-found", ".denied", ".unreadable"), so that a kind of file
// can say what to give instead.
func openError(tr i18n.Tr, prefix, path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return tr.T(prefix+".not-found", "file", path)
	case errors.Is(err, fs.ErrPermission):
		return tr.T(prefix+".denied", "file", path)
	}
	return tr.T(prefix+".unreadable", "file", path, "error", detail(err))
}

// writeError says why a report could not be written: its records could
// not be kept in temporary files, or the output refused it.
func writeError(tr i18n.Tr, err error) string {
	if errors.Is(err, spool.ErrSpool) {
		return tr.T("cli.read.spool-failed", "error", detail(err))
	}
	return tr.T("cli.read.write-failed", "error", detail(err))
}

// detail is the system's own words for a failed file operation, without
// the operation and path the sentence around it already says.
func detail(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
