"""The messages of the lab: fixed headers and bodies so that every run sends
the same bytes (S/MIME signatures and encryption excepted), a small GIF
written byte by byte, and S/MIME made by openssl cms from the test PKI."""

import base64
import hashlib
import os
import smtplib
import subprocess

from labkit import LAB, PKI

DATE = "Thu, 27 Nov 2025 14:%02d:00 +0100"


def crlf(b):
    return b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class Mail:
    """One message as sent: its bytes and what the facts say about it."""

    def __init__(self, env_from, env_to, header_from, to, subject, msgid, raw, subject_raw=None):
        self.env_from = env_from
        self.env_to = env_to if isinstance(env_to, list) else [env_to]
        self.header_from = header_from
        self.to = to
        self.subject = subject
        self.subject_raw = subject_raw or subject
        self.msgid = msgid
        self.raw = crlf(raw)
        self.attachments = []
        self.smime = None

    def fact(self, accepted=True):
        return {
            "message_id": self.msgid,
            "envelope_from": self.env_from,
            "envelope_to": self.env_to,
            "header_from": self.header_from,
            "to": self.to,
            "subject": self.subject,
            "subject_raw": self.subject_raw,
            "size": len(self.raw),
            "sha256": hashlib.sha256(self.raw).hexdigest(),
            "attachments": self.attachments,
            "smime": self.smime,
            "accepted": accepted,
        }

    def dot_stuffed(self):
        """The DATA payload, dot-stuffed and terminated."""
        lines = self.raw.split(b"\r\n")
        if lines and lines[-1] == b"":
            lines.pop()
        body = b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)
        return body + b".\r\n"


def text_mail(n, env_from, env_to, header_from, to, subject, body, subject_raw=None, extra=""):
    """A plain text/plain message; n picks its Date and Message-ID."""
    msgid = "<lab-%03d@grenoble-inp.example>" % n
    head = (
        "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n%s"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ) % (header_from, to, subject_raw or subject, DATE % (n % 60), msgid, extra)
    return Mail(env_from, env_to, header_from, to, subject, msgid, (head + body).encode(), subject_raw)


