package tls

import (
	"slices"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
	"github.com/mailwire/mailwire/reassembly/stream"
)

// shownTime is how a finding's sentence shows a certificate's dates.
const shownTime = "2006-01-02 15:04:05Z"

// finding fills what every finding of this package shares; args fill the
// catalogue's sentences.
func (h *handler) finding(id record.FindingID, severity record.Severity, args map[string]string, frames ...int64) {
	f := &record.Finding{ID: id, Severity: severity, Args: args}
	for _, fr := range frames {
		if fr > 0 && !slices.Contains(f.Frames, fr) {
			f.Frames = append(f.Frames, fr)
		}
	}
	h.s.Finding(f)
}

// findings raises what the record shows, once it is emitted.
func (h *handler) findings() {
	if h.implicit {
		h.implicitFinding()
	}
	h.weakFinding()
	h.certFindings()
	if h.alertFatal || h.alertEncrypted {
		h.failedFinding()
	}
}

func (h *handler) implicitFinding() {
	// shown lists, as words of the catalogue, what the eavesdropper sees.
	var shown []string
	args := map[string]string{"variant": "tls", "sni": h.rec.SNI, "subject": h.rec.CertSubject, "version": h.rec.Version}
	if h.rec.SNI != "" {
		shown = append(shown, "tls-shown-sni")
	}
	if h.rec.CertSubject != "" {
		shown = append(shown, "tls-shown-certificate")
	}
	if len(h.rec.ALPN) > 0 {
		shown = append(shown, "tls-shown-alpn")
		args["alpn"] = strings.Join(h.rec.ALPN, ", ")
	}
	args["shown"] = strings.Join(append(shown, "tls-shown-traffic"), ",")
	h.finding(record.FindingImplicitTLS, record.SeverityInfo, args, h.rec.Packet, h.rec.CertificatePacket)
}

// weakFinding raises weak-tls with every reason found, at the severity of
// the worst: what the server chose matters more than what the client
// merely offered.
func (h *handler) weakFinding() {
	// Reasons are words of the catalogue ("finding.word.<reason>"),
	// filled from args.
	var reasons []string
	var severity record.Severity
	worst := ""
	args := map[string]string{"variant": "tls"}
	add := func(sev record.Severity, reason string, kv ...string) {
		reasons = append(reasons, reason)
		for i := 0; i+1 < len(kv); i += 2 {
			args[kv[i]] = kv[i+1]
		}
		if sev.Rank() > severity.Rank() {
			severity, worst = sev, reason
		}
	}
	if sh := h.server; sh != nil {
		switch {
		case sh.version == versionSSL3 || sh.version == versionSSL2:
			add(record.SeverityHigh, "tls-server-version", "server_version", versionName(sh.version))
		case sh.version == versionTLS10 || sh.version == versionTLS11:
			add(record.SeverityMedium, "tls-server-version", "server_version", versionName(sh.version))
		}
		if w := cipherWeakness(sh.cipher); w != "" {
			add(weaknessSeverity(w), "tls-server-cipher", "cipher", cipherName(sh.cipher), "weakness", w)
		}
	}
	if ch := h.client; ch != nil {
		h.clientWeaknesses(ch, add)
	}
	if len(reasons) == 0 {
		return
	}
	args["reason"], args["reasons"] = worst, strings.Join(reasons, ",")
	h.finding(record.FindingWeakTLS, severity, args, h.rec.Packet, h.rec.ServerHelloPacket)
}

// clientWeaknesses lists what the ClientHello offers that it should not.
func (h *handler) clientWeaknesses(ch *clientHello, add func(sev record.Severity, reason string, kv ...string)) {
	if ch.sslv2 {
		if ch.version == versionSSL2 {
			add(record.SeverityHigh, "tls-client-sslv2-only")
		} else {
			add(record.SeverityLow, "tls-client-sslv2-hello")
		}
	}
	var old []string
	modern := false
	for _, v := range clientOffered(ch) {
		if v < versionTLS12 {
			old = append(old, versionName(v))
		} else {
			modern = true
		}
	}
	// A client that also offers TLS 1.2 or 1.3 and got one of them is
	// protected by the downgrade sentinel (RFC 8446 4.1.3): its old
	// offers are no weakness of this session, and every stock client
	// makes them.
	if modern && (h.server == nil || h.server.version >= versionTLS12) {
		old = nil
	}
	if len(old) > 0 {
		add(record.SeverityLow, "tls-client-old-versions", "old_versions", strings.Join(old, ", "))
	}
	var classes []string
	aead := false
	for _, c := range ch.ciphers {
		if w := cipherWeakness(c); w != "" && !slices.Contains(classes, w) {
			classes = append(classes, w)
		}
		if !isGREASE(c) && !isSignalling(c) && !isCBC(c) {
			aead = true
		}
	}
	if len(classes) > 0 {
		add(record.SeverityLow, "tls-client-weak-suites", "weak_suites", strings.Join(classes, ","))
	}
	if !aead && len(ch.ciphers) > 0 && h.anyCBC(ch) {
		add(record.SeverityLow, "tls-client-cbc-only")
	}
}

