"""Scenarios for the parsers' harder cases: dot-stuffing and RSET in one
SMTP session, IMAP APPEND with a literal, a capture that starts mid-stream
and one that lost a segment."""

import copy
import json
import os
import socket
import subprocess
import time

from labkit import ALICE, BOB, SCENARIOS, Wire, auth_fact, empty_mailbox, scenario, tool_version
from labmail import text_mail
import lab_imap
import lab_smtp


@scenario("smtp-two-messages", [25], "SMTP 25 typed by hand: a transaction abandoned with RSET, "
          "then two messages in the same session, the first with dot-stuffed lines ('.', '..', '.x').")
def smtp_two_messages(f):
    w, conv = lab_smtp.open_smtp(f, 25)
    w.smtp_cmd("MAIL FROM:<%s>" % ALICE, 250)
    w.smtp_cmd("RCPT TO:<%s>" % BOB, 250)
    w.smtp_cmd("RSET", 250)
    conv["aborted"] = [{"envelope_from": ALICE, "envelope_to": [BOB], "by": "RSET"}]
    m1 = text_mail(33, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "Points en début de ligne",
                   "Une ligne normale.\r\n.\r\n..\r\n.Une ligne qui commence par un point.\r\nFin.\r\n")
    m2 = text_mail(34, BOB, ALICE, "Bob <%s>" % BOB, "Alice <%s>" % ALICE, "Second message",
                   "Deuxième message de la même session.\r\n")
    for m in (m1, m2):
        lab_smtp.send_mail(w, m)
        conv["messages"].append(m.fact())
    w.smtp_cmd("QUIT", 221)
    w.close()


@scenario("imap-append", [143], "IMAP 143 in clear: LOGIN, CREATE Sent, APPEND of a message "
          "as a synchronising literal (as a mail client saving what it sent), LOGOUT.")
def imap_append(f):
    user, pw = f.user("alice")
    empty_mailbox(user)
    m = text_mail(35, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "Copie dans Envoyés",
                  "Ce message est déposé par APPEND.\r\n")
    src = f.port()
    w = Wire(143, src)
    conv = f.conversation("imap", 143, src, "python socket (typed commands)")
    w.line()
    w.imap_cmd("a1", 'LOGIN %s "%s"' % (user, pw))
    w.imap_cmd("a2", "CREATE Sent")
    w.cmd('a3 APPEND Sent (\\Seen) "27-Nov-2025 14:35:00 +0100" {%d}' % len(m.raw))
    assert w.line().startswith(b"+")
    w.send(m.raw + b"\r\n")
    assert w.imap("a3")[-1].startswith(b"a3 OK")
    w.imap_cmd("a4", "LOGOUT")
    w.close()
    conv["commands"] = ["LOGIN", "CREATE", "APPEND", "LOGOUT"]
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN"))
    conv["auth_user"] = user
    fact = m.fact()
    fact.update(envelope_from=None, envelope_to=[], appended_to="Sent")
    conv["messages"].append(fact)


def nodelay_wire(f, port):
    w, conv = lab_smtp.open_smtp(f, port)
    w.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return w, conv


LOST_LINE = "Ligne 15 : ce segment manque dans la copie -lost."


def long_body():
    lines = ["Ligne %d : un segment TCP par ligne." % i for i in range(1, 31)]
    lines[14] = LOST_LINE
    return "\r\n".join(lines) + "\r\n"


@scenario("smtp-segments", [25], "SMTP 25: a message written one line per TCP segment "
          "(TCP_NODELAY), so that a copy can lose one segment.")
def smtp_segments(f):
    w, conv = nodelay_wire(f, 25)
    m = text_mail(36, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "Un segment par ligne", long_body())
    w.smtp_cmd("MAIL FROM:<%s>" % m.env_from, 250)
    w.smtp_cmd("RCPT TO:<%s>" % BOB, 250)
    w.smtp_cmd("DATA", 354)
    for line in m.dot_stuffed().split(b"\r\n")[:-1]:
        w.send(line + b"\r\n")
        time.sleep(0.005)  # or autocorking merges the small writes
    assert w.smtp()[0] == 250
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())


