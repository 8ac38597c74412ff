package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/dissect/pipeline"
	"github.com/mailwire/mailwire/dissect/tls/keylog"
)

// keylogFlag is the repeatable --keylog FILE: each file is read when the
// flag is parsed, into one key log shared by every capture of the run.
type keylogFlag struct {
	fs    *flag.FlagSet
	log   *keylog.Log
	files []string
}

func registerKeylog(fs *flag.FlagSet) *keylogFlag {
	k := &keylogFlag{fs: fs}
	fs.Var(k, "keylog", "TLS key log to decrypt the sessions it opens (SSLKEYLOGFILE, openssl -keylogfile); repeatable")
	return k
}

func (k *keylogFlag) String() string { return strings.Join(k.files, ",") }

func (k *keylogFlag) Set(path string) error {
	if k.log == nil {
		k.log = keylog.New()
	}
	before := k.log.Len()
	warns, err := k.log.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%v (give the file that SSLKEYLOGFILE or openssl s_client -keylogfile wrote)", err)
	}
	for _, w := range warns {
		fmt.Fprintf(k.fs.Output(), "mailwire: warning: key log %s\n", w)
	}
	if k.log.Len() == before {
		fmt.Fprintf(k.fs.Output(), "mailwire: warning: key log %s holds no TLS secret\n", path)
	}
	k.files = append(k.files, path)
	return nil
}

// apply gives the key log to the analysis.
func (k *keylogFlag) apply(o *pipeline.Options) {
	if k != nil && k.log != nil {
		o.Dissect.Keys = k.log
	}
}
