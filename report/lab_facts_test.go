package report_test

import (
	"fmt"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/dissect/record/recordtest"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/view"
)

// expectation is what the facts of a capture say the report must answer.
type expectation struct {
	found    map[string]bool     // question id: answered or not
	mentions map[string][]string // question id: texts its answer must hold
}

func expect(f *recordtest.Facts) expectation {
	e := expectation{found: map[string]bool{}, mentions: map[string][]string{}}
	if f.Snaplen > 0 && f.Snaplen < 1500 {
		return e // payloads cut: the capture does not hold the answers
	}
	for _, id := range []string{"1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7",
		"1.2.2", "1.2.5", "1.2.6", "1.2.7", "1.2.8", "1.2.9", "1.3.2.4", "1.3.2.5", "1.3.2.6", "1.3.2.7"} {
		e.found[id] = false
	}
	var allAuth []recordtest.AuthFact
	for _, c := range f.Conversations {
		allAuth = append(allAuth, c.Auth...)
	}
	var own, others []string
	for _, c := range f.Conversations {
		if c.Proto == "imap" {
			expectIMAP(&e, c.TLS.Mode, c.Auth, c.Commands, c.MailboxesCreated, c.Expunged)
		}
		for _, m := range c.Messages {
			// 1.3.2.4 asks for the MIME type of a signature the student
			// received: a signed message read in clear answers it too.
			if c.TLS.Mode == "none" && c.Proto == "imap" && hasFetch(c.Commands) && strings.Contains(m.SMIME, "signed") {
				e.found["1.3.2.4"] = true
			}
			if c.TLS.Mode != "none" || !strings.Contains(m.SMIME, "encrypted") {
				continue
			}
			if c.Proto == "smtp" {
				e.found["1.3.2.5"] = true
				e.mentions["1.3.2.5"] = append(e.mentions["1.3.2.5"], m.Subject)
			}
			if c.Proto == "imap" && hasFetch(c.Commands) {
				e.found["1.3.2.6"], e.found["1.3.2.7"] = true, true
			}
		}
		if c.Proto != "smtp" {
			continue
		}
		e.found["1.2.2"] = true
		e.mentions["1.2.2"] = append(e.mentions["1.2.2"], fmt.Sprint(c.Server.Port))
		clear := c.TLS.Mode == "none"
		if clear {
			e.found["1.2.6"] = true
		}
		if st := c.StartTLS; st != nil {
			if st.Accepted && c.TLS.Mode == "starttls" {
				e.found["1.2.7"] = true
			}
			// A client that never asks (HELO, or no STARTTLS typed) does
			// not test the server: only a refused request answers 1.2.8.
			if st.Requested && !st.Accepted {
				e.found["1.2.8"] = true
				if st.Reply > 0 {
					e.mentions["1.2.8"] = append(e.mentions["1.2.8"], fmt.Sprint(st.Reply))
				}
			}
		}
		for _, m := range c.Messages {
			if !clear {
				continue
			}
			// 1.2.5: a message whose sender nothing proves, that is, sent
			// without a login the server accepted for its From address;
			// the envelope may say the same as the header.
			if addr, err := mail.ParseAddress(m.HeaderFrom); err == nil && !loggedInAs(c.Auth, addr.Address) {
				e.found["1.2.5"] = true
				// The answer names the messages from someone the capture
				// does not show to be its user, when there are any.
				mention := []string{m.EnvelopeFrom, m.Subject, addr.Address}
				if loggedInAs(allAuth, addr.Address) {
					own = append(own, mention...)
				} else {
					others = append(others, mention...)
				}
			}
			for _, a := range m.Attachments {
				if strings.HasPrefix(a.ContentType, "image/") {
					e.found["1.2.9"] = true
					e.mentions["1.2.9"] = append(e.mentions["1.2.9"], a.ContentType)
				}
			}
			if strings.Contains(m.SMIME, "signed") {
				e.found["1.3.2.4"] = true
			}
		}
	}
	if len(others) == 0 {
		others = own
	}
	e.mentions["1.2.5"] = append(e.mentions["1.2.5"], others...)
	return e
}

// loggedInAs tells whether one accepted login is the address or its
// local part.
func loggedInAs(auth []recordtest.AuthFact, addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	for _, a := range auth {
		if a.Accepted && (strings.EqualFold(a.Username, addr) || strings.EqualFold(a.Username, local)) {
			return true
		}
	}
	return false
}

