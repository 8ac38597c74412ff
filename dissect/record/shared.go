package record

// shared points into one record at the fields that several kinds have in
// common. Each kind says once, in its shared method next to Kind and
// Frame, which of them it has; the functions below act on them without a
// switch over kinds, so a new kind is wired in where it is declared.
type shared struct {
	session   *string    // the session it belongs to; a session's own id
	decrypted *bool      // read from bytes that only a TLS key log opened
	warnings  *[]Warning // what went wrong while reading it
	secrets   []*string  // cleared by Redact
}

// Kinds returns an empty record of every kind, in the order of the
// contract, for code that lists what each kind holds.
func Kinds() []Record {
	return []Record{&Capture{}, &Session{}, &Command{}, &Credential{}, &StartTLS{}, &TLS{},
		&Message{}, &Mailbox{}, &DNS{}, &Finding{}, &Summary{}}
}

// SessionRef returns a pointer to the field of r that names its session
// (the id itself for a session record), or nil for kinds that have none.
func SessionRef(r Record) *string { return r.shared().session }

// MarkDecrypted sets the Decrypted field of the kinds that have one: r was
// read from bytes that only a TLS key log opened.
func MarkDecrypted(r Record) {
	if d := r.shared().decrypted; d != nil {
		*d = true
	}
}

// Warnings returns the warnings a record carries, sharing their storage
// so that a writer can fill their Text.
func Warnings(r Record) []Warning {
	if w := r.shared().warnings; w != nil {
		return *w
	}
	return nil
}

// Redact removes every secret from r in place, unless reveal is set. It is
// the one place where secrets are dropped: renderers only see its result.
func Redact(r Record, reveal bool) {
	if reveal {
		return
	}
	for _, s := range r.shared().secrets {
		*s = ""
	}
}

// Count adds r to the totals of the summary.
func (s *Summary) Count(r Record) {
	switch r.(type) {
	case *Session:
		s.Sessions++
	case *Credential:
		s.Credentials++
	case *Message:
		s.Messages++
	case *Finding:
		s.Findings++
	}
}
