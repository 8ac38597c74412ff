"""SMTP scenarios: the James Bond forgery of the lab, AUTH in every form,
pipelining, BDAT, STARTTLS accepted and refused, implicit TLS on 465."""

import base64
import email.header
import hashlib
import hmac
import os
import subprocess
import time

from labkit import ALICE, BOB, HOST, LAB, Wire, auth_fact, scenario, tool_version, wait_delivered
from labmail import text_mail

HELO = "pc-etudiant.grenoble-inp.example"
BOND_ENV = "007@grenoble-inp.example"
BOND_FROM = "James Bond <james.bond@mi6.example>"
MISSION = "Compte rendu de mission"
MISSION_2047 = "Compte rendu de mission – opération « Skyfall » à Genève"
MISSION_BODY = (
    "Mission accomplie. Le dossier est dans le coffre de l'ambassade.\r\n"
    "Détruire ce message après lecture.\r\n\r\nJ.B.\r\n"
)


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def swaks(f, port, mail, extra=(), tool_log="swaks"):
    """Send mail with swaks from a fixed client port; returns that port."""
    src = f.port()
    path = os.path.join(LAB, "work", "%s-%d.eml" % (f.sc.name, src))
    with open(path, "wb") as fh:
        fh.write(mail.raw)
    cmd = ["swaks", "--server", HOST, "--port", str(port), "--local-interface", HOST,
           "--local-port", str(src), "--ehlo", HELO, "--from", mail.env_from,
           "--to", ",".join(mail.env_to), "--data", "@" + path] + list(extra)
    with open(os.path.join(LAB, "log", tool_log + ".log"), "a") as log:
        subprocess.run(cmd, stdout=log, stderr=log, check=True, timeout=60)
    return src


def send_mail(w, mail, rcpt_want=250):
    """MAIL, RCPT and DATA, one command at a time."""
    w.smtp_cmd("MAIL FROM:<%s>" % mail.env_from, 250)
    for r in mail.env_to:
        w.smtp_cmd("RCPT TO:<%s>" % r, rcpt_want)
    w.smtp_cmd("DATA", 354)
    w.send(mail.dot_stuffed())
    code, _ = w.smtp()
    if code != 250:
        raise RuntimeError("message refused: %d" % code)


def open_smtp(f, port, tool="python socket (typed commands)", ehlo=True, ctx=None):
    src = f.port()
    w = Wire(port, src, ctx=ctx)
    conv = f.conversation("smtp", port, src, tool, tls="implicit" if ctx else "none")
    code, _ = w.smtp()
    assert code == 220
    if ctx:
        conv["tls"]["version"] = w.sock.version()
    if ehlo:
        _, lines = w.smtp_cmd("EHLO " + HELO, 250)
        conv["starttls"] = {"offered": any("STARTTLS" in l for l in lines), "requested": False, "accepted": False}
        conv["ehlo"] = [l[4:] for l in lines[1:]]
    else:
        w.smtp_cmd("HELO " + HELO, 250)
    return w, conv


def bond_mail(n, encoded):
    subject, raw = MISSION, None
    if encoded:
        subject = MISSION_2047
        raw = email.header.Header(MISSION_2047, "utf-8", maxlinelen=76).encode().replace("\n", "\r\n")
    return text_mail(n, BOND_ENV, ALICE, BOND_FROM, "<%s>" % ALICE, subject, MISSION_BODY, subject_raw=raw)


@scenario("smtp-forgery", [25], "SMTP on port 25: swaks sends the lab's James Bond forgery "
          "(envelope 007@grenoble-inp.example, From: James Bond <james.bond@mi6.example>) to the student.")
def smtp_forgery(f):
    m = bond_mail(1, False)
    src = swaks(f, 25, m)
    conv = f.conversation("smtp", 25, src, tool_version(["swaks", "--version"]))
    conv["helo"] = HELO
    conv["starttls"] = {"offered": True, "requested": False, "accepted": False}
    conv["messages"].append(m.fact())


@scenario("smtp-forgery-2047", [25], "SMTP on port 25 typed by hand (HELO, no EHLO): the forgery "
          "again with an RFC 2047 encoded subject holding accents and guillemets.")
def smtp_forgery_2047(f):
    m = bond_mail(2, True)
    w, conv = open_smtp(f, 25, ehlo=False)
    conv["helo"] = HELO
    conv["starttls"] = {"offered": False, "requested": False, "accepted": False}
    send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())


def alice_note(n, subject="Notes de TP"):
    return text_mail(n, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, subject,
                     "Bonjour Bob,\r\nVoici mes notes du TP4.\r\nAlice\r\n")


def auth_plain_ir(w, user, pw, want=235):
    code, lines = w.smtp_cmd("AUTH PLAIN " + b64("\0%s\0%s" % (user, pw)))
    assert code == want, lines
    return auth_fact("PLAIN", user, pw, code == 235, True, reply=code)


