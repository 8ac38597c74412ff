"""POP3 scenarios: USER/PASS with RETR and DELE, a failed PASS, AUTH PLAIN,
APOP, STLS and POP3S."""

import base64
import hashlib
import os
import poplib
import subprocess

from labkit import HOST, PKI, SERVER_NAME, Wire, auth_fact, client_context, connect, scenario, tool_version
from lab_imap import seed_inbox


def b64(s):
    return base64.b64encode(s.encode()).decode()


class POP3(poplib.POP3):
    """poplib from a fixed client port."""

    def __init__(self, port, src):
        self.src = src
        super().__init__(HOST, port)

    def _create_socket(self, timeout):
        return connect(self.port, self.src)


PYTHON = "python %s poplib" % os.sys.version.split()[0]


def pop_conv(f, port, src, tool, tls="none"):
    return f.conversation("pop3", port, src, tool, tls=tls)


@scenario("pop3-user-pass", [110], "POP3 110 in clear: python poplib USER/PASS, STAT, LIST, "
          "UIDL, RETR 1, DELE 1, QUIT.")
def pop3_user_pass(f):
    user, pw = f.user("bob")
    mails = seed_inbox(user, 200, 2)
    src = f.port()
    p = POP3(110, src)
    conv = pop_conv(f, 110, src, PYTHON)
    p.user(user)
    p.pass_(pw)
    p.stat()
    p.list()
    p.uidl()
    p.retr(1)
    p.dele(1)
    p.quit()
    conv["commands"] = ["USER", "PASS", "STAT", "LIST", "UIDL", "RETR", "DELE", "QUIT"]
    conv["auth"].append(auth_fact("USER", user, pw, True, False, command="USER/PASS"))
    conv["auth_user"] = user
    conv["messages"] = mails[:1]
    conv["deleted"] = [1]


@scenario("pop3-fail", [110], "POP3 110 in clear: USER/PASS with a wrong password (-ERR), "
          "then the right one, STAT and QUIT.")
def pop3_fail(f):
    user, pw = f.user("bob")
    seed_inbox(user, 210, 1)
    wrong = "B0b-wrong"
    src = f.port()
    w = Wire(110, src)
    conv = pop_conv(f, 110, src, "python socket (typed commands)")
    w.pop()
    w.pop_cmd("USER " + user)
    w.pop_cmd("PASS " + wrong, want="-ERR")
    w.pop_cmd("USER " + user)
    w.pop_cmd("PASS " + pw)
    w.pop_cmd("STAT")
    w.pop_cmd("QUIT")
    w.close()
    conv["commands"] = ["USER", "PASS", "USER", "PASS", "STAT", "QUIT"]
    conv["auth"].append(auth_fact("USER", user, wrong, False, False, command="USER/PASS"))
    conv["auth"].append(auth_fact("USER", user, pw, True, False, command="USER/PASS"))
    conv["auth_user"] = user


@scenario("pop3-auth-plain", [110], "POP3 110 in clear, two connections: AUTH PLAIN with the "
          "initial response, then AUTH PLAIN with the credentials after the '+' prompt.")
def pop3_auth_plain(f):
    user, pw = f.user("bob")
    seed_inbox(user, 220, 1)
    for initial in (True, False):
        src = f.port()
        w = Wire(110, src)
        conv = pop_conv(f, 110, src, "python socket (typed commands)")
        w.pop()
        cred = b64("\0%s\0%s" % (user, pw))
        if initial:
            w.pop_cmd("AUTH PLAIN " + cred)
        else:
            w.pop_cmd("AUTH PLAIN", want="+")
            w.pop_cmd(cred)
        w.pop_cmd("STAT")
        w.pop_cmd("QUIT")
        w.close()
        conv["commands"] = ["AUTH", "STAT", "QUIT"]
        conv["auth"].append(auth_fact("PLAIN", user, pw, True, initial, command="AUTH"))
        conv["auth_user"] = user


@scenario("pop3-apop", [110], "POP3 110 in clear: python poplib APOP (MD5 of the banner "
          "timestamp and the password), STAT, QUIT.")
def pop3_apop(f):
    user, pw = f.user("bob")
    seed_inbox(user, 230, 1)
    src = f.port()
    p = POP3(110, src)
    conv = pop_conv(f, 110, src, PYTHON)
    banner = p.getwelcome().decode()
    p.apop(user, pw)
    p.stat()
    p.quit()
    conv["commands"] = ["APOP", "STAT", "QUIT"]
    stamp = banner[banner.index("<"): banner.index(">") + 1]
    conv["auth"].append(auth_fact("APOP", user, pw, True, False, command="APOP", challenge=stamp,
                                  response=hashlib.md5((stamp + pw).encode()).hexdigest()))
    conv["auth_user"] = user


@scenario("pop3-stls", [110], "POP3 110: python poplib STLS to TLS 1.2 (key log kept), then "
          "USER/PASS, STAT, QUIT inside TLS.")
def pop3_stls(f):
    user, pw = f.user("bob")
    seed_inbox(user, 240, 1)
    src = f.port()
    p = POP3(110, src)
    conv = pop_conv(f, 110, src, PYTHON, tls="starttls")
    p.capa()
    p.stls(context=client_context("1.2", f.keylog()))
    conv["tls"]["version"] = p.sock.version()
    conv["starttls"] = {"offered": True, "requested": True, "accepted": True}
    p.user(user)
    p.pass_(pw)
    p.stat()
    p.quit()
    conv["commands"] = ["CAPA", "STLS", "USER", "PASS", "STAT", "QUIT"]
    conv["auth"].append(auth_fact("USER", user, pw, True, False, command="USER/PASS", encrypted=True))
    conv["auth_user"] = user


@scenario("pop3s-995", [995], "POP3S 995 (implicit TLS 1.3): curl retrieves message 1 with "
          "AUTH PLAIN (SSLKEYLOGFILE kept).")
def pop3s_995(f):
    user, pw = f.user("bob")
    mails = seed_inbox(user, 250, 1)
    src = f.port()
    env = dict(os.environ, SSLKEYLOGFILE=f.keylog())
    cmd = ["curl", "-sS", "--tlsv1.3", "--local-port", str(src), "--cacert", os.path.join(PKI, "ca.crt"),
           "--resolve", "%s:995:%s" % (SERVER_NAME, HOST), "--login-options", "AUTH=PLAIN", "--sasl-ir",
           "-u", "%s:%s" % (user, pw), "pop3s://%s:995/1" % SERVER_NAME]
    out = subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=60).stdout
    assert mails[0]["message_id"].encode() in out
    conv = pop_conv(f, 995, src, tool_version(["curl", "--version"]), tls="implicit")
    conv["tls"].update(version="TLSv1.3", sni=SERVER_NAME)
    conv["commands"] = ["CAPA", "AUTH", "RETR", "QUIT"]
    conv["auth"].append(auth_fact("PLAIN", user, pw, True, True, command="AUTH", encrypted=True))
    conv["auth_user"] = user
    conv["messages"] = mails
