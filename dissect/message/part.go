package message

// Part decodes and hashes the body of one part given in pieces, the way
// an attachment of a whole message is read: what a fetch of one part of
// a message (IMAP BODY[2], the file a mail client opens) needs, without
// holding the part.
type Part struct {
	d *leafDigest
}

// NewPart reads a body in the transfer encoding enc (an unknown one is
// read as it is), hashing its first limit decoded bytes (0: all).
func NewPart(enc string, limit int64) *Part { return &Part{d: newLeafDigest(enc, limit)} }

// Write takes the next bytes of the body.
func (p *Part) Write(b []byte) { p.d.write(b) }

// End ends the body: its decoded size, the SHA-256 of its first limit
// decoded bytes, and whether it was longer than that.
func (p *Part) End() (size int64, sum string, cut bool) {
	d := p.d
	d.finish()
	return d.size, d.sumHex, d.size > d.limit
}
