"""IMAP scenarios: the lab's command sequence typed by hand, every way of
logging in, a failed login, STARTTLS, IMAPS and IPv6."""

import base64
import hashlib
import hmac
import imaplib
import os

from labkit import ALICE, BOB, HOST, LAB, PKI, SERVER_NAME, Wire, auth_fact, client_context, connect, empty_mailbox, scenario, tool_version
from labmail import lmtp_deliver, text_mail


def b64(s):
    return base64.b64encode(s.encode()).decode()


def seed_inbox(user, first, count):
    """Fresh mailbox holding count test messages (delivered over LMTP,
    outside the capture); returns their facts."""
    empty_mailbox(user)
    to = "%s@grenoble-inp.example" % user
    mails = [text_mail(first + i, BOB if user == "alice" else ALICE, to, "Test <%s>" % BOB, "<%s>" % to,
                       "Message de test %d" % (i + 1), "Message de test numéro %d.\r\n" % (i + 1))
             for i in range(count)]
    lmtp_deliver(user, mails)
    return [m.fact() for m in mails]


def imap_conv(f, port, src, tool, tls="none", host=HOST):
    return f.conversation("imap", port, src, tool, tls=tls, host=host)


def lab_sequence(w, conv, user, pw, tag="."):
    """The lab's steps (TP4 1.1), with "." as tag as the lab suggests."""
    steps = [
        'LOGIN %s "%s"' % (user, pw),
        "SELECT INBOX",
        "FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])",
        "FETCH 1 BODY[]",
        "STORE 1 +FLAGS (\\Deleted)",
        "EXPUNGE",
        "CREATE Archives",
        "COPY 1 Archives",
        "MOVE 2 Archives",
        "SELECT Archives",
        "STORE 1:* +FLAGS (\\Seen)",
        "STATUS INBOX (MESSAGES UNSEEN)",
        "LOGOUT",
    ]
    for s in steps:
        w.imap_cmd(tag, s)
        conv["commands"].append(s.split(" ", 1)[0])
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN"))
    conv["auth_user"] = user
    conv["mailboxes_created"] = ["Archives"]
    w.close()


def imap_lab(f, port=143, host=HOST):
    user, pw = f.user("alice")
    fetched = seed_inbox(user, 100, 4)
    src = f.port()
    w = Wire(port, src, host=host)
    conv = imap_conv(f, port, src, "python socket (typed commands)", host=host)
    w.line()  # greeting
    lab_sequence(w, conv, user, pw)
    conv["messages"] = fetched[:1]  # FETCH 1 BODY[] returns the first one
    conv["expunged"] = 1


@scenario("imap-lab", [143], "IMAP 143 in clear, typed by hand with '.' tags: the lab sequence "
          "LOGIN, SELECT, FETCH, STORE \\Deleted, EXPUNGE, CREATE Archives, COPY, MOVE, STORE \\Seen, STATUS, LOGOUT.")
def imap_lab_143(f):
    imap_lab(f)


@scenario("imap-lab-sll2", [143], "The IMAP lab sequence captured with tcpdump -i any -y LINUX_SLL2 "
          "(link type SLL2).", iface="any", link="LINUX_SLL2")
def imap_lab_sll2(f):
    imap_lab(f)


@scenario("imap-lab-snap96", [143], "The IMAP lab sequence captured with tcpdump -s 96: every "
          "packet cut to 96 bytes, so payloads are mostly missing.", snaplen=96)
def imap_lab_snap96(f):
    imap_lab(f)


@scenario("imap-ipv6", [143], "IMAP 143 over IPv6 (::1): LOGIN, SELECT, LOGOUT.")
def imap_ipv6(f):
    user, pw = f.user("bob")
    seed_inbox(user, 110, 1)
    src = f.port()
    w = Wire(143, src, host="::1")
    conv = imap_conv(f, 143, src, "python socket (typed commands)", host="::1")
    w.line()
    for tag, s in (("a1", 'LOGIN %s "%s"' % (user, pw)), ("a2", "SELECT INBOX"), ("a3", "LOGOUT")):
        w.imap_cmd(tag, s)
        conv["commands"].append(s.split(" ", 1)[0])
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN"))
    conv["auth_user"] = user
    w.close()


