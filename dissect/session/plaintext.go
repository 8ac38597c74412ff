package session

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// Plaintext returns the session that the dissector of the bytes decrypted
// with a key log works on. Its records are marked decrypted; its warnings
// go to s; findings about STARTTLS are dropped, since inside TLS the
// server rightly stops offering it. Call Merge when that dissector is
// closed.
func (s *Session) Plaintext() *Session {
	c := &Session{ID: s.ID, Flow: s.Flow, Proto: s.Proto, Limits: s.Limits, KeepRaw: s.KeepRaw, KeepEnveloped: s.KeepEnveloped,
		security: s.security, tlsFrame: s.tlsFrame, parent: s}
	c.emit = func(r record.Record) {
		if f, ok := r.(*record.Finding); ok && strings.HasPrefix(string(f.ID), "starttls-") {
			return
		}
		record.MarkDecrypted(r)
		s.emit(r)
	}
	return c
}

// Merge brings back to the outer session what the plaintext dissector
// learnt: the login the server accepted.
func (c *Session) Merge() {
	if c.parent != nil && c.AuthUser != "" {
		c.parent.AuthUser = c.AuthUser
	}
}
