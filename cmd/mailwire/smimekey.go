package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/decrypt"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/pipeline"
)

// smimePassEnv holds the .p12 password when --smime-pass is not given.
const smimePassEnv = "MAILWIRE_SMIME_PASS"

// smimeFlags are the private keys that open S/MIME encrypted messages.
type smimeFlags struct {
	files []string
	pass  string
	keys  []*smimekey.Key // loaded once, for every capture
	// stderr is where the password is asked on a terminal.
	stderr io.Writer
}

func (s *smimeFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.files, "smime-key", nil, "S/MIME private key to decrypt messages with: a .p12/.pfx file, or a PEM key with its certificate (repeatable)")
	fs.StringVar(&s.pass, "smime-pass", "", "password of the .p12 files (default: $"+smimePassEnv+", else asked on a terminal)")
}

// apply loads the keys and makes the pipeline decrypt with them; a key
// that cannot be loaded (a wrong password among others) is an error.
func (s *smimeFlags) apply(opt *pipeline.Options) error {
	if len(s.files) == 0 {
		return nil
	}
	if s.keys == nil {
		keys, err := s.load(s.stderr)
		if err != nil {
			return err
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
	return nil
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
