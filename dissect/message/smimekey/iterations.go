package smimekey

import (
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// maxIterations bounds the key-derivation rounds a PKCS#12 file may ask
// for: tools use 2048 to a few hundred thousand, and a file asking for
// billions would hold mailwire for hours. The fuzz target lowers it.
var maxIterations int64 = 1_000_000

// maxNodes bounds the ASN.1 elements walked looking for them.
const maxNodes = 20000

// checkIterations walks the DER of a PKCS#12 file, inside the octet
// strings that carry DER too, and rejects any salt-and-iterations
// parameter (MacData, pbeParams, PBKDF2-params) over maxIterations.
func checkIterations(der []byte) error {
	nodes := 0
	return walkIterations(cryptobyte.String(der), 0, &nodes)
}

func walkIterations(s cryptobyte.String, depth int, nodes *int) error {
	if depth > 16 {
		return nil
	}
	var prev cbasn1.Tag
	for !s.Empty() {
		*nodes++
		if *nodes > maxNodes {
			return ErrTooManyElements
		}
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&el, &tag) {
			return nil // not DER here: the decoder will say so
		}
		switch {
		case tag == cbasn1.INTEGER && prev == cbasn1.OCTET_STRING:
			// A salt followed by an iteration count.
			if len(el) > 8 || new(big.Int).SetBytes(el).Cmp(big.NewInt(maxIterations)) > 0 {
				return ErrTooManyIterations
			}
		case tag&0x20 != 0:
			if err := walkIterations(el, depth+1, nodes); err != nil {
				return err
			}
		case tag == cbasn1.OCTET_STRING && len(el) > 0 && el[0] == 0x30:
			if err := walkIterations(el, depth+1, nodes); err != nil {
				return err
			}
		}
		prev = tag
	}
	return nil
}
