// Package cms reads what an S/MIME enveloped message shows without its
// private key: who it is for (recipient identifiers), how the content key
// travels to them (key-transport or key-agreement algorithm), and which
// cipher protects the content. Go's pkcs7 readers keep recipient infos
// private, so this is a small cryptobyte parser of RFC 5652 and RFC 5083.
package cms

import (
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Content types of a ContentInfo, by name.
const (
	Data              = "data"
	SignedData        = "signed-data"
	EnvelopedData     = "enveloped-data"
	AuthEnvelopedData = "authEnveloped-data"
	CompressedData    = "compressed-data"
	EncryptedData     = "encrypted-data"
	maxRecipients     = 100
)

var contentTypes = map[string]string{
	"1.2.840.113549.1.7.1":       Data,
	"1.2.840.113549.1.7.2":       SignedData,
	"1.2.840.113549.1.7.3":       EnvelopedData,
	"1.2.840.113549.1.7.6":       EncryptedData,
	"1.2.840.113549.1.9.16.1.9":  CompressedData,
	"1.2.840.113549.1.9.16.1.23": AuthEnvelopedData,
}

// Recipient identifies one recipient of an enveloped message.
type Recipient struct {
	Issuer       string // issuer DN, with Serial
	Serial       string // hex
	SubjectKeyID string // hex, instead of issuer and serial
	KeyAlg       string // key transport / agreement algorithm
}

// Enveloped is what an EnvelopedData or AuthEnvelopedData shows.
type Enveloped struct {
	ContentType string // EnvelopedData or AuthEnvelopedData
	ContentAlg  string // e.g. aes256-cbc, des-ede3-cbc, rc2-cbc-40
	Weak        bool   // a cipher broken or too short today
	Recipients  []Recipient
}

var errNotEnveloped = errors.New("cms: not enveloped data")

// ContentType names the content type of a ContentInfo (BER or DER), or
// returns "" when b is not one.
func ContentType(b []byte) string {
	der, err := toDER(b)
	if err != nil {
		return ""
	}
	name, _, err := contentInfo(der)
	if err != nil {
		return ""
	}
	return name
}

// contentInfo reads ContentInfo ::= SEQUENCE { contentType OID,
// content [0] EXPLICIT ANY } and returns the name and the content.
func contentInfo(der []byte) (string, cryptobyte.String, error) {
	s := cryptobyte.String(der)
	var ci, content cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&oid) {
		return "", nil, errors.New("cms: not a ContentInfo")
	}
	name := contentTypes[oid.String()]
	if name == "" {
		name = oid.String()
	}
	if !ci.ReadASN1(&content, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return name, nil, nil
	}
	return name, content, nil
}

// ParseEnveloped reads an EnvelopedData or AuthEnvelopedData ContentInfo.
func ParseEnveloped(b []byte) (*Enveloped, error) {
	der, err := toDER(b)
	if err != nil {
		return nil, err
	}
	name, content, err := contentInfo(der)
	if err != nil {
		return nil, err
	}
	if name != EnvelopedData && name != AuthEnvelopedData {
		return nil, errNotEnveloped
	}
	env := &Enveloped{ContentType: name}
	var body, ris cryptobyte.String
	var version int64
	if !content.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1Integer(&version) {
		return nil, errors.New("cms: malformed " + name)
	}
	body.SkipOptionalASN1(cbasn1.Tag(0).ContextSpecific().Constructed()) // originatorInfo
	if !body.ReadASN1(&ris, cbasn1.SET) {
		return nil, errors.New("cms: " + name + " without recipient infos")
	}
	env.Recipients, err = recipientInfos(ris)
	if err != nil {
		return env, err
	}
	var eci cryptobyte.String
	var ctype asn1.ObjectIdentifier
	if !body.ReadASN1(&eci, cbasn1.SEQUENCE) || !eci.ReadASN1ObjectIdentifier(&ctype) {
		return env, errors.New("cms: " + name + " without encrypted content info")
	}
	env.ContentAlg, env.Weak, err = contentAlgorithm(&eci)
	return env, err
}

// recipientInfos reads the SET OF RecipientInfo.
func recipientInfos(s cryptobyte.String) ([]Recipient, error) {
	var out []Recipient
	for !s.Empty() && len(out) < maxRecipients {
		var ri cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&ri, &tag) {
			return out, errors.New("cms: malformed recipient info")
		}
		switch tag {
		case cbasn1.SEQUENCE:
			r, err := keyTrans(&ri)
			if err != nil {
				return out, err
			}
			out = append(out, r)
		case cbasn1.Tag(1).ContextSpecific().Constructed():
			rs, err := keyAgree(ri)
			out = append(out, rs...)
			if err != nil {
				return out, err
			}
		case cbasn1.Tag(2).ContextSpecific().Constructed():
			out = append(out, Recipient{KeyAlg: "kek (pre-shared key)"})
		case cbasn1.Tag(3).ContextSpecific().Constructed():
			out = append(out, Recipient{KeyAlg: "password"})
		default:
			out = append(out, Recipient{KeyAlg: "other"})
		}
	}
	return out, nil
}