// clientOffered lists the versions the client accepts: supported_versions,
// or only its legacy version when it is below TLS 1.2 (above that, the
// lowest version it accepts does not show).
func clientOffered(ch *clientHello) []uint16 {
	if vs := withoutGREASE(ch.versions); len(vs) > 0 {
		return vs
	}
	if ch.version < versionTLS12 {
		return []uint16{ch.version}
	}
	return nil
}

func (h *handler) anyCBC(ch *clientHello) bool {
	return slices.ContainsFunc(ch.ciphers, isCBC)
}

// certFindings raises what the server certificate shows (TLS 1.2 and
// older, where it crosses in clear).
func (h *handler) certFindings() {
	c := h.cert
	if c == nil {
		return
	}
	fr := h.rec.CertificatePacket
	if h.rec.CertSelfSigned {
		h.finding(record.FindingTLSSelfSignedCertificate, record.SeverityMedium,
			map[string]string{"variant": "tls", "subject": h.rec.CertSubject}, fr)
	}
	at := h.certAt
	switch {
	case at.IsZero():
	case at.After(c.NotAfter):
		h.finding(record.FindingTLSExpiredCertificate, record.SeverityMedium,
			map[string]string{"variant": "expired", "until": c.NotAfter.UTC().Format(shownTime), "at": at.UTC().Format(shownTime),
				"subject": h.rec.CertSubject, "not_after": c.NotAfter.UTC().Format(time.RFC3339), "seen": at.UTC().Format(time.RFC3339)}, fr)
	case at.Before(c.NotBefore):
		h.finding(record.FindingTLSExpiredCertificate, record.SeverityMedium,
			map[string]string{"variant": "not-yet-valid", "from": c.NotBefore.UTC().Format(shownTime), "at": at.UTC().Format(shownTime),
				"subject": h.rec.CertSubject, "not_before": c.NotBefore.UTC().Format(time.RFC3339), "seen": at.UTC().Format(time.RFC3339)}, fr)
	}
	if sni := h.rec.SNI; sni != "" && !nameMatches(c, sni) {
		names := strings.Join(h.rec.CertSANs, ", ")
		if names == "" {
			names = c.Subject.CommonName
		}
		h.finding(record.FindingTLSNameMismatch, record.SeverityMedium,
			map[string]string{"variant": "tls", "sni": sni, "names": names}, h.rec.Packet, fr)
	}
}

func (h *handler) failedFinding() {
	variant := "alert"
	if h.alertEncrypted {
		variant = "encrypted-alert"
	}
	h.finding(record.FindingTLSHandshakeFailed, record.SeverityMedium,
		map[string]string{"variant": variant, "alert": h.rec.Alert}, h.rec.Packet, h.alertFrame)
}

// notTLS handles a direction whose first bytes are not TLS. After an
// accepted STARTTLS this is serious: the client believed it upgraded, and
// what followed crossed in clear.
func (h *handler) notTLS(sd *side, hdr, rest []byte) {
	sd.stop()
	if h.notTLSSeen {
		return
	}
	h.notTLSSeen = true
	if sd.dir == h.sides[1].dir && len(hdr) >= 5 && hdr[0]&0x80 != 0 && hdr[2] == 4 {
		h.s.Warn(sd.start, record.WarnTLSSSL2ServerHello)
		h.rec.Version = versionName(versionSSL2)
		return
	}
	sd.clear = make([]byte, 0, excerptLen)
	sd.clear = append(sd.clear, hdr...)
	sd.quoting = true
	h.moreClear(sd, &stream.Event{Data: rest})
}

// moreClear adds to the cleartext of a side that is not TLS, and quotes
// it once it is long enough or a gap cuts it.
func (h *handler) moreClear(sd *side, ev *stream.Event) {
	if ev.Gap == 0 {
		sd.clear = append(sd.clear, ev.Data[:min(len(ev.Data), excerptLen-len(sd.clear))]...)
	}
	if ev.Gap > 0 || len(sd.clear) >= excerptLen {
		h.quoteClear(sd)
	}
}

// quoteClear reports the cleartext of a side that is not TLS.
func (h *handler) quoteClear(sd *side) {
	text := Excerpt(sd.clear, excerptLen-1)
	sd.clear, sd.quoting = nil, false
	if h.implicit {
		h.s.Warn(sd.start, record.WarnTLSNotTLS, "dir", sd.dir, "text", text)
		return
	}
	h.s.UpgradeFailed()
	f := &record.Finding{
		ID: record.FindingStartTLSNotTLS, Severity: record.SeverityHigh,
		Frames: []int64{sd.start},
		Args:   map[string]string{"variant": "tls", "side": sd.dir.String(), "excerpt": text},
	}
	h.s.Finding(f)
}
