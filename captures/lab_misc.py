"""Scenarios across protocols: the GIF attachment and the S/MIME messages
sent then fetched, the DNS MX look-up, the long lab session, and the
file-format variants (pcapng, gzip, truncated)."""

import base64
import copy
import gzip
import json
import os
import re
import struct
import subprocess

from labkit import ALICE, BOB, SCENARIOS, Wire, auth_fact, empty_mailbox, scenario, tool_version
from labmail import Mail, file_fact, gif_file, smime_mail
import lab_dns
import lab_imap
import lab_pop3
import lab_smtp


def gif_mail(n, path=None):
    """A multipart/mixed message with the GIF (or the GIF at path), built
    here so its bytes are fixed."""
    if path is None:
        path, data = gif_file()
    else:
        with open(path, "rb") as g:
            data = g.read()
    name = os.path.basename(path)
    b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
    boundary = "=_mailwire_lab_%03d" % n
    msgid = "<lab-%03d@grenoble-inp.example>" % n
    raw = (
        "From: Alice <%s>\r\nTo: Alice <%s>\r\nSubject: Image GIF du TP4\r\n"
        "Date: Thu, 27 Nov 2025 15:%02d:00 +0100\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
        "This is a multi-part message in MIME format.\r\n"
        "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Voici l'image GIF demandée au TP.\r\n\r\n"
        "--%s\r\nContent-Type: image/gif; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n%s\r\n--%s--\r\n"
    ) % (ALICE, ALICE, n % 60, msgid, boundary, boundary, boundary, name, name, b64.rstrip("\r\n"), boundary)
    m = Mail(ALICE, ALICE, "Alice <%s>" % ALICE, "Alice <%s>" % ALICE, "Image GIF du TP4", msgid, raw.encode())
    m.attachments = [file_fact(name, "image/gif", data)]
    return m


def open_inbox(f, user, pw):
    """An IMAP conversation typed by hand, logged in, INBOX selected."""
    src = f.port()
    w = Wire(143, src)
    conv = f.conversation("imap", 143, src, "python socket (typed commands)")
    w.line()
    w.imap_cmd("a1", 'LOGIN %s "%s"' % (user, pw))
    w.imap_cmd("a2", "SELECT INBOX")
    conv["commands"] += ["LOGIN", "SELECT"]
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN"))
    conv["auth_user"] = user
    return w, conv


def fetch_sent(f, user, pw, m, items):
    """Fetch message 1 (the one just sent) back by IMAP, typed by hand."""
    lab_smtp.delivered(m, user)
    w, conv = open_inbox(f, user, pw)
    steps = ["FETCH 1 " + i for i in items] + ["LOGOUT"]
    for i, s in enumerate(steps):
        w.imap_cmd("a%d" % (i + 3), s)
        conv["commands"].append(s.split(" ", 1)[0])
    w.close()
    conv["messages"].append(m.fact())


@scenario("gif-attachment", [25, 143], "SMTP 25: swaks sends alice a message with a 16x16 GIF "
          "attachment; IMAP 143: alice fetches its BODYSTRUCTURE, the GIF part and the whole message.")
def gif_attachment(f):
    user, pw = f.user("alice")
    empty_mailbox(user)
    m = gif_mail(60)
    src = lab_smtp.swaks(f, 25, m)
    conv = f.conversation("smtp", 25, src, tool_version(["swaks", "--version"]))
    conv["starttls"] = {"offered": True, "requested": False, "accepted": False}
    conv["messages"].append(m.fact())
    fetch_sent(f, user, pw, m, ["BODYSTRUCTURE", "BODY[2]", "BODY[]"])


def big_gif_mail(n, size):
    """gif_mail with a GIF padded by a comment of about size bytes: a
    message larger than a mail client's 64 KiB fetch chunk."""
    path, data = gif_file()
    comment = bytes((i * 7) % 251 for i in range(size))
    blocks = b"".join(bytes([len(comment[i : i + 255])]) + comment[i : i + 255] for i in range(0, len(comment), 255))
    data = data[:-1] + b"\x21\xfe" + blocks + b"\x00\x3b"  # before the trailer
    with open(path, "wb") as out:
        out.write(data)
    m = gif_mail(n, path)
    return m


