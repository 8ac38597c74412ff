package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/mailwire/mailwire/dissect/tls/keylog"
	"github.com/mailwire/mailwire/report/pipeline"
)

// keylogFlags are the TLS key logs that open the sessions they hold
// secrets for; every file goes into one key log shared by every capture
// of the run.
type keylogFlags struct {
	files  []string
	log    *keylog.Log
	stderr io.Writer // where unreadable lines are reported
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
				return fmt.Errorf("%v (give the file that SSLKEYLOGFILE or openssl s_client -keylogfile wrote)", err)
			}
			for _, w := range warns {
				fmt.Fprintf(k.stderr, "mailwire: warning: key log %s\n", w)
			}
			if log.Len() == before {
				fmt.Fprintf(k.stderr, "mailwire: warning: key log %s holds no TLS secret\n", path)
			}
		}
		k.log = log
	}
	o.Dissect.Keys = k.log
	return nil
}