@scenario("imap-login-literal", [143], "IMAP 143 in clear: LOGIN with the username as a "
          "synchronising literal {5} and the password as a non-synchronising literal {13+}.")
def imap_login_literal(f):
    user, pw = f.user("alice")
    seed_inbox(user, 120, 1)
    src = f.port()
    w = Wire(143, src)
    conv = imap_conv(f, 143, src, "python socket (typed commands)")
    w.line()
    w.cmd("a1 LOGIN {%d}" % len(user))
    assert w.line().startswith(b"+")
    w.cmd("%s {%d+}" % (user, len(pw)))
    w.cmd(pw)
    assert w.imap("a1")[-1].startswith(b"a1 OK")
    w.imap_cmd("a2", "LOGOUT")
    conv["commands"] = ["LOGIN", "LOGOUT"]
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN", literals=True))
    conv["auth_user"] = user
    w.close()


class IMAP4(imaplib.IMAP4):
    """imaplib from a fixed client port."""

    def __init__(self, port, src):
        self.src = src
        super().__init__(HOST, port)

    def _create_socket(self, timeout):
        return connect(self.port, self.src)


def imaplib_auth(f, mechanism, answers):
    user, pw = f.user("alice")
    seed_inbox(user, 130, 1)
    src = f.port()
    m = IMAP4(143, src)
    conv = imap_conv(f, 143, src, "python %s imaplib" % os.sys.version.split()[0])
    replies = iter(answers(user, pw))
    typ, _ = m.authenticate(mechanism, lambda challenge: next(replies))
    assert typ == "OK"
    m.select("INBOX")
    m.logout()
    conv["commands"] = ["AUTHENTICATE", "SELECT", "LOGOUT"]
    conv["auth"].append(auth_fact(mechanism, user, pw, True, False, command="AUTHENTICATE"))
    conv["auth_user"] = user


@scenario("imap-auth-plain", [143], "IMAP 143 in clear: python imaplib AUTHENTICATE PLAIN "
          "(credentials after the '+' continuation, no SASL-IR).")
def imap_auth_plain(f):
    imaplib_auth(f, "PLAIN", lambda u, p: ["\0%s\0%s" % (u, p)])


@scenario("imap-auth-login", [143], "IMAP 143 in clear: python imaplib AUTHENTICATE LOGIN "
          "(username and password each after a '+' prompt).")
def imap_auth_login(f):
    imaplib_auth(f, "LOGIN", lambda u, p: [u, p])


@scenario("imap-auth-plain-ir", [143], "IMAP 143 in clear: AUTHENTICATE PLAIN with SASL-IR "
          "(initial response on the command line), typed by hand.")
def imap_auth_plain_ir(f):
    user, pw = f.user("alice")
    seed_inbox(user, 140, 1)
    src = f.port()
    w = Wire(143, src)
    conv = imap_conv(f, 143, src, "python socket (typed commands)")
    w.line()
    w.imap_cmd("a1", "CAPABILITY")
    w.imap_cmd("a2", "AUTHENTICATE PLAIN " + b64("\0%s\0%s" % (user, pw)))
    w.imap_cmd("a3", "LOGOUT")
    conv["commands"] = ["CAPABILITY", "AUTHENTICATE", "LOGOUT"]
    conv["auth"].append(auth_fact("PLAIN", user, pw, True, True, command="AUTHENTICATE"))
    conv["auth_user"] = user
    w.close()


@scenario("imap-auth-cram-md5", [143], "IMAP 143 in clear: AUTHENTICATE CRAM-MD5 typed by hand "
          "(challenge and response in the facts).")
