"""Mail through proxies: swaks relayed to postfix by a real SOCKS5 proxy
(microsocks, with username/password) and a real HTTP CONNECT proxy
(tinyproxy, with Basic authentication), both driven through proxychains4.
Only the client's leg to the proxy is captured."""

import os
import subprocess
import time

from labkit import ALICE, BOB, HOST, LAB, scenario, tool_version
from labmail import text_mail
from lab_smtp import HELO

PROXY_USER, PROXY_PASS = "proxyuser", "Pr0xy-pass"


def wait_port(port, timeout=10):
    import socket
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection((HOST, port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nothing listens on %s:%d" % (HOST, port))


def chains_conf(name, line):
    path = os.path.join(LAB, "conf", name + ".proxychains.conf")
    with open(path, "w") as fh:
        fh.write("strict_chain\nquiet_mode\ntcp_read_time_out 15000\ntcp_connect_time_out 8000\n"
                 "[ProxyList]\n" + line + "\n")
    return path


def swaks_through(f, conf, mail, proxy_port):
    """swaks through proxychains4, which opens its own socket to the proxy
    (swaks's --local-port is not kept): the client port is read from the
    kernel's socket table while the conversation runs."""
    path = os.path.join(LAB, "work", "%s.eml" % f.sc.name)
    with open(path, "wb") as fh:
        fh.write(mail.raw)
    cmd = ["proxychains4", "-q", "-f", conf, "swaks", "--server", HOST, "--port", "25",
           "--ehlo", HELO, "--from", mail.env_from, "--to", ",".join(mail.env_to), "--data", "@" + path]
    src = None
    with open(os.path.join(LAB, "log", "swaks.log"), "a") as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=log)
        while p.poll() is None and src is None:
            src = client_port(p.pid, proxy_port)
            time.sleep(0.005)
        if p.wait(timeout=60) != 0:
            raise RuntimeError("swaks through %s failed" % conf)
    if src is None:
        raise RuntimeError("the client port to the proxy was not seen")
    return src


def client_port(pid, proxy_port):
    out = subprocess.run(["ss", "-Htnp", "state", "established", "dport", "= :%d" % proxy_port],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "pid=%d," % pid in line:
            local = line.split()[2]
            return int(local.rsplit(":", 1)[1])
    return None


def tunnel_scenario(f, kind, proxy_port, server_cmd, chains_line, n):
    log = open(os.path.join(LAB, "log", kind + ".log"), "a")
    proxy = subprocess.Popen(server_cmd, stdout=log, stderr=log)
    try:
        wait_port(proxy_port)
        m = text_mail(n, ALICE, BOB, "Alice <%s>" % ALICE, "Bob <%s>" % BOB, "Par le proxy " + kind,
                      "Bonjour Bob,\r\nCe message passe par un proxy.\r\nAlice\r\n")
        src = swaks_through(f, chains_conf(kind, chains_line), m, proxy_port)
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        log.close()
    conv = f.conversation("smtp", proxy_port, src, tool_version(["swaks", "--version"]) + " via proxychains4")
    conv["helo"] = HELO
    conv["tunnel"] = {"kind": kind, "target": "%s:25" % HOST, "user": PROXY_USER, "password": PROXY_PASS,
                      "proxy": server_cmd[0]}
    conv["messages"].append(m.fact())


@scenario("tunnel-socks5", [1080], "swaks sends a message to postfix on 25 through microsocks, a SOCKS5 "
          "proxy on 1080 that asks for a username and password (RFC 1929).")
def tunnel_socks5(f):
    tunnel_scenario(f, "socks5", 1080, ["microsocks", "-i", HOST, "-p", "1080", "-u", PROXY_USER, "-P", PROXY_PASS],
                    "socks5 %s 1080 %s %s" % (HOST, PROXY_USER, PROXY_PASS), 470)


@scenario("tunnel-http-connect", [3128], "swaks sends a message to postfix on 25 through tinyproxy, an "
          "HTTP proxy on 3128, with CONNECT and Basic proxy authentication.")
def tunnel_http_connect(f):
    conf = os.path.join(LAB, "conf", "tinyproxy.conf")
    with open(conf, "w") as fh:
        fh.write("Port 3128\nListen %s\nTimeout 60\nAllow 127.0.0.1\nConnectPort 25\nMaxClients 5\n"
                 "BasicAuth %s %s\nLogLevel Info\n" % (HOST, PROXY_USER, PROXY_PASS))
    tunnel_scenario(f, "http-connect", 3128, ["tinyproxy", "-d", "-c", conf],
                    "http %s 3128 %s %s" % (HOST, PROXY_USER, PROXY_PASS), 471)
