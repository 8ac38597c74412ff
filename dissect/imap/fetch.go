package imap

import "strconv"

// fetchResponse reads "* n FETCH (name value ...)".
func (h *Handler) fetchResponse(u *unit, seq int64, t *Tokenizer) {
	v, _ := t.ReadValue()
	var uid, flags string
	hasFlags := false
	for i := 0; i+1 < len(v.List); i += 2 {
		name := upper(v.List[i].Text)
		val := v.List[i+1]
		switch name {
		case "UID":
			uid = val.String()
		case "FLAGS":
			hasFlags = true
			flags = valuesText([]Value{val})
		}
	}
	if hasFlags && h.flagsChanged() {
		e := "FLAGS " + strconv.FormatInt(seq, 10)
		if uid != "" {
			e += " UID " + clean([]byte(uid))
		}
		h.event(u.frame, e+" "+flags)
	}
}

// flagsChanged tells whether FLAGS in a FETCH response report a change
// (a STORE's effect, or unsolicited) rather than an answer to FETCH FLAGS.
func (h *Handler) flagsChanged() bool {
	return h.lastPending("FETCH") == nil || h.lastPending("STORE") != nil
}
