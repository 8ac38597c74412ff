"""Drive every scenario under tcpdump and write its capture and facts.

Called by make.sh once the lab servers run: lab.py --out DIR [name ...]
(no name: every scenario, in the order they are registered)."""

import argparse
import os
import sys
import traceback

import lab_smtp  # noqa: F401  (each module registers its scenarios)
import lab_imap  # noqa: F401
import lab_pop3  # noqa: F401
import lab_misc  # noqa: F401
import lab_extra  # noqa: F401
import lab_smime  # noqa: F401
import lab_class  # noqa: F401
import lab_tunnel  # noqa: F401
import lab_keylog  # noqa: F401
from labkit import SCENARIOS, Capture, Dropped, Facts


def run(sc, out):
    f = Facts(sc, out)
    pcap = os.path.join(out, sc.name + ".pcap")
    keys = os.path.join(out, sc.name + ".keys")
    if os.path.exists(keys):
        os.remove(keys)  # python and openssl append to key logs
    with Capture(pcap, sc.ports, sc.iface, sc.snaplen, sc.link):
        sc.fn(f)
    f.data["format"] = "pcap"
    f.write()
    if sc.after:
        sc.after(f, out)


def run_again_if_dropped(sc, out, tries=3):
    for i in range(tries):
        try:
            return run(sc, out)
        except Dropped as e:
            if i == tries - 1:
                raise
            print("  again:", e, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    known = {sc.name for sc in SCENARIOS}
    unknown = [n for n in a.names if n not in known]
    if unknown:
        sys.exit("unknown scenario(s): %s\nknown: %s" % (" ".join(unknown), " ".join(sorted(known))))
    failed = []
    for sc in SCENARIOS:
        if a.names and sc.name not in a.names:
            continue
        print("capture", sc.name, flush=True)
        try:
            run_again_if_dropped(sc, a.out)
        except Exception:
            traceback.print_exc()
            failed.append(sc.name)
    if failed:
        sys.exit("failed: " + " ".join(failed))


if __name__ == "__main__":
    main()
