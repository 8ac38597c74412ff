"""S/MIME between two users with their own .p12 key stores, as in lab 1.3:
bob sends alice a signed message (his certificate crosses), then alice
sends bob a signed-then-encrypted message for bob only and an encrypted
message for both of them; bob fetches his mail by IMAP."""

import hashlib

from labkit import ALICE, BOB, Wire, auth_fact, empty_mailbox, scenario
from labmail import file_fact, make_p12, smime_entity, smime_exchange_mail
import lab_smtp


def send(f, user, pw, mails):
    w, conv = lab_smtp.open_smtp(f, 587)
    conv["auth"].append(lab_smtp.auth_plain_ir(w, user, pw))
    conv["auth_user"] = user
    for m in mails:
        lab_smtp.send_mail(w, m)
        conv["messages"].append(m.fact())
    w.smtp_cmd("QUIT", 221)
    w.close()


def fetch_all(f, user, pw, mails):
    for m in mails:
        lab_smtp.delivered(m, user)
    src = f.port()
    w = Wire(143, src)
    conv = f.conversation("imap", 143, src, "python socket (typed commands)")
    w.line()
    steps = ['LOGIN %s "%s"' % (user, pw), "SELECT INBOX", "FETCH 1:%d BODY[]" % len(mails), "LOGOUT"]
    for i, s in enumerate(steps):
        w.imap_cmd("a%d" % (i + 1), s)
        conv["commands"].append(s.split(" ", 1)[0])
    w.close()
    conv["auth"].append(auth_fact("LOGIN", user, pw, True, False, command="LOGIN"))
    conv["auth_user"] = user
    for m in mails:
        conv["messages"].append(m.fact())


@scenario("smime-exchange", [587, 143], "Submission 587 (AUTH PLAIN): bob sends alice a signed "
          "message, then alice sends bob a message signed by her and encrypted for bob only "
          "(AES-256-CBC) and one encrypted for bob and herself (3DES); IMAP 143: bob fetches both. "
          "alice.p12 and bob.p12 (captures/pki, openssl pkcs12 -export) open them.")
def smime_exchange(f):
    alice, apw = f.user("alice")
    bob, bpw = f.user("bob")
    empty_mailbox(alice)
    empty_mailbox(bob)
    notes = ("compte-rendu.txt", "text/plain", "Compte-rendu du TP4 : S/MIME fonctionne.\n".encode())
    inner = [
        ("bob", [], "Mon certificat", "Bonjour Alice,\r\nVoici mon certificat signé.\r\nBob\r\n", None, True, None),
        ("alice", ["bob"], "Signé puis chiffré pour Bob", "Bonjour Bob,\r\nCe message est signé puis chiffré pour toi seul.\r\nAlice\r\n", notes, True, "aes-256-cbc"),
        ("alice", ["bob", "alice"], "Chiffré pour Bob et Alice", "Bonjour Bob,\r\nChiffré pour nous deux.\r\nAlice\r\n", None, False, "des3"),
    ]
    mails, facts = [], []
    for i, (sender, rcpts, subject, body, att, sign, cipher) in enumerate(inner):
        entity = smime_entity(body, att)
        m = smime_exchange_mail(80 + i, sender, rcpts, subject, entity, sign, cipher)
        mails.append(m)
        facts.append({
            "message_id": m.msgid, "sender": sender, "signed_by": sender if sign else None,
            "encrypted_for": rcpts, "cipher": cipher, "inner_body": body.replace("\r\n", "\n"),
            "inner_sha256": hashlib.sha256(entity).hexdigest(),
            "inner_attachments": [file_fact(*att[:1], att[1], att[2])] if att else [],
        })
    send(f, bob, bpw, mails[:1])
    send(f, alice, apw, mails[1:])
    fetch_all(f, bob, bpw, mails[1:])
    f.data["smime"] = {
        "pki_dir": "captures/pki", "ca": "ca.crt",
        "keys": {u: make_p12(u) for u in ("alice", "bob")},
        "messages": facts,
    }