def auth_plain_334(w, user, pw, want=235):
    w.smtp_cmd("AUTH PLAIN", 334)
    w.cmd(b64("\0%s\0%s" % (user, pw)))
    code, lines = w.smtp()
    assert code == want, lines
    return auth_fact("PLAIN", user, pw, code == 235, False, reply=code)


def auth_login(w, user, pw, want=235, initial=False):
    if initial:
        w.smtp_cmd("AUTH LOGIN " + b64(user), 334)
    else:
        w.smtp_cmd("AUTH LOGIN", 334)
        w.smtp_cmd(b64(user), 334)
    w.cmd(b64(pw))
    code, lines = w.smtp()
    assert code == want, lines
    return auth_fact("LOGIN", user, pw, code == 235, initial, reply=code)


def auth_cram_md5(w, user, pw, want=235):
    _, lines = w.smtp_cmd("AUTH CRAM-MD5", 334)
    challenge = base64.b64decode(lines[0][4:])
    digest = hmac.new(pw.encode(), challenge, hashlib.md5).hexdigest()
    w.cmd(b64("%s %s" % (user, digest)))
    code, lines = w.smtp()
    assert code == want, lines
    return auth_fact("CRAM-MD5", user, pw, code == 235, False, reply=code,
                     challenge=challenge.decode(), response=digest)


def auth_scenario(f, how, send):
    user, pw = f.user("alice")
    w, conv = open_smtp(f, 587)
    conv["auth"].append(how(w, user, pw))
    conv["auth_user"] = user
    if send:
        m = alice_note(10 + len(f.data["conversations"]))
        send_mail(w, m)
        conv["messages"].append(m.fact())
    w.smtp_cmd("QUIT", 221)
    w.close()


@scenario("smtp-auth-plain-ir", [587], "Submission 587 in clear: AUTH PLAIN with the initial "
          "response on the command line, then a message from alice to bob.")
def smtp_auth_plain_ir(f):
    auth_scenario(f, auth_plain_ir, True)


@scenario("smtp-auth-plain", [587], "Submission 587 in clear: AUTH PLAIN, empty 334, then the credentials.")
def smtp_auth_plain(f):
    auth_scenario(f, auth_plain_334, False)


@scenario("smtp-auth-login", [587], "Submission 587 in clear: AUTH LOGIN, username and password "
          "each after a 334 prompt, then a message.")
def smtp_auth_login(f):
    auth_scenario(f, auth_login, True)


@scenario("smtp-auth-login-ir", [587], "Submission 587 in clear: AUTH LOGIN with the username as initial response.")
def smtp_auth_login_ir(f):
    auth_scenario(f, lambda w, u, p: auth_login(w, u, p, initial=True), False)


@scenario("smtp-auth-cram-md5", [587], "Submission 587 in clear: AUTH CRAM-MD5 (challenge and "
          "HMAC response in the facts; the password itself never crosses the wire).")
def smtp_auth_cram_md5(f):
    auth_scenario(f, auth_cram_md5, False)


@scenario("smtp-auth-fail", [587], "Submission 587 in clear: AUTH PLAIN with a wrong password (535), "
          "an AUTH LOGIN cancelled with '*' (501), then AUTH LOGIN that succeeds, and a message.")
def smtp_auth_fail(f):
    user, pw = f.user("alice")
    w, conv = open_smtp(f, 587)
    conv["auth"].append(auth_plain_ir(w, user, "Wonderland!24", want=535))
    w.smtp_cmd("AUTH LOGIN", 334)
    w.cmd("*")
    code, _ = w.smtp()
    assert code == 501
    conv["auth"].append(auth_fact("LOGIN", None, None, False, False, cancelled=True, reply=code))
    conv["auth"].append(auth_login(w, user, pw))
    conv["auth_user"] = user
    m = alice_note(20)
    send_mail(w, m)
    conv["messages"].append(m.fact())
    w.smtp_cmd("QUIT", 221)
    w.close()


@scenario("smtp-pipelining", [25], "SMTP on port 25 with PIPELINING: MAIL, three RCPT (one "
          "refused) and DATA in a single segment, replies read afterwards.")