def gif_bytes():
    """A 16x16 four-colour GIF89a written by hand: the LZW stream is reset
    by a clear code every two pixels so that codes stay 3 bits wide."""
    w = h = 16
    palette = bytes([255, 255, 255, 0, 51, 153, 204, 0, 0, 255, 204, 0])
    pixels = [((x // 4) + (y // 4)) % 4 for y in range(h) for x in range(w)]
    out = bytearray(b"GIF89a")
    out += w.to_bytes(2, "little") + h.to_bytes(2, "little")
    out += bytes([0x81, 0, 0])  # global colour table of 2^(1+1) entries
    out += palette
    comment = b"mailwire lab"
    out += b"\x21\xfe" + bytes([len(comment)]) + comment + b"\x00"
    out += b"\x2c" + bytes(4) + w.to_bytes(2, "little") + h.to_bytes(2, "little") + b"\x00"
    codes = []
    for i in range(0, len(pixels), 2):
        codes += [4] + pixels[i : i + 2]  # clear, then two literal pixels
    codes.append(5)  # end of information
    acc = nbits = 0
    data = bytearray()
    for c in codes:
        acc |= c << nbits
        nbits += 3
        while nbits >= 8:
            data.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        data.append(acc & 0xFF)
    out.append(2)  # LZW minimum code size
    for i in range(0, len(data), 255):
        chunk = data[i : i + 255]
        out += bytes([len(chunk)]) + chunk
    out += b"\x00\x3b"
    return bytes(out)


def file_fact(name, ctype, data):
    return {
        "filename": name,
        "content_type": ctype,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def gif_file():
    """Write the GIF into the lab directory; return (path, bytes)."""
    data = gif_bytes()
    path = os.path.join(LAB, "work", "tp4-image.gif")
    with open(path, "wb") as f:
        f.write(data)
    return path, data


def openssl_cms(args, entity):
    r = subprocess.run(["openssl", "cms"] + args, input=entity, capture_output=True, check=True)
    return r.stdout


def smime_mail(n, kind, env_from, env_to, header_from, to, subject, body):
    """An S/MIME message from alice's certificate: kind is "signed"
    (detached multipart/signed), "signed-opaque" or "encrypted" (to bob)."""
    entity = crlf(("Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode())
    cert = lambda u: os.path.join(PKI, u + ".crt")
    key = lambda u: os.path.join(PKI, u + ".key")
    if kind == "signed":
        part = openssl_cms(["-sign", "-signer", cert("alice"), "-inkey", key("alice"), "-certfile", os.path.join(PKI, "ca.crt")], entity)
    elif kind == "signed-opaque":
        part = openssl_cms(["-sign", "-nodetach", "-signer", cert("alice"), "-inkey", key("alice")], entity)
    else:
        part = openssl_cms(["-encrypt", "-aes-256-cbc", cert("bob")], entity)
    msgid = "<lab-%03d@grenoble-inp.example>" % n
    head = "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n" % (
        header_from, to, subject, DATE % (n % 60), msgid)
    m = Mail(env_from, env_to, header_from, to, subject, msgid, head.encode() + crlf(part))
    m.smime = kind
    return m


def lmtp_deliver(user, mails):
    """Put messages straight into a mailbox through dovecot's LMTP socket
    (a unix socket: nothing of it reaches the loopback capture)."""
    with smtplib.LMTP(os.path.join(LAB, "run", "dovecot", "lmtp")) as l:
        for m in mails:
            l.sendmail(m.env_from, [user], m.raw)


# Passwords of the .p12 key stores ("trousseaux") of the test users.
P12_PASSWORDS = {"alice": "trousseau-alice", "bob": "trousseau-bob"}


def make_p12(user):
    """Export user's key and certificate, with the CA, as the lab's
    trousseau.p12: modern (AES-256, PBKDF2) and -legacy (RC2/3DES) forms.
    Kept in captures/pki like the rest of the test PKI; made once."""
    out = {}
    for form, extra in (("p12", []), ("legacy_p12", ["-legacy"])):
        name = user + (".p12" if form == "p12" else "-legacy.p12")
        path = os.path.join(PKI, name)
        cmd = ["openssl", "pkcs12", "-export"] + extra + [
            "-inkey", os.path.join(PKI, user + ".key"), "-in", os.path.join(PKI, user + ".crt"),
            "-certfile", os.path.join(PKI, "ca.crt"), "-name", user,
            "-passout", "pass:" + P12_PASSWORDS[user], "-out", path]
        if not os.path.exists(path):
            subprocess.run(cmd, check=True, capture_output=True)
        out[form] = name
    out["password"] = P12_PASSWORDS[user]
    out["command"] = "openssl pkcs12 -export [-legacy] -inkey %s.key -in %s.crt -certfile ca.crt -name %s -passout pass:%s" % (
        user, user, user, P12_PASSWORDS[user])
    return out


def smime_entity(body, attachment=None):
    """The MIME entity a mail client signs or encrypts: text, and a file
    when attachment is (name, content type, bytes)."""
    if attachment is None:
        return crlf(("Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode())
    name, ctype, data = attachment
    b64 = base64.encodebytes(data).decode()
    return crlf(((
        "Content-Type: multipart/mixed; boundary=\"=_inner\"\r\n\r\n"
        "--=_inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
        "--=_inner\r\nContent-Type: %s; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n%s\r\n--=_inner--\r\n"
    ) % (body, ctype, name, name, b64.rstrip("\n"))).encode())


def smime_exchange_mail(n, sender, recipients, subject, entity, sign, cipher):
    """sender signs entity (detached, as Thunderbird does) when sign, then
    encrypts it for recipients with cipher when recipients is not empty."""
    cert = lambda u: os.path.join(PKI, u + ".crt")
    key = lambda u: os.path.join(PKI, u + ".key")
    part = entity
    if sign:
        part = crlf(openssl_cms(["-sign", "-signer", cert(sender), "-inkey", key(sender),
                                 "-certfile", os.path.join(PKI, "ca.crt")], entity))
    if recipients:
        part = openssl_cms(["-encrypt", "-" + cipher] + [cert(u) for u in recipients], part)
    addr = lambda u: "%s@grenoble-inp.example" % u
    to = ", ".join("%s <%s>" % (u.capitalize(), addr(u)) for u in recipients or ["alice" if sender == "bob" else "bob"])
    rcpts = [addr(u) for u in recipients] or ["alice@grenoble-inp.example" if sender == "bob" else "bob@grenoble-inp.example"]
    msgid = "<lab-%03d@grenoble-inp.example>" % n
    head = "From: %s <%s>\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n" % (
        sender.capitalize(), addr(sender), to, subject, DATE % (n % 60), msgid)
    m = Mail(addr(sender), rcpts, "%s <%s>" % (sender.capitalize(), addr(sender)), to, subject, msgid, head.encode() + crlf(part))
    # What the wire shows: a signature inside the encryption is hidden.
    m.smime = "encrypted" if recipients else "signed"
    return m
