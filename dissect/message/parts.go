package message

import (
	"crypto/sha256"
	"encoding/hex"
	"io"

	"github.com/mailwire/mailwire/dissect/record"
)

// maxPartRecords bounds the parts listed per message.
const maxPartRecords = 256

// part lists a leaf of the MIME tree with the size and SHA-256 of its
// decoded content, text parts included, so that a body can be matched
// with another analyser's or a file on disk. An attachment's figures are
// the ones its hash gave; other parts are hashed here, up to
// MaxAttachment bytes.
func (wk *walker) part(e *entity, attached bool) {
	if len(wk.m.Parts) >= maxPartRecords {
		return
	}
	p := record.Part{Index: len(wk.m.MIME) - 1, ContentType: e.ctype}
	if n := len(wk.m.Attachments); attached && n > 0 {
		a := wk.m.Attachments[n-1]
		p.Size, p.SHA256, p.Truncated = a.Size, a.SHA256, a.Truncated
	} else {
		p.Size, p.SHA256, p.Truncated = wk.digest(e)
	}
	wk.m.Parts = append(wk.m.Parts, p)
}

// digest hashes a part's decoded content, up to MaxAttachment bytes.
func (wk *walker) digest(e *entity) (int64, string, bool) {
	if wk.streamed != nil {
		if d := wk.streamed(e.h); d != nil {
			return d.size, d.sumHex, d.size > wk.hashLimit()
		}
	}
	r := wk.decoded(e)
	sum := sha256.New()
	limit := wk.hashLimit()
	n, _ := io.CopyBuffer(sum, io.LimitReader(r, limit), wk.buffer())
	rest, _ := io.CopyBuffer(io.Discard, r, wk.buffer())
	return n + rest, hex.EncodeToString(sum.Sum(nil)), rest > 0
}

// hashLimit is the most decoded bytes hashed per part: MaxAttachment, or
// no limit when it is not set.
func (wk *walker) hashLimit() int64 {
	if wk.opt.MaxAttachment <= 0 {
		return 1<<63 - 1
	}
	return wk.opt.MaxAttachment
}

// buffer is the copy buffer the parts of one message share.
func (wk *walker) buffer() []byte {
	if wk.copyBuf == nil {
		wk.copyBuf = make([]byte, 16<<10)
	}
	return wk.copyBuf
}