func hasFetch(commands []string) bool {
	for _, c := range commands {
		if strings.HasSuffix(c, "FETCH") || c == "UID" {
			return true
		}
	}
	return false
}

// expectIMAP: the IMAP questions are answered by what was typed in clear;
// over implicit TLS, 1.1.2 says the login is hidden.
func expectIMAP(e *expectation, mode string, auth []recordtest.AuthFact, commands, created []string, expunged int) {
	if mode == "implicit" || mode == "starttls" {
		e.found["1.1.2"] = true // the report says the login is hidden
		return
	}
	if mode != "none" {
		return
	}
	for _, a := range auth {
		if a.Command == "LOGIN" {
			e.found["1.1.2"] = true
			e.mentions["1.1.2"] = append(e.mentions["1.1.2"], a.Username)
		}
	}
	has := map[string]bool{}
	for _, c := range commands {
		has[c] = true
	}
	e.found["1.1.3"] = e.found["1.1.3"] || has["SELECT"] || has["EXAMINE"]
	// The facts name a UID command by its first word only.
	e.found["1.1.4"] = e.found["1.1.4"] || has["FETCH"] || has["UID FETCH"] || has["UID"]
	if has["STORE"] && expunged > 0 {
		e.found["1.1.5"] = true
		e.mentions["1.1.5"] = append(e.mentions["1.1.5"], "EXPUNGE")
	}
	if has["CREATE"] || has["COPY"] || has["MOVE"] {
		e.found["1.1.6"] = true
		e.mentions["1.1.6"] = append(e.mentions["1.1.6"], created...)
	}
	e.found["1.1.7"] = e.found["1.1.7"] || has["LOGOUT"]
}

// TestLabAnswersMatchCaptureFacts checks each lab answer against what
// the tools that made the capture really sent.
func TestLabAnswersMatchCaptureFacts(t *testing.T) {
	for _, path := range captureFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			e := expect(readFacts(t, path))
			c := analyse(t, path)
			for _, a := range view.LabAnswers(c.Records, "en") {
				want, known := e.found[a.ID]
				if !known {
					continue
				}
				if a.Found != want {
					t.Errorf("%s: answered = %v, the capture says %v (answer: %q)", a.ID, a.Found, want, a.Lines)
					continue
				}
				text := strings.Join(a.Lines, "\n")
				for _, m := range e.mentions[a.ID] {
					if !strings.Contains(text, m) {
						t.Errorf("%s: answer does not mention %q: %q", a.ID, m, text)
					}
				}
				if a.Found && len(a.Frames) == 0 {
					t.Errorf("%s: answered without evidence frames", a.ID)
				}
			}
		})
	}
}

// TestCredentialFindingsMatchCaptureFacts: a login in clear must be a
// cleartext-credentials finding, a login inside TLS must not.
func TestCredentialFindingsMatchCaptureFacts(t *testing.T) {
	for _, path := range captureFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f := readFacts(t, path)
			if f.Snaplen > 0 && f.Snaplen < 1500 {
				t.Skip("payloads cut by the snapshot length: the logins are not in the capture")
			}
			c := analyse(t, path)
			// A login is identified by the client port of its conversation
			// and the user name: a capture may hold the same user in clear
			// and over TLS.
			clientPort := map[string]string{}
			for _, r := range c.Records {
				if s, ok := r.(*record.Session); ok {
					clientPort[s.ID] = s.Client[strings.LastIndexByte(s.Client, ':')+1:]
				}
			}
			flagged := map[string]bool{}
			for _, r := range c.Records {
				if fd, ok := r.(*record.Finding); ok && fd.ID == "cleartext-credentials" {
					flagged[clientPort[fd.Session]+" "+fd.Args["user"]] = true
				}
			}
			for _, conv := range f.Conversations {
				for _, a := range conv.Auth {
					if a.Username == "" {
						continue
					}
					clear := conv.TLS.Mode == "none"
					if flagged[fmt.Sprint(conv.Client.Port)+" "+a.Username] != clear {
						t.Errorf("%s login of %q from port %d (tls %s): cleartext-credentials raised = %v", a.Mechanism, a.Username,
							conv.Client.Port, conv.TLS.Mode, !clear)
					}
				}
			}
			var out strings.Builder
			if err := report.WriteText(&out, []report.Capture{c.capture()}, nil, report.Options{Lang: "fr"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
