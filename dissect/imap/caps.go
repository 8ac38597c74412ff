package imap

import "strings"

// caps is what the server advertised.
type caps struct {
	seen          bool
	starttls      bool
	loginDisabled bool
	frames        []int64 // where they were advertised (evidence)
}

// capabilities reads a "* CAPABILITY ..." response.
func (h *Handler) capabilities(frame int64, t *Tokenizer) {
	var list []Value
	for len(list) < maxItems {
		v, ok := t.ReadValue()
		if !ok {
			break
		}
		list = append(list, v)
	}
	h.capabilityList(frame, list)
}

// capabilityList updates what is known of the server's capabilities. Each
// list is complete, so LOGINDISABLED is as the last list says; STARTTLS
// stays offered once advertised, since the lists sent after a login no
// longer carry it.
func (h *Handler) capabilityList(frame int64, list []Value) {
	h.caps.seen = true
	h.caps.loginDisabled = false
	names := make([]string, 0, len(list))
	for _, v := range list {
		names = append(names, clean([]byte(v.String())))
	}
	h.s.Announced(names, frame)
	for _, v := range list {
		switch strings.ToUpper(v.String()) {
		case "STARTTLS":
			h.caps.starttls = true
		case "LOGINDISABLED":
			h.caps.loginDisabled = true
		}
	}
	if len(h.caps.frames) < 8 {
		h.caps.frames = append(h.caps.frames, frame)
	}
}

// offered tells whether STARTTLS was offered: nil when no capability list
// was seen, false after a PREAUTH greeting.
func (h *Handler) offered() *bool {
	if h.preauth && !h.caps.starttls {
		return ptrBool(false)
	}
	if !h.caps.seen {
		return nil
	}
	return ptrBool(h.caps.starttls)
}

func ptrBool(b bool) *bool { return &b }
