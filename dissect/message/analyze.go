// Package message analyses one e-mail message that crossed the wire, for
// every dissector (SMTP DATA/BDAT, IMAP FETCH/APPEND, POP3 RETR/TOP): its
// headers, its MIME tree, its attachments with their hashes, its S/MIME or
// OpenPGP protection, and what its sender fields give away.
package message

import (
	"io"
	"strings"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/record"
)

// Options bound and shape the analysis.
type Options struct {
	// MaxAttachment is the most decoded bytes hashed per attachment; the
	// rest is skipped and the attachment marked truncated. 0 means no limit.
	MaxAttachment int64
	// KeepRaw keeps the message bytes in record.Message.Raw (extraction).
	// Raw is the slice given to Analyze, not a copy: the caller must not
	// reuse that buffer for the next message.
	KeepRaw bool
	// KeepEnveloped keeps the enveloped data of an S/MIME encrypted
	// message in its record (Encryption.DER), for decryption with a key
	// given; KeepRaw does too.
	KeepEnveloped bool
}

// maxReceived bounds the Received chain kept.
const maxReceived = 50

// Analyze parses one RFC 5322 message, dot-unstuffed, and returns what it
// shows. The caller fills Session, Proto, Direction, Packet, EndPacket,
// the envelope, AuthUser and Truncated. Analyze never fails: what does not
// parse becomes a warning and what was understood is kept.
func Analyze(raw []byte, opt Options) *record.Message {
	m, _ := analyze(raw, opt, nil)
	return m
}

// Extract analyses a message read from r like Analyze and also writes
// the decoded bytes of each attachment (up to MaxAttachment, the bytes
// that were hashed) to the writer create returns for it, in the order of
// the message; create gets the attachment with its name and types
// filled, before its size and hash are known. The message is read as a
// Stream reads it: an attachment waits in a temporary file, not in
// memory. It returns the first error of r, of create or of a writer;
// the other attachments are still written.
func Extract(r io.Reader, opt Options, create func(a *record.Attachment) (io.WriteCloser, error)) (*record.Message, error) {
	opt.KeepRaw = false
	s := NewStream(opt)
	s.save = create
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		s.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			s.Discard()
			return nil, err
		}
	}
	m := s.Message()
	return m, s.Err()
}

func analyze(raw []byte, opt Options, save func(a *record.Attachment) (io.WriteCloser, error)) (*record.Message, error) {
	return analyzeWith(raw, opt, save, nil)
}

// streamRead is what a Stream read on the way: the digest of a part whose
// body went by, found by the part's header, and the body hash verdicts
// of the DKIM signatures ("" for one that could not be checked).
type streamRead struct {
	lookup func(header) *leafDigest
	dkim   []string
}

// analyzeWith is analyze with what a Stream read on the way.
func analyzeWith(raw []byte, opt Options, save func(a *record.Attachment) (io.WriteCloser, error),
	st *streamRead) (*record.Message, error) {
	m := &record.Message{
		Size:        int64(len(raw)),
		Attachments: []record.Attachment{},
		SMIME:       "none",
	}
	var w warnings
	h, body := splitHeader(raw, &w)
	fillHeaders(m, h, &w)
	var lookup func(header) *leafDigest
	var checked []string
	if st != nil {
		lookup, checked = st.lookup, st.dkim
	}
	fillSenderAuth(m, h, body, checked)
	digestDKIM(m, raw)
	wk := &walker{m: m, opt: opt, w: &w, save: save, streamed: lookup}
	walkMessage(wk, h, body)
	if m.To == nil {
		m.To = []string{}
	}
	if opt.KeepRaw {
		m.Raw = raw
	}
	m.Warnings = w.result()
	return m, wk.saveErr
}

// fillHeaders copies the headers a reader of the capture cares about.
func fillHeaders(m *record.Message, h header, w *warnings) {
	m.Subject = decodeText(h.get("subject"))
	m.From = firstAddress(h.get("from"), "From", w)
	for _, v := range h.values("to") {
		m.To = append(m.To, addressList(v, "To", w)...)
	}
	for _, v := range h.values("cc") {
		m.Cc = append(m.Cc, addressList(v, "Cc", w)...)
	}
	m.ReplyTo = firstAddress(h.get("reply-to"), "Reply-To", w)
	m.ReturnPath = returnPath(h.get("return-path"))
	m.Date = sanitize(h.get("date"))
	m.MessageID = sanitize(h.get("message-id"))
	m.UserAgent = decodeText(h.get("user-agent"))
	if m.UserAgent == "" {
		m.UserAgent = decodeText(h.get("x-mailer"))
	}
	m.InReplyTo = sanitize(h.get("in-reply-to"))
	m.References = messageIDs(h.get("references"))
	m.OriginatingIP = originatingIP(h.get("x-originating-ip"))
	for _, v := range h.values("received") {
		if len(m.Received) == maxReceived {
			w.add(record.WarnMIMETooManyReceived, "max", maxReceived)
			break
		}
		m.Received = append(m.Received, sanitize(strings.Join(strings.Fields(v), " ")))
	}
}

// returnPath is the address of a Return-Path field ("<a@b>" or "<>").
func returnPath(v string) string {
	return sanitize(address.Path(v))
}