def derived(f, out, name, about, **more):
    d = copy.deepcopy(f.data)
    d.update(capture=name + ".pcap", scenario=name, derived_from=f.data["capture"], format="pcap",
             about=about + " " + f.data["about"], **more)
    return d


def write(out, d):
    with open(os.path.join(out, d["scenario"] + ".facts.json"), "w") as fh:
        json.dump(d, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def frame_with(path, flt):
    r = subprocess.run(["tshark", "-n", "-r", path, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, check=True)
    return int(r.stdout.split()[0])


def to_lost_segment(f, out):
    """Copy without the segment carrying LOST_LINE (a capture that dropped a packet)."""
    src = os.path.join(out, f.data["capture"])
    n = frame_with(src, 'frame contains "-lost."')
    name = f.sc.name + "-lost"
    subprocess.run(["editcap", "-F", "pcap", src, os.path.join(out, name + ".pcap"), str(n)], check=True)
    r = subprocess.run(["tshark", "-n", "-r", src, "-Y", "frame.number == %d" % n, "-T", "fields", "-e", "tcp.payload"],
                       capture_output=True, text=True, check=True)
    lost = bytes.fromhex(r.stdout.strip().replace(":", "")).decode()
    d = derived(f, out, name, "Copy of %s without frame %d, a segment of the message body." % (f.data["capture"], n),
                dropped={"frames": [n], "bytes": len(lost), "data": lost})
    write(out, d)


def to_midstream(f, out):
    """Copy that starts at the SELECT command: no handshake, no greeting, no LOGIN."""
    src = os.path.join(out, f.data["capture"])
    n = frame_with(src, 'frame contains ". SELECT INBOX"')
    name = f.sc.name + "-midstream"
    subprocess.run(["editcap", "-F", "pcap", "-r", src, os.path.join(out, name + ".pcap"), "%d-1000000" % n], check=True)
    d = derived(f, out, name, "Copy of %s starting at frame %d (the SELECT command): the capture begins mid-stream, "
                "without the TCP handshake, the greeting or the LOGIN." % (f.data["capture"], n),
                mid_stream={"first_frame": n, "dropped_frames": n - 1})
    conv = d["conversations"][0]
    conv["auth"] = []  # the LOGIN is before the cut
    conv["commands"] = conv["commands"][1:]
    conv.pop("auth_user", None)
    write(out, d)


for sc in SCENARIOS:
    if sc.name == "smtp-segments":
        sc.after = to_lost_segment
    elif sc.name == "imap-lab":
        sc.after = to_midstream


@scenario("imap-curl", [143], "IMAP 143 in clear: curl fetches message UID 1 with "
          "AUTHENTICATE PLAIN and SASL-IR (--login-options AUTH=PLAIN --sasl-ir).")
def imap_curl(f):
    user, pw = f.user("alice")
    mails = lab_imap.seed_inbox(user, 260, 1)
    src = f.port()
    cmd = ["curl", "-sS", "--local-port", str(src), "--login-options", "AUTH=PLAIN", "--sasl-ir",
           "-u", "%s:%s" % (user, pw), "imap://127.0.0.1:143/INBOX;UID=1"]
    out = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    assert mails[0]["message_id"].encode() in out
    conv = f.conversation("imap", 143, src, tool_version(["curl", "--version"]))
    conv["commands"] = ["CAPABILITY", "AUTHENTICATE", "SELECT", "UID", "LOGOUT"]
    conv["auth"].append(auth_fact("PLAIN", user, pw, True, True, command="AUTHENTICATE"))
    conv["auth_user"] = user
    conv["messages"] = mails


@scenario("smtp-auth-swaks", [587], "Submission 587 in clear: swaks --auth LOGIN, then a message "
          "from alice to bob.")
def smtp_auth_swaks(f):
    user, pw = f.user("alice")
    m = text_mail(37, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "Envoyé par swaks",
                  "Authentifié par AUTH LOGIN.\r\n")
    src = lab_smtp.swaks(f, 587, m, ["--auth", "LOGIN", "--auth-user", user, "--auth-password", pw])
    conv = f.conversation("smtp", 587, src, tool_version(["swaks", "--version"]))
    conv["starttls"] = {"offered": True, "requested": False, "accepted": False}
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False))
    conv["auth_user"] = user
    conv["messages"].append(m.fact())
