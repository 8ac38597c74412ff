package message

import (
	"strings"

	"github.com/mailwire/mailwire/dissect/address"
	"github.com/mailwire/mailwire/dissect/record"
)

// addressList parses an address header into "Name <addr>" or "addr"
// strings. When the list does not parse, the decoded raw value is kept as
// the one element so that the report still shows what the header said.
func addressList(value string, name string, w *warnings) []string {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	list, err := address.ParseList(value)
	if err == nil && len(list) == 0 {
		return nil // an empty group: "undisclosed-recipients:;"
	}
	if err != nil {
		w.add(record.WarnMIMEBadAddresses, "header", name, "value", record.Quote(clip(decodeText(value), 80)))
		return []string{decodeText(value)}
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, address.Address{Name: sanitize(a.Name), Addr: sanitize(a.Addr)}.String())
	}
	return out
}

// firstAddress returns the first address of a header, or "".
func firstAddress(value, name string, w *warnings) string {
	l := addressList(value, name, w)
	if len(l) == 0 {
		return ""
	}
	return l[0]
}
