package record

// MarkDecrypted sets the Decrypted field of the kinds that have one: r was
// read from bytes that only a TLS key log opened.
func MarkDecrypted(r Record) {
	switch r := r.(type) {
	case *Session:
		r.Decrypted = true
	case *Command:
		r.Decrypted = true
	case *Credential:
		r.Decrypted = true
	case *TLS:
		r.Decrypted = true
	case *Message:
		r.Decrypted = true
	case *Mailbox:
		r.Decrypted = true
	case *Finding:
		r.Decrypted = true
	}
}
