#!/usr/bin/env python3
"""Writes MIME fixtures shaped like the lab's webmail and mail client
messages, around ../smime/pixel.gif. Run from this directory."""
import base64, hashlib

gif = open("../smime/pixel.gif", "rb").read()
b64 = "\r\n".join(base64.b64encode(gif).decode()[i:i + 76] for i in range(0, len(base64.b64encode(gif)), 76))

# Zimbra web client: mixed > alternative (plain, html) + the GIF attached,
# Latin-1 encoded words in the subject and sender name.
zimbra = (
    "Return-Path: <etudiant@grenoble-inp.org>\r\n"
    "Received: from webmail.grenoble-inp.org (LHLO webmail.grenoble-inp.org) (127.0.0.1) by webmail.grenoble-inp.org with LMTP; Fri, 27 Nov 2026 10:00:01 +0100\r\n"
    "Date: Fri, 27 Nov 2026 10:00:00 +0100 (CET)\r\n"
    "From: =?iso-8859-1?Q?=C9tudiant_Ensimag?= <etudiant@grenoble-inp.org>\r\n"
    "To: binome@grenoble-inp.org\r\n"
    "Message-ID: <1234.5678.1.zimbra@grenoble-inp.org>\r\n"
    "Subject: =?iso-8859-1?Q?Image_de_d=E9monstration?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"=_abc-zimbra-mixed\"\r\n"
    "X-Mailer: Zimbra 8.8.15_GA_4177 (ZimbraWebClient - FF102 (Linux)/8.8.15_GA_4177)\r\n"
    "\r\n"
    "--=_abc-zimbra-mixed\r\n"
    "Content-Type: multipart/alternative; boundary=\"=_abc-zimbra-alt\"\r\n"
    "\r\n"
    "--=_abc-zimbra-alt\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Voici l'image =E0 analyser avec Wireshark.\r\n"
    "--=_abc-zimbra-alt\r\n"
    "Content-Type: text/html; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<html><body><div style=3D\"font-family: arial\">Voici l'image =E0 analyser av=\r\n"
    "ec Wireshark.</div></body></html>\r\n"
    "--=_abc-zimbra-alt--\r\n"
    "\r\n"
    "--=_abc-zimbra-mixed\r\n"
    "Content-Type: image/gif; name=pixel.gif\r\n"
    "Content-Disposition: attachment; filename=pixel.gif\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n" + b64 + "\r\n"
    "--=_abc-zimbra-mixed--\r\n"
)
open("zimbra-gif.eml", "wb").write(zimbra.encode("ascii"))

# Thunderbird with the image pasted in the text: related > (html, inline GIF
# by Content-ID), no file name.
inline = (
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.com\r\n"
    "Subject: Inline image\r\n"
    "User-Agent: Mozilla Thunderbird\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/related; boundary=\"------------rel\"\r\n"
    "\r\n"
    "--------------rel\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "<html><body><p>Regarde :</p><img src=\"cid:part1.pixel@example.org\"></body></html>\r\n"
    "--------------rel\r\n"
    "Content-Type: image/gif\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-ID: <part1.pixel@example.org>\r\n"
    "\r\n" + b64 + "\r\n"
    "--------------rel--\r\n"
)
open("inline-gif.eml", "wb").write(inline.encode("ascii"))

with open("expected.txt", "w") as f:
    f.write("pixel.gif sha256 %s\n" % hashlib.sha256(gif).hexdigest())
