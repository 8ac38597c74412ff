package cms

import (
	"errors"
)

// maxNesting bounds how deep BER elements may nest.
const maxNesting = 64

var errBER = errors.New("cms: malformed BER")

// toDER rewrites the indefinite lengths of BER (what streaming S/MIME
// writers such as openssl cms produce) as definite ones, so that
// cryptobyte can read the result. Nothing else of BER is normalised: the
// parser only reads structure, algorithms and identifiers.
func toDER(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b)+16)
	out, rest, err := convert(out, b, 0)
	if err != nil {
		return nil, err
	}
	_ = rest // trailing bytes after the ContentInfo are ignored
	return out, nil
}

// convert copies one element from b to out and returns what follows it.
func convert(out, b []byte, depth int) ([]byte, []byte, error) {
	if depth > maxNesting {
		return nil, nil, errBER
	}
	tagLen, err := tagLength(b)
	if err != nil {
		return nil, nil, err
	}
	tag := b[:tagLen]
	constructed := b[0]&0x20 != 0
	n, lenLen, indefinite, err := length(b[tagLen:])
	if err != nil {
		return nil, nil, err
	}
	body := b[tagLen+lenLen:]
	if !indefinite && n > len(body) {
		return nil, nil, errBER
	}
	if !constructed {
		if indefinite {
			return nil, nil, errBER
		}
		out = append(out, b[:tagLen+lenLen+n]...)
		return out, body[n:], nil
	}
	var inner []byte
	var rest []byte
	if indefinite {
		inner, rest, err = convertUntilEOC(body, depth)
	} else {
		inner, err = convertAll(body[:n], depth)
		rest = body[n:]
	}
	if err != nil {
		return nil, nil, err
	}
	out = append(out, tag...)
	out = appendLength(out, len(inner))
	return append(out, inner...), rest, nil
}

// convertAll converts every element of a definite-length body.
func convertAll(b []byte, depth int) ([]byte, error) {
	var out []byte
	var err error
	for len(b) > 0 {
		out, b, err = convert(out, b, depth+1)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// convertUntilEOC converts elements up to the end-of-contents marker of
// an indefinite-length body.
func convertUntilEOC(b []byte, depth int) ([]byte, []byte, error) {
	var out []byte
	var err error
	for {
		if len(b) < 2 {
			return nil, nil, errBER
		}
		if b[0] == 0 && b[1] == 0 {
			return out, b[2:], nil
		}
		out, b, err = convert(out, b, depth+1)
		if err != nil {
			return nil, nil, err
		}
	}
}

// tagLength is the length of the identifier octets, high tag numbers
// included.
func tagLength(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, errBER
	}
	if b[0]&0x1f != 0x1f {
		return 1, nil
	}
	for i := 1; i < len(b) && i < 6; i++ {
		if b[i]&0x80 == 0 {
			return i + 1, nil
		}
	}
	return 0, errBER
}

// length reads the length octets: the length, how many octets it took,
// and whether it is the indefinite form.
func length(b []byte) (n, size int, indefinite bool, err error) {
	if len(b) == 0 {
		return 0, 0, false, errBER
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, false, nil
	}
	if b[0] == 0x80 {
		return 0, 1, true, nil
	}
	k := int(b[0] & 0x7f)
	if k > 4 || len(b) < 1+k {
		return 0, 0, false, errBER
	}
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int(c)
	}
	if n < 0 || n > 1<<30 {
		return 0, 0, false, errBER
	}
	return n, 1 + k, false, nil
}

// appendLength writes a DER length.
func appendLength(out []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(out, byte(n))
	case n < 1<<8:
		return append(out, 0x81, byte(n))
	case n < 1<<16:
		return append(out, 0x82, byte(n>>8), byte(n))
	case n < 1<<24:
		return append(out, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