// keyTrans reads KeyTransRecipientInfo ::= SEQUENCE { version, rid,
// keyEncryptionAlgorithm, encryptedKey } up to the algorithm, leaving s
// at the encryptedKey.
func keyTrans(s *cryptobyte.String) (Recipient, error) {
	var version int64
	if !s.ReadASN1Integer(&version) {
		return Recipient{}, errors.New("cms: malformed key transport recipient")
	}
	r, err := recipientID(s, cbasn1.Tag(0).ContextSpecific())
	if err != nil {
		return r, err
	}
	r.KeyAlg, err = algorithm(s)
	return r, err
}

// keyAgree reads KeyAgreeRecipientInfo: one key-agreement algorithm for a
// list of recipient encrypted keys.
func keyAgree(s cryptobyte.String) ([]Recipient, error) {
	var version int64
	bad := errors.New("cms: malformed key agreement recipient")
	if !s.ReadASN1Integer(&version) || !s.SkipASN1(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return nil, bad
	}
	s.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific().Constructed()) // ukm
	alg, err := algorithm(&s)
	if err != nil {
		return nil, err
	}
	var keys cryptobyte.String
	if !s.ReadASN1(&keys, cbasn1.SEQUENCE) {
		return nil, bad
	}
	var out []Recipient
	for !keys.Empty() && len(out) < maxRecipients {
		var rek cryptobyte.String
		if !keys.ReadASN1(&rek, cbasn1.SEQUENCE) {
			return out, bad
		}
		r, err := recipientID(&rek, cbasn1.Tag(0).ContextSpecific().Constructed())
		if err != nil {
			return out, err
		}
		r.KeyAlg = alg
		out = append(out, r)
	}
	return out, nil
}

// recipientID reads issuerAndSerialNumber or a subject key identifier
// tagged skidTag (primitive in key transport, a constructed
// RecipientKeyIdentifier in key agreement).
func recipientID(s *cryptobyte.String, skidTag cbasn1.Tag) (Recipient, error) {
	var r Recipient
	var id cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1Element(&id, &tag) {
		return r, errors.New("cms: missing recipient identifier")
	}
	switch tag {
	case cbasn1.SEQUENCE:
		var ias, issuer cryptobyte.String
		serial := new(big.Int)
		if !id.ReadASN1(&ias, cbasn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, cbasn1.SEQUENCE) || !ias.ReadASN1Integer(serial) {
			return r, errors.New("cms: malformed issuer and serial number")
		}
		r.Issuer = DN(issuer)
		r.Serial = serial.Text(16)
	case skidTag:
		var skid cryptobyte.String
		if !id.ReadASN1(&skid, skidTag) {
			return r, errors.New("cms: malformed subject key identifier")
		}
		if skidTag&0x20 != 0 && !skid.ReadASN1(&skid, cbasn1.OCTET_STRING) {
			return r, errors.New("cms: malformed recipient key identifier")
		}
		r.SubjectKeyID = hex.EncodeToString(skid)
	default:
		return r, errors.New("cms: unknown recipient identifier")
	}
	return r, nil
}

// algorithm reads an AlgorithmIdentifier and names it.
func algorithm(s *cryptobyte.String) (string, error) {
	var ai cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&ai, cbasn1.SEQUENCE) || !ai.ReadASN1ObjectIdentifier(&oid) {
		return "", errors.New("cms: malformed algorithm identifier")
	}
	return algName(oid), nil
}

// contentAlgorithm reads the content-encryption AlgorithmIdentifier,
// RC2's parameters included since they carry its key length.
func contentAlgorithm(s *cryptobyte.String) (string, bool, error) {
	var ai cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&ai, cbasn1.SEQUENCE) || !ai.ReadASN1ObjectIdentifier(&oid) {
		return "", false, errors.New("cms: malformed content encryption algorithm")
	}
	name := algName(oid)
	if name == "rc2-cbc" {
		name = rc2Name(ai)
	}
	return name, isWeak(name), nil
}

// rc2Name reads RC2CBCParameter ::= SEQUENCE { rc2ParameterVersion
// INTEGER OPTIONAL, iv OCTET STRING }: the version encodes the effective
// key bits (160 = 40, 120 = 64, 58 = 128; absent = 32).
func rc2Name(params cryptobyte.String) string {
	var seq cryptobyte.String
	var v int64
	if !params.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return "rc2-cbc"
	}
	if !seq.PeekASN1Tag(cbasn1.INTEGER) {
		return "rc2-cbc-32"
	}
	if !seq.ReadASN1Integer(&v) {
		return "rc2-cbc"
	}
	switch v {
	case 160:
		return "rc2-cbc-40"
	case 120:
		return "rc2-cbc-64"
	case 58:
		return "rc2-cbc-128"
	}
	if v < 256 {
		return "rc2-cbc"
	}
	return "rc2-cbc-" + big.NewInt(v).String()
}

// isWeak flags ciphers that are broken or too short today: DES, 3DES
// (64-bit blocks, Sweet32), RC2 at any strength.
func isWeak(name string) bool {
	return strings.HasPrefix(name, "rc2") || strings.HasPrefix(name, "des")
}