def smtp_pipelining(f):
    w, conv = open_smtp(f, 25)
    m = text_mail(30, ALICE, [ALICE, BOB], "Alice <%s>" % ALICE, "Alice <%s>, Bob <%s>" % (ALICE, BOB),
                  "Pipelining", "Trois destinataires, un seul aller-retour.\r\n")
    bad = "nobody@lab.example"
    w.send("MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nRCPT TO:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (ALICE, ALICE, bad, BOB))
    codes = [w.smtp()[0] for _ in range(5)]
    assert codes == [250, 250, 550, 250, 354], codes
    w.send(m.dot_stuffed())
    assert w.smtp()[0] == 250
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["pipelining"] = True
    fact = m.fact()
    fact["rejected_recipients"] = [bad]
    conv["messages"].append(fact)


@scenario("smtp-bdat", [25], "SMTP on port 25 with CHUNKING: the message in two BDAT chunks "
          "(the cut falls inside a line), the second one LAST.")
def smtp_bdat(f):
    w, conv = open_smtp(f, 25)
    assert "CHUNKING" in conv["ehlo"]
    m = text_mail(31, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "BDAT",
                  "Premier morceau, puis le second.\r\n.Une ligne qui commence par un point.\r\n")
    w.smtp_cmd("MAIL FROM:<%s>" % m.env_from, 250)
    w.smtp_cmd("RCPT TO:<%s>" % BOB, 250)
    cut = len(m.raw) // 2 + 3
    first, last = m.raw[:cut], m.raw[cut:]
    w.send(b"BDAT %d\r\n" % len(first) + first)
    assert w.smtp()[0] == 250
    w.send(b"BDAT %d LAST\r\n" % len(last) + last)
    assert w.smtp()[0] == 250
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["bdat_chunks"] = [len(first), len(last)]
    conv["messages"].append(m.fact())


@scenario("smtp-starttls-swaks", [587], "Submission 587: swaks -tls upgrades with STARTTLS "
          "(TLS 1.3), then AUTH PLAIN and a message, all encrypted (no key log: swaks cannot write one).")
def smtp_starttls_swaks(f):
    user, pw = f.user("alice")
    m = alice_note(40, "Chiffré par STARTTLS")
    src = swaks(f, 587, m, ["-tls", "--tls-ca-path", os.path.join(os.path.dirname(__file__), "pki", "ca.crt"),
                            "--auth", "PLAIN", "--auth-user", user, "--auth-password", pw])
    conv = f.conversation("smtp", 587, src, tool_version(["swaks", "--version"]), tls="starttls")
    conv["starttls"] = {"offered": True, "requested": True, "accepted": True}
    conv["auth"].append(auth_fact("PLAIN", user, pw, True, True, encrypted=True))
    conv["messages"].append(m.fact())


def s_client_smtp(f, port, version, starttls, extra=()):
    src = f.port()
    args = ["-connect", "%s:%d" % (HOST, port), "-bind", "%s:%d" % (HOST, src),
            "-tls1_" + version[-1], "-keylogfile", f.keylog(), "-servername", "mail.lab.example",
            "-CAfile", os.path.join(os.path.dirname(__file__), "pki", "ca.crt")] + list(extra)
    if starttls:
        args += ["-starttls", "smtp", "-name", HELO]
    log = open(os.path.join(LAB, "log", "s_client.log"), "a")
    w = Wire.s_client(args, log)
    conv = f.conversation("smtp", port, src, tool_version(["openssl", "version"]),
                          tls="starttls" if starttls else "implicit")
    conv["tls"]["version"] = "TLSv" + version
    return w, conv


@scenario("smtp-starttls-openssl", [25], "SMTP on port 25: openssl s_client -starttls smtp "
          "-tls1_2 (key log kept), then EHLO and a message from alice to bob inside TLS.")
def smtp_starttls_openssl(f):
    w, conv = s_client_smtp(f, 25, "1.2", True)
    conv["starttls"] = {"offered": True, "requested": True, "accepted": True}
    conv["helo"] = HELO
    w.smtp_cmd("EHLO " + HELO, 250)
    m = alice_note(41, "Chiffré par openssl s_client")
    send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())


@scenario("smtp-starttls-refused", [2525], "SMTP on port 2525 (no STARTTLS offered): the client "
          "asks STARTTLS anyway, is refused (502), and sends its message in clear.")
def smtp_starttls_refused(f):
    w, conv = open_smtp(f, 2525)
    assert not conv["starttls"]["offered"]
    code, _ = w.smtp_cmd("STARTTLS")
    assert code >= 400
    conv["starttls"].update(requested=True, accepted=False, reply=code)
    m = alice_note(42, "Envoyé en clair malgré STARTTLS")
    send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())


@scenario("smtps-465", [465], "SMTPS on port 465 (implicit TLS 1.3, openssl s_client, key log "
          "kept): AUTH LOGIN and a message, all encrypted.")
def smtps_465(f):
    user, pw = f.user("alice")
    w, conv = s_client_smtp(f, 465, "1.3", False)
    code, _ = w.smtp()
    assert code == 220
    w.smtp_cmd("EHLO " + HELO, 250)
    conv["auth"].append(auth_login(w, user, pw))
    conv["auth"][-1]["encrypted"] = True
    conv["auth_user"] = user
    m = alice_note(43, "Envoyé par SMTPS")
    send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())


def delivered(m, user):
    wait_delivered(user, m.msgid)
    time.sleep(0.2)
