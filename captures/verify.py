"""Read every capture back with tshark and check that it holds what its
facts say: each conversation's ports, and for cleartext conversations the
commands, credentials and messages on the wire; for TLS conversations
that the password is not in clear and that the key log decrypts them.

Usage: verify.py DIR [name ...]   (exit status 1 on any mismatch)"""

import base64
import glob
import json
import os
import subprocess
import sys


def b64(s):
    return base64.b64encode(s.encode()).decode().encode()


def tshark(path, fields, flt=None, opts=()):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t"] + list(opts)
    if flt:
        cmd += ["-Y", flt]
    for f in fields:
        cmd += ["-e", f]
    # A truncated capture makes tshark complain at the end: keep what it read.
    r = subprocess.run(cmd, capture_output=True, text=True)
    return [l.split("\t") for l in r.stdout.splitlines()]


def streams(path):
    """(src port, dst port) -> bytes sent that way, TCP payloads in order."""
    out = {}
    for sp, dp, payload in tshark(path, ["tcp.srcport", "tcp.dstport", "tcp.payload"], "tcp.len > 0"):
        key = (int(sp), int(dp))
        # Inside a SOCKS tunnel tshark lists the payload twice: keep one.
        payload = payload.split(",")[0]
        out[key] = out.get(key, b"") + bytes.fromhex(payload.replace(":", ""))
    return out


def expected_client_text(conv):
    """Byte strings the client must have sent in clear."""
    want = []
    for a in conv["auth"]:
        u, p, mech = a["username"], a["password"], a["mechanism"]
        if u is None:
            continue
        if a.get("command") in ("LOGIN", "USER/PASS") and not a.get("literals"):
            want += [u.encode(), p.encode()]
        elif a.get("literals"):
            want += [u.encode(), p.encode()]
        elif mech == "PLAIN":
            want.append(b64("\0%s\0%s" % (u, p)))
        elif mech == "LOGIN":
            want += [b64(u), b64(p)]
        elif mech in ("CRAM-MD5",):
            want.append(b64("%s %s" % (u, a["response"])))
        elif mech == "APOP":
            want.append(("APOP %s %s" % (u, a["response"])).encode())
    for c in conv["commands"]:
        want.append(c.encode())
    for m in conv["messages"]:
        if m.get("appended_to"):  # IMAP APPEND: the client sends the message
            want.append(("Message-ID: %s" % m["message_id"]).encode())
    if conv["proto"] == "smtp":
        for m in conv["messages"]:
            want.append(("MAIL FROM:<%s>" % m["envelope_from"]).encode())
            want += [("RCPT TO:<%s>" % r).encode() for r in m["envelope_to"]]
            want.append(("Message-ID: %s" % m["message_id"]).encode())
    return want


def expected_server_text(conv):
    if conv["proto"] in ("imap", "pop3"):
        return [m["message_id"].encode() for m in conv["messages"] if not m.get("appended_to")]
    return []


def check_conv(facts, path, conv, wire, problems):
    c, s = conv["client"]["port"], conv["server"]["port"]
    name = "%s %s %d->%d" % (facts["capture"], conv["proto"], c, s)
    if conv["proto"] == "dns":
        return
    up, down = wire.get((c, s), b""), wire.get((s, c), b"")
    if not up and not down:
        problems.append(name + ": conversation not in the capture")
        return
    if facts["snaplen"] < 1000 or facts.get("truncated"):
        return  # payloads are cut: the ports are all that can be checked
    if conv["tls"]["mode"] == "none":
        for w in expected_client_text(conv):
            if w not in up:
                problems.append("%s: client never sent %r" % (name, w))
        for w in expected_server_text(conv):
            if w not in down:
                problems.append("%s: server never sent %r" % (name, w))
        return
    for a in conv["auth"]:
        if a["password"] and a["password"].encode() in up:
            problems.append(name + ": password in clear in a TLS conversation")
    keys = facts.get("tls_keylog")
    if keys:
        flt = "tcp.port == %d && (smtp.req || imap.request || pop.request)" % c
        got = tshark(path, ["frame.number"], flt, ["-o", "tls.keylog_file:" + os.path.join(os.path.dirname(path), keys)])
        if not got:
            problems.append(name + ": the key log does not decrypt the conversation")


def check_dns(facts, path, problems):
    rows = tshark(path, ["dns.qry.name", "dns.qry.type", "dns.flags.rcode", "dns.flags.response"], "dns")
    answered = {(r[0], r[1], r[2]) for r in rows if r[3] in ("1", "True")}
    for q in facts.get("dns", []):
        key = (q["name"], {"A": "1", "MX": "15"}[q["type"]], "3" if q["rcode"] == "NXDOMAIN" else "0")
        if key not in answered:
            problems.append("%s: no answer %s" % (facts["capture"], key))


def check(path_facts, problems):
    with open(path_facts) as f:
        facts = json.load(f)
    path = os.path.join(os.path.dirname(path_facts), facts["capture"])
    if not os.path.exists(path):
        problems.append(facts["capture"] + ": missing")
        return
    wire = streams(path)
    for conv in facts["conversations"]:
        check_conv(facts, path, conv, wire, problems)
    if facts.get("dns"):
        check_dns(facts, path, problems)


def main():
    d = sys.argv[1]
    names = sys.argv[2:]
    problems = []
    files = sorted(glob.glob(os.path.join(d, "*.facts.json")))
    for p in files:
        if names and os.path.basename(p)[: -len(".facts.json")] not in names:
            continue
        check(p, problems)
    described = set()
    for p in files:
        with open(p) as f:
            described.add(json.load(f)["capture"])
    for p in sorted(glob.glob(os.path.join(d, "*.pcap*"))):
        if os.path.basename(p) not in described:
            problems.append(os.path.basename(p) + ": no facts file")
    for p in problems:
        print("verify:", p)
    print("verify: %d facts files, %d problems" % (len(files), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
