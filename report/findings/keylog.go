package findings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
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
			fmt.Sprintf("%s credentials of %q visible only with the key log (%s)", strings.ToUpper(string(c.Proto)), c.Username, c.Mechanism),
			fmt.Sprintf("Visible only with your key log: an eavesdropper saw %d encrypted bytes on this session, not the login.", n),
			[]int64{c.Packet, c.ReplyPacket},
			map[string]string{"proto": strings.ToUpper(string(c.Proto)), "user": c.Username, "mechanism": c.Mechanism,
				"bytes": strconv.FormatInt(n, 10)})
		f.Decrypted = true
		out = append(out, f)
	}
	return out
}