def fetch_in_chunks(w, conv, n, section, chunk):
    """FETCH n section in chunks, as Thunderbird fetches a large message or
    part: origin 0 first, then each next one, until a chunk comes short."""
    origin, i = 0, 0
    while True:
        tag = "c%s%d" % (section.strip("[]") or "m", i)
        extra = "RFC822.SIZE " if section == "[]" and origin == 0 else ""
        out = w.imap_cmd(tag, "FETCH %d (%sBODY.PEEK%s<%d.%d>)" % (n, extra, section, origin, chunk))
        conv["commands"].append("FETCH")
        sizes = [re.search(rb"\{(\d+)\}\r\n$", b) for b in out]
        got = max((int(x.group(1)) for x in sizes if x), default=0)
        origin, i = origin + chunk, i + 1
        if got < chunk:
            return


@scenario("imap-fetch-chunks", [25, 143], "SMTP 25: swaks sends alice a message with a 100 KB GIF; "
          "IMAP 143: alice fetches it as Thunderbird does a large message, in chunks of 64 KiB "
          "(BODY.PEEK[]<0.65536>, <65536.65536>), then its BODYSTRUCTURE and the GIF part in chunks.")
def imap_fetch_chunks(f):
    user, pw = f.user("alice")
    empty_mailbox(user)
    m = big_gif_mail(61, 100000)
    src = lab_smtp.swaks(f, 25, m)
    conv = f.conversation("smtp", 25, src, tool_version(["swaks", "--version"]))
    conv["starttls"] = {"offered": True, "requested": False, "accepted": False}
    conv["messages"].append(m.fact())
    lab_smtp.delivered(m, user)
    w, conv = open_inbox(f, user, pw)
    fetch_in_chunks(w, conv, 1, "[]", 65536)
    w.imap_cmd("a3", "FETCH 1 BODYSTRUCTURE")
    conv["commands"].append("FETCH")
    fetch_in_chunks(w, conv, 1, "[2]", 65536)
    w.imap_cmd("a4", "LOGOUT")
    conv["commands"].append("LOGOUT")
    w.close()
    conv["messages"].append(m.fact())


def smime_scenario(f, kind, n, subject):
    alice, apw = f.user("alice")
    bob, bpw = f.user("bob")
    empty_mailbox(bob)
    m = smime_mail(n, kind, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, subject,
                   "Bonjour Bob,\r\nCe message est protégé par S/MIME (%s).\r\nAlice\r\n" % kind)
    w, conv = lab_smtp.open_smtp(f, 587)
    conv["auth"].append(lab_smtp.auth_plain_ir(w, alice, apw))
    conv["auth_user"] = alice
    lab_smtp.send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())
    f.data["smime"] = {"kind": kind, "signer": "alice.crt" if kind.startswith("signed") else None,
                       "recipient": "bob.crt" if kind == "encrypted" else None,
                       "ca": "ca.crt", "pki_dir": "captures/pki"}
    fetch_sent(f, bob, bpw, m, ["BODY[]"])


@scenario("smime-signed", [587, 143], "Submission 587 (AUTH PLAIN): alice sends bob a detached "
          "S/MIME signature (multipart/signed, openssl cms -sign); IMAP 143: bob fetches it.")
def smime_signed(f):
    smime_scenario(f, "signed", 70, "Message signé S/MIME")


@scenario("smime-opaque", [587, 143], "Submission 587 (AUTH PLAIN): alice sends bob an opaque "
          "S/MIME signature (application/pkcs7-mime signed-data, openssl cms -sign -nodetach); IMAP 143: bob fetches it.")
def smime_opaque(f):
    smime_scenario(f, "signed-opaque", 71, "Message signé S/MIME (opaque)")


