"""TLS sessions forced onto the cipher suites a key log must also open:
TLS 1.2 AES-CBC with HMAC (with and without encrypt-then-MAC) and TLS 1.3
ChaCha20-Poly1305, each with the client's key log kept."""

import os

from labkit import HOST, LAB, PKI, SERVER_NAME, Wire, auth_fact, scenario, tool_version
from lab_imap import imap_conv, seed_inbox
from lab_smtp import HELO, alice_note, auth_login, send_mail, s_client_smtp


def imaps_forced(f, tls_args, version):
    """openssl s_client to dovecot on 993 with the given cipher options:
    LOGIN, SELECT, FETCH and LOGOUT typed inside TLS."""
    user, pw = f.user("alice")
    seed_inbox(user, 180, 2)
    src = f.port()
    log = open(os.path.join(LAB, "log", "s_client.log"), "a")
    w = Wire.s_client(["-connect", "%s:993" % HOST, "-bind", "%s:%d" % (HOST, src)] + tls_args +
                      ["-keylogfile", f.keylog(), "-servername", SERVER_NAME,
                       "-CAfile", os.path.join(PKI, "ca.crt")], log)
    conv = imap_conv(f, 993, src, tool_version(["openssl", "version"]), tls="implicit")
    conv["tls"].update(version=version, sni=SERVER_NAME, openssl_options=" ".join(tls_args))
    w.line()
    for s in ('LOGIN %s "%s"' % (user, pw), "SELECT INBOX", "FETCH 2 (FLAGS BODY[TEXT])", "LOGOUT"):
        w.imap_cmd(".", s)
        conv["commands"].append(s.split(" ", 1)[0])
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN", encrypted=True))
    conv["auth_user"] = user
    w.close()


@scenario("imaps-993-cbc", [993], "IMAPS 993 forced onto TLS 1.2 AES-CBC: openssl s_client -tls1_2 "
          "-cipher ECDHE-RSA-AES128-SHA (encrypt-then-MAC, OpenSSL's default; key log kept), LOGIN, "
          "SELECT, FETCH, LOGOUT.")
def imaps_993_cbc(f):
    imaps_forced(f, ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"], "TLSv1.2")


@scenario("imaps-993-cbc-noetm", [993], "IMAPS 993 forced onto TLS 1.2 AES-256-CBC with HMAC-SHA384 and "
          "MAC-then-encrypt: openssl s_client -tls1_2 -cipher ECDHE-RSA-AES256-SHA384 -no_etm (key log "
          "kept), LOGIN, SELECT, FETCH, LOGOUT.")
def imaps_993_cbc_noetm(f):
    imaps_forced(f, ["-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384", "-no_etm"], "TLSv1.2")


@scenario("smtps-465-chacha", [465], "SMTPS on port 465 forced onto TLS 1.3 ChaCha20-Poly1305: openssl "
          "s_client -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256 (key log kept), AUTH LOGIN and a "
          "message.")
def smtps_465_chacha(f):
    user, pw = f.user("alice")
    w, conv = s_client_smtp(f, 465, "1.3", False, ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"])
    code, _ = w.smtp()
    assert code == 220
    w.smtp_cmd("EHLO " + HELO, 250)
    conv["auth"].append(auth_login(w, user, pw))
    conv["auth"][-1]["encrypted"] = True
    conv["auth_user"] = user
    m = alice_note(44, "Envoyé en ChaCha20")
    send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())