def imap_auth_cram_md5(f):
    user, pw = f.user("alice")
    src = f.port()
    w = Wire(143, src)
    conv = imap_conv(f, 143, src, "python socket (typed commands)")
    w.line()
    w.cmd("a1 AUTHENTICATE CRAM-MD5")
    challenge = base64.b64decode(w.line()[2:].strip())
    digest = hmac.new(pw.encode(), challenge, hashlib.md5).hexdigest()
    w.cmd(b64("%s %s" % (user, digest)))
    assert w.imap("a1")[-1].startswith(b"a1 OK")
    w.imap_cmd("a2", "LOGOUT")
    conv["commands"] = ["AUTHENTICATE", "LOGOUT"]
    conv["auth"].append(auth_fact("CRAM-MD5", user, pw, True, False, command="AUTHENTICATE",
                                  challenge=challenge.decode(), response=digest))
    conv["auth_user"] = user
    w.close()


@scenario("imap-login-fail", [143], "IMAP 143 in clear: LOGIN with a wrong password (NO "
          "[AUTHENTICATIONFAILED]), then the right one, SELECT and LOGOUT.")
def imap_login_fail(f):
    user, pw = f.user("alice")
    seed_inbox(user, 150, 1)
    wrong = "Wonderland!24"
    src = f.port()
    w = Wire(143, src)
    conv = imap_conv(f, 143, src, "python socket (typed commands)")
    w.line()
    w.imap_cmd("a1", 'LOGIN %s "%s"' % (user, wrong), want="NO")
    w.imap_cmd("a2", 'LOGIN %s "%s"' % (user, pw))
    w.imap_cmd("a3", "SELECT INBOX")
    w.imap_cmd("a4", "LOGOUT")
    conv["commands"] = ["LOGIN", "LOGIN", "SELECT", "LOGOUT"]
    conv["auth"].append(auth_fact("LOGIN", user, wrong, False, False, command="LOGIN"))
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN"))
    conv["auth_user"] = user
    w.close()


@scenario("imap-starttls", [143], "IMAP 143: python imaplib STARTTLS to TLS 1.3 (key log kept), "
          "then LOGIN, SELECT, LOGOUT inside TLS.")
def imap_starttls(f):
    user, pw = f.user("alice")
    seed_inbox(user, 160, 1)
    src = f.port()
    m = IMAP4(143, src)
    conv = imap_conv(f, 143, src, "python %s imaplib" % os.sys.version.split()[0], tls="starttls")
    ctx = client_context("1.3", f.keylog())
    assert "STARTTLS" in m.capabilities
    m.starttls(ssl_context=ctx)
    conv["tls"]["version"] = m.sock.version()
    conv["tls"]["sni"] = None  # imaplib passes the host it connected to (an IP): no SNI
    conv["starttls"] = {"offered": True, "requested": True, "accepted": True}
    m.login(user, pw)
    m.select("INBOX")
    m.logout()
    conv["commands"] = ["CAPABILITY", "STARTTLS", "LOGIN", "SELECT", "LOGOUT"]
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN", encrypted=True))
    conv["auth_user"] = user


@scenario("imaps-993", [993], "IMAPS 993 as in the lab: openssl s_client -connect :993 -tls1_2 "
          "(key log kept), LOGIN, SELECT, FETCH, LOGOUT typed inside TLS.")
def imaps_993(f):
    user, pw = f.user("alice")
    seed_inbox(user, 170, 2)
    src = f.port()
    log = open(os.path.join(LAB, "log", "s_client.log"), "a")
    w = Wire.s_client(["-connect", "%s:993" % HOST, "-bind", "%s:%d" % (HOST, src), "-tls1_2",
                       "-keylogfile", f.keylog(), "-servername", SERVER_NAME,
                       "-CAfile", os.path.join(PKI, "ca.crt")], log)
    conv = imap_conv(f, 993, src, tool_version(["openssl", "version"]), tls="implicit")
    conv["tls"].update(version="TLSv1.2", sni=SERVER_NAME)
    w.line()
    for s in ('LOGIN %s "%s"' % (user, pw), "SELECT INBOX", "FETCH 2 (FLAGS BODY[TEXT])", "LOGOUT"):
        w.imap_cmd(".", s)
        conv["commands"].append(s.split(" ", 1)[0])
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN", encrypted=True))
    conv["auth_user"] = user
    w.close()
