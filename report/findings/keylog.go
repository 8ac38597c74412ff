package findings

import (
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/report/i18n"
)

// keylogCredentials: a login read inside TLS thanks to the key log. It is
// not a leak (an eavesdropper saw only ciphertext), but the report shows
// it, saying who could see it.
func keylogCredentials(ix *index) []*record.Finding {
	var out []*record.Finding
	for _, c := range ix.creds {
		if !c.Decrypted || ix.exposed(c.Session, c.Packet) || nothingSent(c) {
			continue
		}
		var n int64
		if s := ix.sessions[c.Session]; s != nil {
			n = s.EncryptedBytes
		}
		f := newFinding(KeylogCredentials, record.SeverityInfo, c.Session,
			i18n.RecordText("keylog-credentials.title", "proto", strings.ToUpper(string(c.Proto)),
				"user_q", strconv.Quote(c.Username), "mechanism", c.Mechanism),
			i18n.RecordText("keylog-credentials.detail", "bytes", strconv.FormatInt(n, 10)),
			[]int64{c.Packet, c.ReplyPacket},
			map[string]string{"proto": strings.ToUpper(string(c.Proto)), "user": c.Username, "mechanism": c.Mechanism,
				"bytes": strconv.FormatInt(n, 10)})
		f.Decrypted = true
		out = append(out, f)
	}
	return out
}
