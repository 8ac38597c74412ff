package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/decrypt"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/pipeline"
	"github.com/mailwire/mailwire/dissect/record"
)

// smimePassEnv holds the .p12 password when --smime-pass is not given.
const smimePassEnv = "MAILWIRE_SMIME_PASS"

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// smimeFlags are the private keys that open S/MIME encrypted messages.
type smimeFlags struct {
	files listFlag
	pass  string
	keys  []*smimekey.Key // loaded once, for every capture
}

func registerSMIME(fs *flag.FlagSet) *smimeFlags {
	s := &smimeFlags{}
	fs.Var(&s.files, "smime-key", "S/MIME private key to decrypt messages with: a .p12/.pfx file, or a PEM key with its certificate (repeatable)")
	fs.StringVar(&s.pass, "smime-pass", "", "password of the .p12 files (default: $"+smimePassEnv+", else asked on a terminal)")
	return s
}

// apply loads the keys and makes the pipeline decrypt with them. It
// returns a non-zero exit code when a key cannot be loaded.
func (s *smimeFlags) apply(opt *pipeline.Options, stderr io.Writer) int {
	if len(s.files) == 0 {
		return exitOK
	}
	if s.keys == nil {
		keys, err := s.load(stderr)
		if err != nil {
			fmt.Fprintln(stderr, "mailwire:", err)
			return exitUsage
		}
		s.keys = keys
	}
	keys := s.keys
	keep := opt.Dissect.KeepRaw
	opt.Dissect.KeepRaw = true
	mopt := message.Options{MaxAttachment: opt.Dissect.Limits.MaxAttachment, KeepRaw: keep}
	opt.Transform = func(r record.Record) {
		m, ok := r.(*record.Message)
		if !ok || m.Encryption == nil {
			if ok && !keep {
				m.Raw = nil
			}
			return
		}
		decrypt.Message(m, keys, mopt)
		if !keep {
			m.Raw, m.Encryption.DER = nil, nil
		}
	}
	return exitOK
}

func (s *smimeFlags) load(stderr io.Writer) ([]*smimekey.Key, error) {
	pass, given := s.pass, s.pass != ""
	if !given {
		pass, given = os.LookupEnv(smimePassEnv)
	}
	var keys []*smimekey.Key
	for _, f := range s.files {
		k, err := smimekey.LoadFile(f, pass)
		var pe *smimekey.PasswordError
		if errors.As(err, &pe) && pe.Empty && !given && term.IsTerminal(int(os.Stdin.Fd())) {
			fmt.Fprintf(stderr, "Password for %s: ", f)
			b, rerr := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(stderr)
			if rerr != nil {
				return nil, rerr
			}
			pass, given = string(b), true
			k, err = smimekey.LoadFile(f, pass)
		}
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}
