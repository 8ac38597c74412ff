package tls

import "fmt"

// Protocol versions as they appear on the wire.
const (
	versionSSL2  = 0x0002
	versionSSL3  = 0x0300
	versionTLS10 = 0x0301
	versionTLS11 = 0x0302
	versionTLS12 = 0x0303
	versionTLS13 = 0x0304
)

// versionName names a protocol version the way the JSON records show it.
func versionName(v uint16) string {
	switch v {
	case versionSSL2:
		return "SSL 2.0"
	case versionSSL3:
		return "SSL 3.0"
	case versionTLS10:
		return "TLS 1.0"
	case versionTLS11:
		return "TLS 1.1"
	case versionTLS12:
		return "TLS 1.2"
	case versionTLS13:
		return "TLS 1.3"
	}
	if v&0xff00 == 0x7f00 {
		return fmt.Sprintf("TLS 1.3 draft %d", v&0xff)
	}
	return fmt.Sprintf("0x%04x", v)
}

// isGREASE reports the reserved values of RFC 8701 (0x0a0a, 0x1a1a, ...,
// 0xfafa) that clients sprinkle in their lists to keep servers tolerant;
// fingerprints and reports leave them out.
func isGREASE(v uint16) bool {
	return v&0x0f0f == 0x0a0a && v>>8 == v&0xff
}

// groupName names a named group (supported_groups, key_share).
func groupName(g uint16) string {
	if n, ok := groupNames[g]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", g)
}

var groupNames = map[uint16]string{
	1: "sect163k1", 2: "sect163r1", 3: "sect163r2", 4: "sect193r1", 5: "sect193r2",
	6: "sect233k1", 7: "sect233r1", 8: "sect239k1", 9: "sect283k1", 10: "sect283r1",
	11: "sect409k1", 12: "sect409r1", 13: "sect571k1", 14: "sect571r1", 15: "secp160k1",
	16: "secp160r1", 17: "secp160r2", 18: "secp192k1", 19: "secp192r1", 20: "secp224k1",
	21: "secp224r1", 22: "secp256k1", 23: "secp256r1", 24: "secp384r1", 25: "secp521r1",
	26: "brainpoolP256r1", 27: "brainpoolP384r1", 28: "brainpoolP512r1",
	29: "x25519", 30: "x448",
	31: "brainpoolP256r1tls13", 32: "brainpoolP384r1tls13", 33: "brainpoolP512r1tls13",
	256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096", 259: "ffdhe6144", 260: "ffdhe8192",
	0x11eb: "SecP256r1MLKEM768", 0x11ec: "X25519MLKEM768", 0x11ed: "SecP384r1MLKEM1024",
	0x6399: "X25519Kyber768Draft00",
	0xff01: "arbitrary_explicit_prime_curves", 0xff02: "arbitrary_explicit_char2_curves",
}

// alertName names an alert description (RFC 8446 section 6 and older).
func alertName(d uint8) string {
	if n, ok := alertNames[d]; ok {
		return n
	}
	return fmt.Sprintf("alert_%d", d)
}

var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
	21: "decryption_failed", 22: "record_overflow", 30: "decompression_failure",
	40: "handshake_failure", 41: "no_certificate", 42: "bad_certificate",
	43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
	46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
	49: "access_denied", 50: "decode_error", 51: "decrypt_error",
	60: "export_restriction", 70: "protocol_version", 71: "insufficient_security",
	80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
	100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension",
	111: "certificate_unobtainable", 112: "unrecognized_name",
	113: "bad_certificate_status_response", 114: "bad_certificate_hash_value",
	115: "unknown_psk_identity", 116: "certificate_required", 120: "no_application_protocol",
}
