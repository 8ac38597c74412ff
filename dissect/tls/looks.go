package tls

// Looks reports whether b starts like a TLS record (content type 20..24,
// version 3.0 to 3.4) or like an SSLv2-compatible ClientHello. It needs at
// least three bytes (five for SSLv2).
func Looks(b []byte) bool {
	if len(b) >= 3 && b[0] >= typeChangeCipherSpec && b[0] <= typeHeartbeat && b[1] == 3 && b[2] <= 4 {
		return true
	}
	return looksSSLv2(b)
}

// looksSSLv2 recognises the 2-byte header of an SSLv2 record holding a
// ClientHello (message type 1) of version 2.0 or 3.x.
func looksSSLv2(b []byte) bool {
	if len(b) < 5 || b[0]&0x80 == 0 || b[2] != 1 {
		return false
	}
	n := int(b[0]&0x7f)<<8 | int(b[1])
	if n < 9 {
		return false
	}
	return (b[3] == 0 && b[4] == 2) || (b[3] == 3 && b[4] <= 3)
}
