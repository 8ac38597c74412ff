package record

// SessionRef returns a pointer to the field of r that names its session
// (the id itself for a session record), or nil for kinds that have none.
func SessionRef(r Record) *string {
	switch r := r.(type) {
	case *Session:
		return &r.ID
	case *Command:
		return &r.Session
	case *Credential:
		return &r.Session
	case *StartTLS:
		return &r.Session
	case *TLS:
		return &r.Session
	case *Message:
		return &r.Session
	case *Mailbox:
		return &r.Session
	case *Finding:
		return &r.Session
	}
	return nil
}
