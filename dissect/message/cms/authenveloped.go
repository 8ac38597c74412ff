package cms

import (
	"encoding/asn1"
	"errors"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// KeyTrans is a key transport recipient with its encrypted content key.
type KeyTrans struct {
	Recipient
	EncryptedKey []byte
}

// AuthEnveloped is what decrypting an AuthEnvelopedData (RFC 5083) with
// AES-GCM (RFC 5084) needs: the recipients' encrypted keys, the GCM
// nonce and tag length, the ciphertext, the tag, and the authenticated
// attributes that are the additional data.
type AuthEnveloped struct {
	Recipients []KeyTrans
	ContentAlg string // aes128-gcm, aes192-gcm, aes256-gcm, ...
	Nonce      []byte
	ICVLen     int
	Ciphertext []byte
	MAC        []byte
	AAD        []byte // DER of the authAttrs as a SET, or nil
}

var errAuthEnveloped = errors.New("cms: malformed authEnveloped-data")

// ParseAuthEnveloped reads an AuthEnvelopedData ContentInfo far enough to
// decrypt it: key transport recipients only.
func ParseAuthEnveloped(b []byte) (*AuthEnveloped, error) {
	der, err := toDER(b)
	if err != nil {
		return nil, err
	}
	name, content, err := contentInfo(der)
	if err != nil {
		return nil, err
	}
	if name != AuthEnvelopedData {
		return nil, errNotEnveloped
	}
	var body, ris, eci cryptobyte.String
	var version int64
	if !content.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1Integer(&version) {
		return nil, errAuthEnveloped
	}
	body.SkipOptionalASN1(cbasn1.Tag(0).ContextSpecific().Constructed())
	if !body.ReadASN1(&ris, cbasn1.SET) || !body.ReadASN1(&eci, cbasn1.SEQUENCE) {
		return nil, errAuthEnveloped
	}
	ae := &AuthEnveloped{}
	for !ris.Empty() && len(ae.Recipients) < maxRecipients {
		var ri cryptobyte.String
		var tag cbasn1.Tag
		if !ris.ReadAnyASN1(&ri, &tag) {
			return nil, errAuthEnveloped
		}
		if tag != cbasn1.SEQUENCE {
			continue // key agreement, KEK, password: not decrypted
		}
		r, err := keyTrans(&ri)
		if err != nil {
			return nil, err
		}
		// keyTrans consumed up to the algorithm; the key follows.
		var key cryptobyte.String
		if !ri.ReadASN1(&key, cbasn1.OCTET_STRING) {
			return nil, errAuthEnveloped
		}
		ae.Recipients = append(ae.Recipients, KeyTrans{Recipient: r, EncryptedKey: key})
	}
	if err := ae.contentInfo(eci); err != nil {
		return nil, err
	}
	var attrs cryptobyte.String
	var present bool
	if !body.ReadOptionalASN1(&attrs, &present, cbasn1.Tag(1).ContextSpecific().Constructed()) {
		return nil, errAuthEnveloped
	}
	if present {
		// The tag covers the attributes as a DER SET OF (RFC 5083 2.2).
		var bld cryptobyte.Builder
		bld.AddASN1(cbasn1.SET, func(c *cryptobyte.Builder) { c.AddBytes(attrs) })
		ae.AAD, _ = bld.Bytes()
	}
	var mac cryptobyte.String
	if !body.ReadASN1(&mac, cbasn1.OCTET_STRING) {
		return nil, errAuthEnveloped
	}
	ae.MAC = mac
	return ae, nil
}

// contentInfo reads the EncryptedContentInfo: AES-GCM parameters and the
// ciphertext, primitive or in BER chunks.
func (ae *AuthEnveloped) contentInfo(eci cryptobyte.String) error {
	var ctype asn1.ObjectIdentifier
	var ai, params cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !eci.ReadASN1ObjectIdentifier(&ctype) || !eci.ReadASN1(&ai, cbasn1.SEQUENCE) || !ai.ReadASN1ObjectIdentifier(&oid) {
		return errAuthEnveloped
	}
	ae.ContentAlg = algName(oid)
	if ai.ReadASN1(&params, cbasn1.SEQUENCE) {
		var nonce cryptobyte.String
		if !params.ReadASN1(&nonce, cbasn1.OCTET_STRING) {
			return errAuthEnveloped
		}
		ae.Nonce = nonce
		ae.ICVLen = 12
		if !params.Empty() {
			var n int64
			if !params.ReadASN1Integer(&n) || n < 4 || n > 16 {
				return errAuthEnveloped
			}
			ae.ICVLen = int(n)
		}
	}
	var ct cryptobyte.String
	var tag cbasn1.Tag
	if !eci.ReadAnyASN1(&ct, &tag) {
		return errAuthEnveloped
	}
	switch tag {
	case cbasn1.Tag(0).ContextSpecific():
		ae.Ciphertext = ct
	case cbasn1.Tag(0).ContextSpecific().Constructed():
		out, err := octetChunks(ct, 0)
		if err != nil {
			return err
		}
		ae.Ciphertext = out
	default:
		return errAuthEnveloped
	}
	return nil
}

// octetChunks concatenates the OCTET STRINGs of a constructed encoding.
func octetChunks(s cryptobyte.String, depth int) ([]byte, error) {
	if depth > 8 {
		return nil, errAuthEnveloped
	}
	var out []byte
	for !s.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&el, &tag) {
			return nil, errAuthEnveloped
		}
		switch tag {
		case cbasn1.OCTET_STRING:
			out = append(out, el...)
		case cbasn1.OCTET_STRING.Constructed():
			more, err := octetChunks(el, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		default:
			return nil, errAuthEnveloped
		}
	}
	return out, nil
}
