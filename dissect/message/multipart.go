package message

import "bytes"

// splitMultipart cuts a multipart body into the raw bytes of its parts,
// exactly as RFC 2046 delimits them: a part starts after its delimiter
// line and ends before the CRLF that precedes the next delimiter. Those
// exact bytes are what a multipart/signed signature covers. closed tells
// whether the close delimiter was seen; without it the last part runs to
// the end of the body.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	at, isClose, next := findDelimiter(body, delim, 0)
	for at >= 0 {
		if isClose {
			return parts, true
		}
		start := next
		at, isClose, next = findDelimiter(body, delim, start)
		if at < 0 {
			return append(parts, body[start:]), false
		}
		end := at
		if end > start && body[end-1] == '\n' {
			end--
		}
		if end > start && body[end-1] == '\r' {
			end--
		}
		parts = append(parts, body[start:end])
	}
	return parts, false
}

// findDelimiter finds the next delimiter line at or after from: at the
// start of a line, followed by "--" (close) or only white space. It
// returns its offset (-1 when none), whether it closes the multipart, and
// the offset just after its line.
func findDelimiter(b, delim []byte, from int) (at int, isClose bool, next int) {
	for from <= len(b) {
		i := bytes.Index(b[from:], delim)
		if i < 0 {
			return -1, false, len(b)
		}
		at = from + i
		from = at + len(delim)
		if at > 0 && b[at-1] != '\n' {
			continue
		}
		rest := b[at+len(delim):]
		isClose = bytes.HasPrefix(rest, []byte("--"))
		line, _ := cutLine(rest)
		lineLen := len(line)
		if isClose {
			line = line[2:]
		}
		if len(bytes.Trim(line, " \t")) != 0 {
			continue // a longer boundary that starts with this one
		}
		next = at + len(delim) + lineLen
		if next < len(b) && b[next] == '\r' {
			next++
		}
		if next < len(b) && b[next] == '\n' {
			next++
		}
		return at, isClose, next
	}
	return -1, false, len(b)
}
