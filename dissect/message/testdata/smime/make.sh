#!/bin/sh
# Builds the S/MIME and attachment fixtures of the message analyser with
# openssl and python, and writes the facts they must show (hashes,
# certificate fields) computed independently into expected.txt.
# Run from this directory: sh make.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A small test CA and a user certificate for e-mail protection.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out ca.crt -days 3650 \
  -subj "/C=FR/O=Mailwire Test/CN=Mailwire Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout alice.key -out "$work/alice.csr" \
  -subj "/C=FR/O=Mailwire Test/CN=Alice Martin/emailAddress=alice@example.org" 2>/dev/null
cat > "$work/ext.cnf" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=emailProtection
subjectAltName=email:alice@example.org
subjectKeyIdentifier=hash
EXT
openssl x509 -req -in "$work/alice.csr" -CA ca.crt -CAkey "$work/ca.key" -set_serial 0x1a2b3c \
  -days 365 -extfile "$work/ext.cnf" -out alice.crt 2>/dev/null

# A tiny 1x1 GIF, and a "GIF" that is really text.
python3 -c 'import sys; sys.stdout.buffer.write(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")' > pixel.gif
printf 'this is not an image\n' > "$work/fake.gif"

# A message carrying the GIF the way Thunderbird does: multipart/mixed,
# a text part, the image in base64 with a RFC 2231 UTF-8 filename.
python3 - "$work/fake.gif" <<'PY'
import base64, sys
gif = open("pixel.gif", "rb").read()
fake = open(sys.argv[1], "rb").read()
def b64(b):
    s = base64.b64encode(b).decode()
    return "\r\n".join(s[i:i+76] for i in range(0, len(s), 76))
msg = (
 "From: Alice Martin <alice@example.org>\r\n"
 "To: Bob <bob@example.com>\r\n"
 "Subject: =?UTF-8?Q?Une_image_jointe_=C3=A9t=C3=A9?=\r\n"
 "Date: Fri, 27 Nov 2026 10:00:00 +0100\r\n"
 "Message-ID: <gif-1@example.org>\r\n"
 "User-Agent: Mozilla Thunderbird\r\n"
 "MIME-Version: 1.0\r\n"
 "Content-Type: multipart/mixed; boundary=\"------------b0und4ry\"\r\n"
 "\r\n"
 "This is a multi-part message in MIME format.\r\n"
 "--------------b0und4ry\r\n"
 "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
 "Content-Transfer-Encoding: 8bit\r\n"
 "\r\n"
 "Voici l'image demand\u00e9e.\r\n"
 "\r\n"
 "--------------b0und4ry\r\n"
 "Content-Type: image/gif; name=\"pixel.gif\"\r\n"
 "Content-Disposition: attachment; filename*=UTF-8''p%C3%AFxel.gif\r\n"
 "Content-Transfer-Encoding: base64\r\n"
 "\r\n" + b64(gif) + "\r\n"
 "\r\n"
 "--------------b0und4ry\r\n"
 "Content-Type: image/gif; name=\"fake.gif\"\r\n"
 "Content-Disposition: attachment; filename=\"fake.gif\"\r\n"
 "Content-Transfer-Encoding: base64\r\n"
 "\r\n" + b64(fake) + "\r\n"
 "--------------b0und4ry--\r\n"
)
open("gif.eml", "wb").write(msg.encode("utf-8"))
PY

# The MIME entity that gets signed and encrypted.
printf 'Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nRendez-vous demain a 10h.\r\n' > "$work/body.txt"
hdr='-from alice@example.org -to bob@example.com'

openssl cms -sign -in "$work/body.txt" -signer alice.crt -inkey alice.key -certfile ca.crt \
  -md sha256 $hdr -subject "Signed" -out signed.eml
openssl cms -sign -nodetach -in "$work/body.txt" -signer alice.crt -inkey alice.key \
  -md sha256 $hdr -subject "Signed opaque" -out signed-opaque.eml
# The same signed message with one word of the signed text changed.
sed 's/Rendez-vous demain/Rendez-vous jeudi/' signed.eml > tampered.eml

openssl cms -encrypt -aes256 -in "$work/body.txt" $hdr -subject "Encrypted AES" -out encrypted-aes256.eml alice.crt
openssl cms -encrypt -des3 -in "$work/body.txt" $hdr -subject "Encrypted 3DES" -out encrypted-des3.eml alice.crt
openssl cms -encrypt -aes-256-gcm -in "$work/body.txt" $hdr -subject "Encrypted GCM" -out encrypted-gcm.eml alice.crt
openssl cms -encrypt -aes128 -keyid -in "$work/body.txt" $hdr -subject "Encrypted to key id" -out encrypted-keyid.eml alice.crt
# Encrypted, then signed: both layers show.
openssl cms -encrypt -aes256 -in "$work/body.txt" -out "$work/enc.txt" alice.crt
openssl cms -sign -in "$work/enc.txt" -signer alice.crt -inkey alice.key $hdr -subject "Encrypted then signed" -out encrypted-signed.eml

# A certificates-only S/MIME message: signed-data without signers.
{
  printf 'From: alice@example.org\nTo: bob@example.com\nSubject: My certificate\nMIME-Version: 1.0\n'
  printf 'Content-Type: application/pkcs7-mime; smime-type=certs-only; name="smime.p7c"\nContent-Transfer-Encoding: base64\n\n'
  openssl crl2pkcs7 -nocrl -certfile alice.crt -outform DER | base64 -w 64
} > certs-only.eml

# On the wire every line ends in CRLF; openssl writes LF around the
# signed part. A copy in LF only is what a Unix mailbox would store.
python3 - <<'PY'
import glob
for name in glob.glob("*.eml"):
    b = open(name, "rb").read().replace(b"\r\n", b"\n")
    if name == "signed.eml":
        open("signed-lf.eml", "wb").write(b)
    open(name, "wb").write(b.replace(b"\n", b"\r\n"))
PY

# What the fixtures must show, computed without mailwire.
{
  echo "pixel.gif sha256 $(sha256sum pixel.gif | cut -d' ' -f1)"
  echo "pixel.gif size $(wc -c < pixel.gif | tr -d ' ')"
  echo "fake.gif sha256 $(sha256sum "$work/fake.gif" | cut -d' ' -f1)"
  echo "alice serial $(openssl x509 -in alice.crt -noout -serial | cut -d= -f2)"
  echo "alice not_before $(openssl x509 -in alice.crt -noout -startdate | cut -d= -f2)"
  echo "alice not_after $(openssl x509 -in alice.crt -noout -enddate | cut -d= -f2)"
  echo "alice skid $(openssl x509 -in alice.crt -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')"
} > expected.txt
rm -f alice.key
