"""DNS look-ups of the lab domains, sent by hand over UDP to dnsmasq.

ZONE repeats what conf/dnsmasq.conf serves; every answer is checked
against it, so the facts are what the script asked and expected."""

import socket
import struct

from labkit import HOST

ZONE = {
    ("grenoble-inp.example", "MX"): [[10, "mx1.grenoble-inp.example"], [20, "mx2.grenoble-inp.example"]],
    ("lab.example", "MX"): [[10, "mail.lab.example"]],
    ("mx1.grenoble-inp.example", "A"): ["127.0.0.1"],
    ("mail.lab.example", "A"): ["127.0.0.1"],
    ("absent.lab.example", "A"): None,  # NXDOMAIN
}
TYPES = {"A": 1, "MX": 15}
DEFAULT = [("grenoble-inp.example", "MX"), ("lab.example", "MX"), ("mx1.grenoble-inp.example", "A"),
           ("mail.lab.example", "A"), ("absent.lab.example", "A")]


def query(qid, name, qtype):
    head = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)  # recursion desired
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return head + q + struct.pack(">HH", TYPES[qtype], 1)


def read_name(msg, off):
    labels = []
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            ptr = struct.unpack(">H", msg[off : off + 2])[0] & 0x3FFF
            labels.append(read_name(msg, ptr)[0])
            return ".".join(labels), off + 2
        off += 1
        if n == 0:
            return ".".join(labels), off
        labels.append(msg[off : off + n].decode())
        off += n


def answers(msg):
    """(rcode, [answer data]) of a response."""
    _, flags, qd, an, _, _ = struct.unpack(">HHHHHH", msg[:12])
    off = 12
    for _ in range(qd):
        off = read_name(msg, off)[1] + 4
    out = []
    for _ in range(an):
        off = read_name(msg, off)[1]
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[off : off + 10])
        off += 10
        rdata = msg[off : off + rdlen]
        if rtype == 15:
            out.append([struct.unpack(">H", rdata[:2])[0], read_name(msg, off + 2)[0]])
        elif rtype == 1:
            out.append(socket.inet_ntoa(rdata))
        off += rdlen
    return flags & 0xF, out


def lookups(f, src, names=DEFAULT):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, src))
    s.settimeout(5)
    facts = []
    for i, (name, qtype) in enumerate(names):
        qid = 0x4D57 + i  # fixed query ids: "MW", "MX", ...
        s.sendto(query(qid, name, qtype), (HOST, 53))
        msg, _ = s.recvfrom(4096)
        rcode, got = answers(msg)
        want = ZONE[(name, qtype)]
        if want is None:
            assert rcode == 3, (name, rcode)
        else:
            assert rcode == 0 and sorted(got) == sorted(want), (name, got)
        facts.append({"id": qid, "name": name, "type": qtype,
                      "rcode": "NXDOMAIN" if want is None else "NOERROR", "answers": want or []})
    s.close()
    f.data.setdefault("dns", []).extend(facts)
    conv = f.conversation("dns", 53, src, "python socket (UDP queries built by hand)")
    conv["transport"] = "udp"
    conv["queries"] = [[q["name"], q["type"]] for q in facts]
