"""Shared pieces of the capture lab: the scenario registry, tcpdump, a
line-oriented wire client, and the facts written next to each capture."""

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time

LAB = os.environ.get("MAILWIRE_LAB", "/tmp/mailwire-lab")
HERE = os.path.dirname(os.path.abspath(__file__))
PKI = os.path.join(HERE, "pki")
HOST = "127.0.0.1"
SERVER_NAME = "mail.lab.example"

USERS = {"alice": "Wonderland!42", "bob": "B0b-secret"}
ALICE = "alice@grenoble-inp.example"
BOB = "bob@grenoble-inp.example"

SCENARIOS = []


class Scenario:
    def __init__(self, name, ports, about, fn, iface="lo", snaplen=0, link=None, after=None):
        self.name = name
        self.ports = ports
        self.about = about
        self.fn = fn
        self.iface = iface
        self.snaplen = snaplen
        self.link = link
        self.after = after
        # Each scenario gets its own block of fixed client ports so that a
        # full run reproduces the same port numbers.
        self.base_port = 40000 + 20 * len(SCENARIOS)


def scenario(name, ports, about, **kw):
    """Register fn(facts) as the scenario captured into <name>.pcap."""

    def register(fn):
        SCENARIOS.append(Scenario(name, ports, about, fn, **kw))
        return fn

    return register


class Capture:
    """tcpdump on the loopback for the duration of a with block."""

    def __init__(self, path, ports, iface="lo", snaplen=0, link=None):
        self.path = path
        self.ports = ports
        self.iface = iface
        self.snaplen = snaplen
        self.link = link

    def __enter__(self):
        flt = " or ".join("port %d" % p for p in self.ports)
        # Immediate mode: packets must not wait in the kernel ring buffer,
        # where SIGINT would throw them away. A large buffer (-B, KiB): in
        # immediate mode each ring slot holds a whole snap length, so the
        # default 2 MiB keeps only a few packets and drops some when
        # tcpdump is slow to be scheduled.
        cmd = ["tcpdump", "-i", self.iface, "-n", "-U", "--immediate-mode", "-B", "65536",
               "-Z", "root", "-s", str(self.snaplen), "-w", self.path]
        if self.link:
            cmd += ["-y", self.link]
        cmd.append(flt)
        self.err = open(self.path + ".log", "w+")
        self.proc = subprocess.Popen(cmd, stderr=self.err)
        # tcpdump says "listening on" once the capture is really open.
        for _ in range(100):
            self.err.seek(0)
            if "listening on" in self.err.read():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("tcpdump did not start for " + self.path)
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        time.sleep(1.0)  # let the last FIN/ACK reach the capture
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        self.err.seek(0)
        report = self.err.read()
        self.err.close()
        os.remove(self.path + ".log")
        if exc[0] is not None:
            return False
        m = re.search(r"(\d+) packets? dropped by kernel", report)
        if m is None or m.group(1) != "0":
            raise Dropped("tcpdump lost packets in %s: %s" % (self.path, report.strip()))
        if count_packets(self.path) < 4:
            raise RuntimeError("tcpdump caught almost nothing in " + self.path)
        return False


class Dropped(RuntimeError):
    """tcpdump lost packets: the scenario is run again."""


def count_packets(path):
    """Records of a classic pcap file (enough to notice an empty capture)."""
    with open(path, "rb") as f:
        data = f.read()
    little = data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
    n, off = 0, 24
    while off + 16 <= len(data):
        incl = int.from_bytes(data[off + 8 : off + 12], "little" if little else "big")
        off += 16 + incl
        n += 1
    return n


class Facts:
    """What the script really did, written as <name>.facts.json."""

    def __init__(self, sc, out):
        self.sc = sc
        self.out = out
        self.next_port = sc.base_port
        self.data = {
            "capture": sc.name + ".pcap",
            "scenario": sc.name,
            "about": sc.about,
            "link_type": sc.link or "EN10MB",
            "snaplen": sc.snaplen or 262144,
            "users": {},
            "conversations": [],
        }

    def port(self):
        p = self.next_port
        self.next_port += 1
        return p

    def keylog(self):
        """Path of this capture's SSLKEYLOGFILE (recorded in the facts)."""
        name = self.sc.name + ".keys"
        self.data["tls_keylog"] = name
        return os.path.join(self.out, name)

    def user(self, name):
        self.data["users"][name] = USERS[name]
        return name, USERS[name]

    def conversation(self, proto, server_port, client_port, tool, tls="none", host=HOST):
        conv = {
            "proto": proto,
            "client": {"addr": host, "port": client_port},
            "server": {"addr": host, "port": server_port},
            "tool": tool,
            "tls": {"mode": tls},
            "auth": [],
            "commands": [],
            "messages": [],
        }
        self.data["conversations"].append(conv)
        return conv

    def write(self):
        path = os.path.join(self.out, self.sc.name + ".facts.json")
        with open(path, "w") as f:
            json.dump(self.data, f, indent=2, ensure_ascii=False)
            f.write("\n")


