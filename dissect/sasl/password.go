package sasl

import (
	"bytes"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// plain decodes RFC 4616: authzid NUL authcid NUL passwd. Some clients
// omit the authzid part entirely (authcid NUL passwd); both are accepted.
// Only the NUL separators prove which part is the username: a message
// without them (user:pass, a password alone) or one that is not base64 is
// a secret as a whole, shown masked with its length.
func (x *Exchange) plain(c *record.Credential) bool {
	msg, form := x.firstClientForm()
	if msg == nil {
		return false
	}
	parts := bytes.SplitN(msg, []byte{0}, 3)
	switch {
	case form == Raw:
		c.SetPassword(string(msg))
		c.Malformed = record.MalformedNotBase64
		return true
	case len(parts) == 3:
		c.Authzid = clean(parts[0])
		c.Username = clean(parts[1])
		c.SetPassword(string(parts[2]))
	case len(parts) == 2:
		c.Username = clean(parts[0])
		c.SetPassword(string(parts[1]))
	default:
		c.SetPassword(string(msg))
		c.Malformed = record.MalformedNoSeparator
		return true
	}
	if form == Trailing {
		c.Malformed = record.MalformedTrailing
	}
	c.Recoverable = c.PasswordLen > 0
	return c.Username != "" || c.PasswordLen > 0
}

// login decodes the LOGIN mechanism: the username, then the password. The
// server's prompts usually say which is asked ("Username:", "Password:"),
// and are used when they do; otherwise the order decides. An empty message
// before the username (an empty initial response) is skipped.
func (x *Exchange) login(c *record.Credential) bool {
	var prompt string
	var haveUser, havePass bool
	var unproven []byte
	for _, s := range x.steps {
		if s.server {
			prompt = strings.ToLower(string(s.data))
			continue
		}
		asked := ""
		switch {
		case strings.Contains(prompt, "pass"):
			asked = "password"
		case strings.Contains(prompt, "user"):
			asked = "username"
		}
		prompt = ""
		if asked == "" && !haveUser && len(s.data) == 0 {
			continue
		}
		if asked == "password" || (asked == "" && haveUser) {
			if !havePass {
				c.SetPassword(string(s.data))
				havePass = true
			}
			continue
		}
		if !haveUser {
			haveUser = true
			if s.form != Clean || bytes.ContainsAny(s.data, "\x00:") {
				// Not proven to be a username: a line that is not base64
				// or holds "user:pass" is kept as a secret.
				unproven = s.data
				c.Malformed = record.MalformedNotBase64
				if s.form == Clean {
					c.Malformed = record.MalformedNoSeparator
				}
				continue
			}
			c.Username = clean(s.data)
		}
	}
	if unproven != nil && !havePass {
		c.SetPassword(string(unproven))
		havePass = true
	}
	c.Recoverable = havePass && c.Malformed == ""
	return haveUser || havePass
}

// external decodes EXTERNAL (RFC 4422 appendix A): the only message is the
// authorization identity, often empty, the real identity being the
// client certificate.
func (x *Exchange) external(c *record.Credential) bool {
	msg := x.firstClient()
	if msg == nil {
		return false
	}
	c.Authzid = clean(msg)
	c.Username = c.Authzid
	return true
}

// anonymous decodes ANONYMOUS (RFC 4505): an optional trace, often an
// e-mail address.
func (x *Exchange) anonymous(c *record.Credential) bool {
	msg := x.firstClient()
	if msg == nil {
		return false
	}
	c.Username = clean(msg)
	return true
}
