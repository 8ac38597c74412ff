package lab

import "github.com/mailwire/mailwire/dissect/record"

// The lab questions findings answer (tp4-messagerie.txt).
const (
	qLogin      = "1.1.2" // IMAP LOGIN
	qFetch      = "1.1.4" // FETCH: messages read in clear
	qDelete     = "1.1.5" // STORE \Deleted then EXPUNGE
	qMX         = "1.2.1" // MX look-up
	qForgery    = "1.2.5" // the James Bond mail
	qClearSMTP  = "1.2.6" // what a capture of SMTP in clear shows
	qStartTLS   = "1.2.7" // STARTTLS on port 25
	qSecondTLS  = "1.2.8" // STARTTLS at the other domain's server
	qAttachment = "1.2.9" // the GIF
	qSMIME      = "1.3.2" // S/MIME exchanges
)

// byID maps the findings whose question does not depend on where they
// were seen.
var byID = map[record.FindingID]string{
	record.FindingAttachmentExposed:    qAttachment,
	record.FindingSMIMESigned:          qSMIME,
	record.FindingSMIMEEncrypted:       qSMIME,
	record.FindingMXLookup:             qMX,
	record.FindingDeletedNotExpunged:   qDelete,
	record.FindingLoginDisabledIgnored: qLogin,
}

// tlsIDs are the findings about a TLS handshake: on an upgraded
// connection they answer the STARTTLS question.
var tlsIDs = map[record.FindingID]bool{record.FindingWeakTLS: true, record.FindingTLSExpiredCertificate: true,
	record.FindingTLSHandshakeFailed: true, record.FindingTLSNameMismatch: true,
	record.FindingTLSSelfSignedCertificate: true, record.FindingStartTLSNotTLS: true}

// Tag fills the Lab field of every finding of recs (one capture's
// records, with the findings derived from them) with the question it
// answers, from the finding and the records it is about: dissectors know
// nothing of the lab.
func Tag(recs []record.Record) {
	sessions := map[string]*record.Session{}
	creds := map[string][]*record.Credential{}
	msgs := map[string][]*record.Message{}
	for _, r := range recs {
		switch r := r.(type) {
		case *record.Session:
			sessions[r.ID] = r
		case *record.Credential:
			creds[r.Session] = append(creds[r.Session], r)
		case *record.Message:
			msgs[r.Session] = append(msgs[r.Session], r)
		}
	}
	for _, r := range recs {
		f, ok := r.(*record.Finding)
		if !ok {
			continue
		}
		var proto record.Proto
		var security record.Security
		if s := sessions[f.Session]; s != nil {
			proto, security = s.Proto, s.Security
		}
		f.Lab = question(f, proto, security, creds[f.Session], msgs[f.Session])
	}
}

func question(f *record.Finding, proto record.Proto, security record.Security, creds []*record.Credential, msgs []*record.Message) string {
	if q, ok := byID[f.ID]; ok {
		return q
	}
	if tlsIDs[f.ID] {
		if security == record.SecurityImplicitTLS {
			return ""
		}
		return qStartTLS
	}
	switch f.ID {
	case record.FindingStartTLSNotOffered:
		return byProto(proto, qSecondTLS, qLogin)
	case record.FindingStartTLSNotUsed:
		return byProto(proto, qClearSMTP, qLogin)
	case record.FindingStartTLSRefused:
		return byProto(proto, qSecondTLS, "")
	case record.FindingStartTLSPlaintextInjection:
		return byProto(proto, qStartTLS, "")
	case record.FindingCleartextCredentials:
		for _, c := range creds {
			if c.Packet == f.Packet || c.SecretPacket == f.Packet {
				return credentialQuestion(c)
			}
		}
		return byProto(proto, qClearSMTP, "")
	case record.FindingCleartextMessage:
		if direction(f, msgs) == record.DirectionFetched {
			return qFetch
		}
		return qClearSMTP
	case record.FindingSenderUnverified, record.FindingSpoofedSender:
		if direction(f, msgs) == record.DirectionSent {
			return qForgery
		}
	}
	return ""
}

func byProto(proto record.Proto, smtp, imap string) string {
	switch proto {
	case record.ProtoSMTP:
		return smtp
	case record.ProtoIMAP:
		return imap
	}
	return ""
}

// credentialQuestion: the IMAP LOGIN command is 1.1.2; any SMTP login
// in clear is part of what 1.2.6 shows.
func credentialQuestion(c *record.Credential) string {
	switch {
	case c.Proto == record.ProtoIMAP && c.Mechanism == "LOGIN" && !c.SASL:
		return qLogin
	case c.Proto == record.ProtoSMTP:
		return qClearSMTP
	}
	return ""
}

// direction is the direction of the message a finding is about (the
// message at the finding's frame), "" when none is.
func direction(f *record.Finding, msgs []*record.Message) record.Direction {
	for _, m := range msgs {
		if m.Packet == f.Packet {
			return m.Direction
		}
	}
	return ""
}
