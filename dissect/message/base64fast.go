package message

import "encoding/binary"

// base64Pairs maps two characters, the first in the low byte, to the 12
// bits they encode, or to 0xffff when either is outside the alphabet.
// Looking characters up two at a time halves the lookups of the standard
// decoder, and one check per line replaces one per character.
var base64Pairs = func() *[1 << 16]uint16 {
	var t [1 << 16]uint16
	for i := range t {
		hi, lo := base64Values[byte(i)], base64Values[byte(i>>8)]
		if hi > 63 || lo > 63 {
			t[i] = 0xffff
			continue
		}
		t[i] = uint16(hi)<<6 | uint16(lo)
	}
	return &t
}()

// decodeQuanta decodes src, whole quanta of alphabet characters without
// padding, into dst, which has room for len(src)/4*3 bytes. It reports
// false, having written garbage, when a character is outside the
// alphabet.
func decodeQuanta(dst, src []byte) bool {
	var bad uint16
	n := 0
	for len(src) >= 8 && len(dst)-n >= 8 {
		v := binary.LittleEndian.Uint64(src)
		a, b := base64Pairs[uint16(v)], base64Pairs[uint16(v>>16)]
		c, d := base64Pairs[uint16(v>>32)], base64Pairs[uint16(v>>48)]
		bad |= a | b | c | d
		binary.BigEndian.PutUint64(dst[n:], uint64(a)<<52|uint64(b)<<40|uint64(c)<<28|uint64(d)<<16)
		n += 6
		src = src[8:]
	}
	for len(src) >= 4 {
		a, b := base64Pairs[uint16(src[0])|uint16(src[1])<<8], base64Pairs[uint16(src[2])|uint16(src[3])<<8]
		bad |= a | b
		x := uint32(a)<<12 | uint32(b)
		dst[n], dst[n+1], dst[n+2] = byte(x>>16), byte(x>>8), byte(x)
		n += 3
		src = src[4:]
	}
	return bad < 1<<12
}
