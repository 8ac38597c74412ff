package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/mailwire/mailwire/dissect/message"
	"github.com/mailwire/mailwire/dissect/message/decrypt"
	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
	"github.com/mailwire/mailwire/report/pipeline"
)

// smimePassEnv holds the .p12 password when --smime-pass is not given.
const smimePassEnv = "MAILWIRE_SMIME_PASS"

// smimeFlags are the private keys that open S/MIME encrypted messages.
type smimeFlags struct {
	files []string
	pass  string
	keys  []*smimekey.Key // loaded once, for every capture
	// a is where the password is asked on a terminal, and in which
	// language.
	a *app
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
		keys, err := s.load()
		if err != nil {
			return err
		}
		s.keys = keys
	}
	keys := s.keys
	keep := opt.Dissect.KeepRaw
	opt.Dissect.KeepEnveloped = true
	mopt := message.Options{MaxAttachment: opt.Dissect.Limits.MaxAttachment, KeepRaw: keep}
	opt.Transform = func(r record.Record) {
		m, ok := r.(*record.Message)
		if !ok || m.Encryption == nil {
			return
		}
		decrypt.Message(m, keys, mopt)
		if !keep {
			m.Encryption.DER = nil
		}
	}
	return nil
}

func (s *smimeFlags) load() ([]*smimekey.Key, error) {
	pass, given := s.pass, s.pass != ""
	if !given {
		pass, given = os.LookupEnv(smimePassEnv)
	}
	var keys []*smimekey.Key
	for _, f := range s.files {
		k, err := smimekey.LoadFile(f, pass)
		var pe *smimekey.PasswordError
		if errors.As(err, &pe) && pe.Empty && !given && term.IsTerminal(int(os.Stdin.Fd())) {
			fmt.Fprint(s.a.stderr, s.a.tr.T("cli.smime.password-prompt", "file", f))
			b, rerr := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(s.a.stderr)
			if rerr != nil {
				return nil, errors.New(s.a.tr.T("cli.smime.password-unreadable", "error", rerr.Error()))
			}
			pass, given = string(b), true
			k, err = smimekey.LoadFile(f, pass)
		}
		if err != nil {
			return nil, errors.New(keyError(s.a.tr, err, "--smime-pass"))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// keyError says why a key or certificate file cannot be used, in tr's
// language; passFlag is the flag that gives the password. The decoder's
// own detail, when there is one, follows in parentheses.
func keyError(tr i18n.Tr, err error, passFlag string) string {
	var pe *smimekey.PasswordError
	var ke *smimekey.Error
	var path *fs.PathError
	switch {
	case errors.As(err, &pe) && pe.Empty:
		return tr.T("cli.key.password-needed", "file", pe.File, "flag", passFlag, "env", smimePassEnv)
	case errors.As(err, &pe):
		return tr.T("cli.key.wrong-password", "file", pe.File, "flag", passFlag, "env", smimePassEnv)
	case errors.As(err, &ke) && keyErrorKeys[ke.Kind] != "":
		msg := tr.T(keyErrorKeys[ke.Kind], "file", ke.File)
		if ke.Reason != "" {
			msg += " (" + ke.Reason + ")"
		}
		return msg
	case errors.As(err, &path):
		return fileError(tr, path.Path, err)
	}
	return err.Error()
}

// keyErrorKeys are the sentences of smimekey's kinds of error.
var keyErrorKeys = map[error]string{
	smimekey.ErrTooLarge:          "cli.key.too-large",
	smimekey.ErrMalformed:         "cli.key.malformed",
	smimekey.ErrTooManyIterations: "cli.key.too-many-iterations",
	smimekey.ErrTooManyElements:   "cli.key.too-many-elements",
	smimekey.ErrNotPKCS12:         "cli.key.not-pkcs12",
	smimekey.ErrBadCertificate:    "cli.key.bad-certificate",
	smimekey.ErrBadPrivateKey:     "cli.key.bad-private-key",
	smimekey.ErrEncryptedPEM:      "cli.key.encrypted-pem",
	smimekey.ErrNoPrivateKey:      "cli.key.no-private-key",
	smimekey.ErrNoCert:            "cli.key.no-cert",
	smimekey.ErrKeyMismatch:       "cli.key.mismatch",
	smimekey.ErrNoCertificate:     "cli.key.no-certificate",
	smimekey.ErrEnvelopedOnly:     "cli.key.enveloped-only",
	smimekey.ErrBadPKCS7:          "cli.key.bad-pkcs7",
	smimekey.ErrUnknownFile:       "cli.key.unknown-file",
}
