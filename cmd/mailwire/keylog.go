package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report/pipeline"
)

// keylogFlags are the TLS key logs that open the sessions they hold
// secrets for; every file goes into one key log shared by every capture
// of the run.
type keylogFlags struct {
	files []string
	log   *keylog.Log
	a     *app // where unreadable lines are reported, and in which language
}

func (k *keylogFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&k.files, "keylog", nil, "TLS key log to decrypt the sessions it opens (SSLKEYLOGFILE, openssl -keylogfile); repeatable")
}

// apply reads the key logs once and gives them to the analysis. A line
// it cannot read is a warning; a file it cannot open is an error.
func (k *keylogFlags) apply(o *pipeline.Options) error {
	if len(k.files) == 0 {
		return nil
	}
	if k.log == nil {
		log := keylog.New()
		for _, path := range k.files {
			before := log.Len()
			warns, err := log.ReadFile(path)
			if err != nil {
				return errors.New(openError(k.a.tr, "cli.keylog", path, err))
			}
			for _, w := range warns {
				fmt.Fprintln(k.a.stderr, "mailwire:", k.a.tr.T("cli.warning", "text", k.a.tr.Warning(w)))
			}
			if log.Len() == before {
				fmt.Fprintln(k.a.stderr, "mailwire:", k.a.tr.T("cli.warning", "text", k.a.tr.T("cli.keylog.no-secret", "file", path)))
			}
		}
		k.log = log
	}
	o.Dissect.Keys = k.log
	return nil
}