def auth_fact(mechanism, user, password, accepted, initial_response, **more):
    a = {
        "mechanism": mechanism,
        "username": user,
        "password": password,
        "accepted": accepted,
        "initial_response": initial_response,
    }
    a.update(more)
    # As in the JSON contract: the IMAP LOGIN command, POP3 USER/PASS and
    # APOP are not SASL; the password crosses the wire except in the
    # challenge-response mechanisms.
    a["sasl"] = a.get("command") not in ("LOGIN", "USER/PASS", "APOP")
    a["recoverable"] = mechanism not in ("CRAM-MD5", "APOP")
    return a


def client_context(version=None, keylog=None):
    """A TLS client context that trusts the lab CA, pinned to one version."""
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, "ca.crt"))
    if version == "1.2":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif version == "1.3":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    if keylog:
        ctx.keylog_filename = keylog
    return ctx


def connect(port, src_port, host=HOST):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, src_port))
    s.settimeout(20)
    s.connect((host, port))
    return s


class Wire:
    """A client typing protocol lines by hand, as a student with telnet or
    openssl s_client would, with helpers to read each protocol's replies."""

    def __init__(self, port, src_port, host=HOST, ctx=None):
        self.proc = None
        self.sock = connect(port, src_port, host)
        if ctx:
            self.sock = ctx.wrap_socket(self.sock, server_hostname=SERVER_NAME)
        self.rd = self.sock.makefile("rb")

    @classmethod
    def s_client(cls, args, log):
        """Type into a real `openssl s_client -quiet` instead of a socket."""
        w = cls.__new__(cls)
        w.sock = None
        w.proc = subprocess.Popen(["openssl", "s_client", "-quiet"] + args,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        w.rd = w.proc.stdout
        return w

    def starttls(self, ctx):
        self.sock = ctx.wrap_socket(self.sock, server_hostname=SERVER_NAME)
        self.rd = self.sock.makefile("rb")
        return self.sock.version()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        if self.proc:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        else:
            self.sock.sendall(data)

    def line(self):
        b = self.rd.readline()
        if not b:
            raise EOFError("connection closed")
        return b

    def cmd(self, text):
        self.send(text + "\r\n")

    def smtp(self):
        """One SMTP reply: (code, [lines])."""
        lines = []
        while True:
            b = self.line().decode("utf-8", "replace").rstrip("\r\n")
            lines.append(b)
            if len(b) < 4 or b[3] != "-":
                return int(b[:3]), lines

    def smtp_cmd(self, text, want=None):
        self.cmd(text)
        code, lines = self.smtp()
        if want is not None and code != want:
            raise RuntimeError("%r: wanted %d, got %s" % (text, want, lines))
        return code, lines

    def imap(self, tag):
        """Lines up to and including the tagged reply, literals included."""
        out = []
        while True:
            b = self.line()
            out.append(b)
            # A literal {n} at the end of a line: its bytes follow.
            s = b.rstrip(b"\r\n")
            if s.endswith(b"}") and b"{" in s:
                n = s[s.rindex(b"{") + 1 : -1].rstrip(b"+")
                if n.isdigit():
                    out.append(self.rd.read(int(n)))
                    continue
            if b.startswith(tag.encode() + b" "):
                return out

    def imap_cmd(self, tag, text, want="OK"):
        self.cmd(tag + " " + text)
        out = self.imap(tag)
        status = out[-1].split(b" ", 2)[1].decode()
        if want and status != want:
            raise RuntimeError("%r: wanted %s, got %r" % (text, want, out[-1]))
        return out

    def pop(self):
        return self.line().decode("utf-8", "replace").rstrip("\r\n")

    def pop_cmd(self, text, want="+OK"):
        self.cmd(text)
        r = self.pop()
        if want and not r.startswith(want):
            raise RuntimeError("%r: wanted %s, got %r" % (text, want, r))
        return r

    def pop_multi(self):
        out = []
        while True:
            b = self.line()
            if b == b".\r\n":
                return b"".join(out)
            out.append(b)

    def close(self):
        if self.proc:
            self.proc.stdin.close()
            self.proc.wait(timeout=20)
            return
        try:
            self.sock.close()
        except OSError:
            pass


def tool_version(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return out.splitlines()[0].strip() if out else cmd[0]


def wait_delivered(user, message_id, timeout=15):
    """Wait until postfix has handed message_id to dovecot for user."""
    root = os.path.join(LAB, "mail", user, "Maildir")
    deadline = time.time() + timeout
    needle = message_id.encode()
    while time.time() < deadline:
        for sub in ("new", "cur"):
            d = os.path.join(root, sub)
            if not os.path.isdir(d):
                continue
            for f in os.listdir(d):
                with open(os.path.join(d, f), "rb") as fh:
                    if needle in fh.read(8192):
                        return
        time.sleep(0.1)
    raise RuntimeError("%s never reached %s's mailbox" % (message_id, user))


def empty_mailbox(user):
    """Start a scenario from a known mailbox: remove every message and folder."""
    root = os.path.join(LAB, "mail", user)
    if os.path.isdir(root):
        shutil.rmtree(root)
