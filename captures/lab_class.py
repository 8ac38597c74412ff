"""Scenarios of the lab as students really do it, for grading a class:
the James Bond forgery typed by hand with the envelope equal to the
header (sent to oneself and read back, or sent to another student),
STARTTLS asked of the second domain's server that does not offer it, a
mail client's authenticated submission on 587, and an S/MIME message
read but not sent."""

from labkit import ALICE, BOB, Wire, auth_fact, empty_mailbox, scenario, tool_version
from labmail import smime_mail, text_mail
import lab_misc
import lab_smtp

BOND = "james.bond@mi6.example"


def bond_same_envelope(n, rcpt):
    """The forgery as the handout asks it: MAIL FROM and From both James Bond."""
    return text_mail(n, BOND, rcpt, "James Bond <%s>" % BOND, "<%s>" % rcpt, lab_smtp.MISSION,
                     lab_smtp.MISSION_BODY)


def typed_forgery(f, m):
    w, conv = lab_smtp.open_smtp(f, 25)
    conv["helo"] = lab_smtp.HELO
    lab_smtp.send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    conv["messages"].append(m.fact())
    conv["forged"] = True


@scenario("lab-forgery-self", [25, 143], "SMTP 25 typed by hand, no AUTH: MAIL FROM and From are both "
          "James Bond <james.bond@mi6.example>, sent to alice herself; IMAP 143: alice logs in and reads it back.")
def lab_forgery_self(f):
    user, pw = f.user("alice")
    empty_mailbox(user)
    m = bond_same_envelope(80, ALICE)
    typed_forgery(f, m)
    lab_misc.fetch_sent(f, user, pw, m, ["BODY[]"])


@scenario("lab-forgery-other", [25], "SMTP 25 typed by hand, no AUTH: the same forgery (envelope = "
          "header = James Bond) sent to bob, another student.")
def lab_forgery_other(f):
    typed_forgery(f, bond_same_envelope(81, BOB))


@scenario("lab-starttls-second", [2525], "SMTP 2525, the second domain's server: EHLO shows no "
          "STARTTLS, the client asks for it anyway and is refused (502), then quits.")
def lab_starttls_second(f):
    w, conv = lab_smtp.open_smtp(f, 2525)
    assert not conv["starttls"]["offered"]
    code, _ = w.smtp_cmd("STARTTLS")
    assert code >= 400
    conv["starttls"].update(requested=True, accepted=False, reply=code)
    conv["helo"] = lab_smtp.HELO
    w.smtp_cmd("QUIT", 221)
    w.close()


@scenario("lab-submission-587", [587], "Submission 587 in clear as a mail client does it: swaks with "
          "AUTH PLAIN as alice sends alice a note with a User-Agent header.")
def lab_submission_587(f):
    user, pw = f.user("alice")
    m = text_mail(82, ALICE, ALICE, "Alice <%s>" % ALICE, "Alice <%s>" % ALICE, "Envoyé par le client",
                  "Message envoyé par un client de messagerie.\r\n", extra="User-Agent: Thunderbird/128.5\r\n")
    src = lab_smtp.swaks(f, 587, m, ["--auth", "PLAIN", "--auth-user", user, "--auth-password", pw])
    conv = f.conversation("smtp", 587, src, tool_version(["swaks", "--version"]))
    conv["starttls"] = {"offered": True, "requested": False, "accepted": False}
    conv["auth"].append(auth_fact("PLAIN", user, pw, True, True))
    conv["auth_user"] = user
    conv["messages"].append(m.fact())


@scenario("lab-smime-read-only", [143], "Only IMAP 143 is captured: alice's signed S/MIME mail to bob "
          "was submitted on 587 outside the capture; bob logs in and reads it.")
def lab_smime_read_only(f):
    alice, apw = f.user("alice")
    bob, bpw = f.user("bob")
    empty_mailbox(bob)
    m = smime_mail(83, "signed", ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "Message signé S/MIME",
                   "Bonjour Bob,\r\nCe message est signé S/MIME.\r\nAlice\r\n")
    w = Wire(587, f.port())
    assert w.smtp()[0] == 220
    w.smtp_cmd("EHLO " + lab_smtp.HELO, 250)
    lab_smtp.auth_plain_ir(w, alice, apw)
    lab_smtp.send_mail(w, m)
    w.smtp_cmd("QUIT", 221)
    w.close()
    f.data["smime"] = {"kind": "signed", "signer": "alice.crt", "recipient": None, "ca": "ca.crt",
                       "pki_dir": "captures/pki"}
    lab_misc.fetch_sent(f, bob, bpw, m, ["BODY[]"])


@scenario("lab-starttls-454", [2526], "SMTP 2526, a server whose TLS is broken (its certificate is "
          "missing): the client asks for STARTTLS and gets 454 (TLS not available), then quits.")
def lab_starttls_454(f):
    w, conv = lab_smtp.open_smtp(f, 2526)
    code, _ = w.smtp_cmd("STARTTLS")
    assert code == 454, code
    conv["starttls"].update(requested=True, accepted=False, reply=code)
    conv["helo"] = lab_smtp.HELO
    w.smtp_cmd("QUIT", 221)
    w.close()