@scenario("smime-encrypted", [587, 143], "Submission 587 (AUTH PLAIN): alice sends bob an "
          "S/MIME encrypted message (enveloped-data for bob.crt, AES-256-CBC, openssl cms -encrypt); IMAP 143: bob fetches it.")
def smime_encrypted(f):
    smime_scenario(f, "encrypted", 72, "Message chiffré S/MIME")


@scenario("dns-mx", [53], "DNS over UDP 53 to dnsmasq: MX of grenoble-inp.example and "
          "lab.example, A of their mail hosts, and a name that does not exist (NXDOMAIN).")
def dns_mx(f):
    lab_dns.lookups(f, f.port())


@scenario("lab-session", [53, 25, 587, 143, 993, 110], "The whole lab in one capture: MX "
          "look-up, forgery on 25, STARTTLS on 25 with openssl, GIF sent and fetched, the IMAP "
          "lab sequence, IMAPS, POP3 USER/PASS.")
def lab_session(f):
    src = f.port()
    lab_dns.lookups(f, src, names=[("grenoble-inp.example", "MX"), ("mx1.grenoble-inp.example", "A")])
    lab_smtp.smtp_forgery_2047(f)
    lab_smtp.smtp_starttls_openssl(f)
    gif_attachment(f)
    lab_imap.imap_lab(f)
    lab_imap.imaps_993(f)
    lab_pop3.pop3_user_pass(f)


# File-format variants, made from a capture just written.

def variant_facts(f, out, name, fmt, **more):
    d = copy.deepcopy(f.data)
    d.update(capture=name + "." + fmt, scenario=name,
             derived_from=f.data["capture"], format=fmt, **more)
    with open(os.path.join(out, name + ".facts.json"), "w") as fh:
        json.dump(d, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def to_pcapng(f, out):
    src = os.path.join(out, f.data["capture"])
    name = f.sc.name + "-ng"
    subprocess.run(["editcap", "-F", "pcapng", src, os.path.join(out, name + ".pcapng")], check=True)
    variant_facts(f, out, name, "pcapng", about="pcapng copy (editcap -F pcapng) of " + f.data["capture"] + ". " + f.data["about"])


def to_gzip(f, out):
    src = os.path.join(out, f.data["capture"])
    name = f.sc.name + "-gz"
    with open(src, "rb") as fh:
        data = fh.read()
    with open(os.path.join(out, name + ".pcap.gz"), "wb") as fh:
        # mtime 0 keeps the gzip header the same from run to run.
        with gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz:
            gz.write(data)
    variant_facts(f, out, name, "pcap.gz", about="gzip copy of " + f.data["capture"] + ". " + f.data["about"])


def to_truncated(f, out):
    """Copy of the capture whose last packet is cut in half, as when tcpdump
    is killed while writing."""
    src = os.path.join(out, f.data["capture"])
    with open(src, "rb") as fh:
        data = fh.read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, last, count = 24, 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8 : off + 12])[0]
        last = off
        off += 16 + incl
        count += 1
    incl = struct.unpack(endian + "I", data[last + 8 : last + 12])[0]
    cut = last + 16 + incl // 2
    name = f.sc.name + "-truncated"
    with open(os.path.join(out, name + ".pcap"), "wb") as fh:
        fh.write(data[:cut])
    variant_facts(f, out, name, "pcap", truncated={"packets_whole": count - 1, "last_packet_bytes": incl,
                                                   "last_packet_kept": incl // 2},
                  about="Copy of " + f.data["capture"] + " with its last packet cut in half. " + f.data["about"])


def all_variants(*fns):
    def after(f, out):
        for fn in fns:
            fn(f, out)
    return after


# Register the variants on the scenarios they derive from.
for sc in SCENARIOS:
    if sc.name == "smtp-forgery":
        sc.after = all_variants(to_pcapng, to_truncated)
    elif sc.name == "pop3-user-pass":
        sc.after = to_gzip
    elif sc.name == "lab-session":
        sc.after = to_pcapng
